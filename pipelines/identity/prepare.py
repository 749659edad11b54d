"""Turn a file's person rows into our standard fields, with placeholder values nulled.

Guardrails run here, before Splink sees anything: a shared agency mailbox or an all-zero phone
would otherwise be the strongest evidence in the model and chain unrelated travellers into one
cluster. Nulling them makes Splink treat the field as unknown (the null level, weight 0).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from pipelines.identity import fields as f

log = logging.getLogger(__name__)
RECORD_ID = "record_id"


@dataclass(frozen=True)
class Guardrails:
    """Blocked values from ``conf/identity.yaml`` ``guardrails.blocked``, compiled once."""

    email_local_parts: frozenset[str]
    emails: frozenset[str]
    email_domains: frozenset[str]
    phones: tuple[re.Pattern[str], ...]
    documents: tuple[re.Pattern[str], ...]
    dobs: frozenset[str]
    names: frozenset[str]

    @classmethod
    def from_conf(cls, blocked: dict[str, Any]) -> Guardrails:
        low = lambda key: frozenset(str(v).lower() for v in blocked.get(key, []))  # noqa: E731
        rx = lambda key: tuple(re.compile(p, re.I) for p in blocked.get(key, []))  # noqa: E731
        return cls(low("email_local_parts"), low("emails"), low("email_domains"),
                   rx("phones_regex"), rx("documents_regex"), low("dobs"), low("names"))

    def allows(self, field: str, value: str | None) -> bool:
        """False when a normalised value identifies no one and must not be compared."""
        if value is None:
            return True
        if field == "email":
            local, _, domain = value.partition("@")
            return not (value in self.emails or local in self.email_local_parts
                        or domain in self.email_domains)
        if field == "phone":
            national = f.national_number(value)  # "+44 0000 000000" is all zeros too
            return not any(p.search(v) for p in self.phones for v in (value, national))
        if field == "document_number":
            return not any(p.search(value) for p in self.documents)
        if field == "dob":
            return value not in self.dobs
        if field in ("first_name", "last_name"):
            return value not in self.names
        return True


def standardise_record(raw: dict[str, Any], conf: dict[str, Any], guard: Guardrails,
                       known_surnames: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Normalise one record's mapped fields and null the blocked ones (pure; unit-tested).

    ``known_surnames``: the data's surnames (:func:`surname_cores`), so a glued particle is
    cut only when the rest is a surname seen elsewhere ("deboer" -> "boer").
    """
    titles = frozenset(conf["normalise"]["name_titles"])
    particles = frozenset(conf["normalise"].get("surname_particles", ()))
    region = conf["default_phone_region"]
    dob_formats = tuple(conf["normalise"]["dob_formats"])
    out: dict[str, Any] = {}
    for field, value in raw.items():
        if field == "last_name":
            norm = f.strip_particles(f.normalise_name(value, titles), particles, known_surnames)
        elif field in ("first_name", "street", "city"):
            norm = f.normalise_name(value, titles if field == "first_name" else frozenset())
        elif field == "dob":
            norm = f.normalise_dob(value, dob_formats)
        elif field == "email":
            norm = f.normalise_email(value)
        elif field == "phone":
            norm = f.normalise_phone(value, region)
        else:
            norm = f.normalise_code(value)
        out[field] = norm if guard.allows(field, norm) else None
    if "first_name" in out:
        out[f.NAME_VARIANTS] = list(f.name_variants(out["first_name"])) or None
    if "first_name" in out and "last_name" in out:
        both = out["first_name"] and out["last_name"]
        out[f.FULL_NAME] = f"{out['first_name']} {out['last_name']}" if both else None
        out[f.NAME_SOUNDS] = f.name_sounds(out["first_name"], out["last_name"])
    return out


def standardise(keyed, mapping: dict[str, str], conf: dict[str, Any]):
    """Spark DataFrame of ``record_id`` + our mapped fields, normalised and guarded.

    ``keyed`` comes from :func:`keyed_rows`. Normalisation runs as Arrow batches
    (``mapInPandas``) so it is one pass at any size and reuses the tested pure functions.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    fields = [name for name in f.FIELDS if name in mapping]
    selected = keyed.select(RECORD_ID, *[F.col(f"`{mapping[n]}`").cast("string").alias(n)
                                         for n in fields])
    schema = [StructField(RECORD_ID, StringType()), *[StructField(n, StringType()) for n in fields]]
    if "first_name" in fields:
        schema.append(StructField(f.NAME_VARIANTS, ArrayType(StringType())))
    if {"first_name", "last_name"} <= set(fields):
        schema += [StructField(f.FULL_NAME, StringType()), StructField(f.NAME_SOUNDS, StringType())]
    guard = Guardrails.from_conf(conf["guardrails"]["blocked"])
    known = surname_cores(selected, conf) if "last_name" in fields else frozenset()

    def batches(frames):
        import pandas as pd

        for frame in frames:
            rows = [{RECORD_ID: rid, **standardise_record(
                {n: (None if pd.isna(v) else v) for n, v in zip(fields, values, strict=True)},
                conf, guard, known)} for rid, *values in frame.itertuples(index=False)]
            yield pd.DataFrame(rows, columns=[s.name for s in schema])

    return selected.mapInPandas(batches, StructType(schema))


def surname_cores(selected, conf: dict[str, Any]) -> frozenset[str]:
    """Distinct normalised surnames without particles written apart (one extra pass).

    Collected on the driver (one entry per distinct surname, in memory only) so
    :func:`standardise_record` can tell "deboer" (de + boer, when "boer" occurs) from "davies".
    """
    titles = frozenset(conf["normalise"]["name_titles"])
    particles = frozenset(conf["normalise"].get("surname_particles", ()))
    if not particles:
        return frozenset()

    def cores(frames):
        import pandas as pd

        for frame in frames:
            yield pd.DataFrame({"core": [f.strip_particles(f.normalise_name(v, titles), particles)
                                         for v in frame["last_name"]]})

    rows = selected.select("last_name").mapInPandas(cores, "core string").distinct().collect()
    return frozenset(r.core for r in rows if r.core)


def keyed_rows(df, id_column: str | None = None):
    """The input rows plus ``record_id``: ``id_column`` as text, else the 1-based row number."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if id_column:
        return df.withColumn(RECORD_ID, F.col(f"`{id_column}`").cast("string"))
    order = Window.orderBy(F.monotonically_increasing_id())
    return df.withColumn(RECORD_ID, F.row_number().over(order).cast("string"))
