"""Silver identity sources -> one DataFrame of person records ready for rules and Splink.

Which silver tables hold people, and how their columns map onto our person fields, is data
(``golden.sources`` in conf/identity.yaml), so a new source is a conf entry, not code. PII is
decrypted in memory only (``privacy.columns.decrypt_columns``), normalised and guarded by the
same code as ``lakehouse identity`` (``prepare.standardise``), and nothing derived from it is
written: the job writes ids, keys, rule names and weights.
"""

from __future__ import annotations

import logging
from typing import Any

from pipelines.config import Settings
from pipelines.identity import fields as f
from pipelines.identity.prepare import RECORD_ID, standardise
from pipelines.spark import table_path

log = logging.getLogger(__name__)
BIDX = ("email", "phone", "passport")
PROFILE = ("country", "nationality", "age_band")
# Which person field a blind index stands for: nulling the field (blocked, shared) nulls it too.
BIDX_FIELD = {"email": "email", "phone": "phone", "passport": "document_number"}
META = ("record_id", "source_table", "source_rank", "record_key", "subject_id", "loyalty_number",
        "loyalty_from_checkin", "group_key", "verified_email", "first_seen_at", "last_seen_at",
        "pax_type", *PROFILE, *(f"{b}_bidx" for b in BIDX))
CHECKIN, CHECKIN_ON = "_checkin_loyalty_number", "_checkin_on"


def source_path(settings: Settings, table: str):
    layer, name = table.split(".")
    return table_path(settings, layer, name)


def available_sources(settings: Settings, gconf: dict[str, Any]) -> list[tuple[int, dict]]:
    """(rank, source conf) of each configured source whose Delta table exists."""
    out = []
    for rank, source in enumerate(gconf["sources"]):
        if (source_path(settings, source["table"]) / "_delta_log").exists():
            out.append((rank, source))
        else:
            log.info("identity: %s does not exist yet; skipped", source["table"])
    return out


def _meta_columns(source: dict[str, Any], rank: int):
    """Canonical non-PII columns of one source (null where the source lacks them)."""
    from pyspark.sql import functions as F

    def col_or_null(name: str | None, kind: str = "string"):
        return F.col(name).cast(kind) if name else F.lit(None).cast(kind)

    key = F.concat_ws("/", *[F.col(k).cast("string") for k in source["key"]])
    own = F.upper(col_or_null(source.get("loyalty_number")))
    checkin = F.col(CHECKIN) if source.get("loyalty_number_from") else F.lit(None).cast("string")
    seen = source.get("seen_at") or [None, None]
    profile = source.get("profile") or {}
    indexes = source.get("blind_indexes") or {}
    return [
        F.concat(F.lit(f"{source['table']}|"), key).alias("record_id"),
        F.lit(source["table"]).alias("source_table"), F.lit(rank).alias("source_rank"),
        key.alias("record_key"),
        F.col(source["subject"]).cast("string").alias("subject_id"),
        F.coalesce(own, checkin).alias("loyalty_number"),
        (own.isNull() & checkin.isNotNull()).alias("loyalty_from_checkin"),
        col_or_null(source.get("group")).alias("group_key"),
        F.upper(col_or_null(source.get("pax_type"))).alias("pax_type"),
        F.lit(bool(source.get("verified_email"))).alias("verified_email"),
        col_or_null(seen[0], "timestamp").alias("first_seen_at"),
        col_or_null(seen[1], "timestamp").alias("last_seen_at"),
        *[col_or_null(profile.get(p)).alias(p) for p in PROFILE],
        *[col_or_null(indexes.get(b)).alias(f"{b}_bidx") for b in BIDX],
    ]


def with_checkin_loyalty(spark, settings: Settings, df, source: dict[str, Any]):
    """Add the loyalty number the passenger showed for the same ticket elsewhere (``CHECKIN``).

    A booking made by an agency or a companion often lacks the traveller's loyalty number, but
    the departure-control record of the flown leg (EDH ``silver.flight_passengers``) carries the
    number scanned at check-in for that very ticket. An e-ticket is one passenger, so this is
    deterministic evidence, not a guess. A ticket with two different numbers is ambiguous and
    contributes none. Sources without ``loyalty_number_from`` are returned unchanged.
    """
    spec = source.get("loyalty_number_from")
    if not spec:
        return df
    from pyspark.sql import functions as F

    path = source_path(settings, spec["table"])
    on, column = spec["join_on"], spec["column"]
    if not (path / "_delta_log").exists():
        log.info("identity: %s does not exist yet; no check-in loyalty numbers", spec["table"])
        return df.withColumn(CHECKIN, F.lit(None).cast("string"))
    numbers = (spark.read.format("delta").load(str(path))
               .where(F.col(on).isNotNull() & F.col(column).isNotNull())
               .select(F.col(on).alias(CHECKIN_ON), F.upper(F.col(column)).alias(CHECKIN))
               .distinct().groupBy(CHECKIN_ON)
               .agg(F.count(CHECKIN).alias("_n"), F.first(CHECKIN).alias(CHECKIN))
               .where("_n = 1").drop("_n"))
    return df.join(numbers, df[on] == numbers[CHECKIN_ON], "left").drop(CHECKIN_ON)


def _load(spark, settings: Settings, source: dict[str, Any]):
    df = spark.read.format("delta").load(str(source_path(settings, source["table"])))
    return with_checkin_loyalty(spark, settings, df, source)


def read_meta(spark, settings: Settings, gconf: dict[str, Any]):
    """Non-PII columns of every source record (no decryption; the split command uses this)."""
    frames = [_load(spark, settings, s).select(*_meta_columns(s, rank))
              for rank, s in available_sources(settings, gconf)]
    return _union(frames)


def _union(frames):
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame, allowMissingColumns=True)
    return out


def _clear_fields(spark, settings: Settings, source: dict[str, Any], rank: int):
    """One source's meta columns plus its person fields decrypted (in memory) as strings."""
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns

    df = _load(spark, settings, source)
    mapping: dict[str, str] = source["fields"]
    opened = decrypt_columns(df, source["subject"], list(mapping.values()), settings)
    return opened.select(*_meta_columns(source, rank),
                         *[F.col(col).cast("string").alias(field)
                           for field, col in mapping.items()])


def read_records(spark, settings: Settings, conf: dict[str, Any]):
    """Every source record: meta columns + standardised person fields (clear, in memory).

    Returns ``(records, fields)`` where ``fields`` are the person fields some source maps.
    """
    gconf = conf["golden"]
    sources = available_sources(settings, gconf)
    if not sources:
        return None, set()
    frames = [_clear_fields(spark, settings, s, rank) for rank, s in sources]
    raw = _union(frames)
    person = [name for name in f.FIELDS if name in raw.columns]
    std = standardise(raw, {name: name for name in person}, conf)
    records = raw.select(*META).join(std, RECORD_ID)
    if gconf.get("pax_birth_years") and "dob" in person:
        records = with_birth_years(records, gconf["pax_birth_years"])
    return records, set(person)


def with_birth_years(records, pax_years: dict[str, list]):
    """Add ``birth_year_min``/``birth_year_max``: the years the person can have been born in.

    From the date of birth when known, else from a booking's passenger type (INF/CHD/ADT,
    ``golden.pax_birth_years``: [most, fewest] years before the record was seen; null = no
    bound), else null. Feeds the ``birth_years`` comparison (settings.py).
    """
    from pyspark.sql import functions as F

    seen = F.year(F.coalesce("first_seen_at", F.current_timestamp()))
    born = F.year(F.to_date("dob"))
    low, high = F.when(born.isNotNull(), born), F.when(born.isNotNull(), born)
    for kind, (most, fewest) in pax_years.items():
        is_kind = F.col("pax_type") == kind
        low = low.when(is_kind, seen - most if most is not None else F.lit(1800))
        high = high.when(is_kind, seen - fewest if fewest is not None else seen)
    return records.withColumn(f.BIRTH_YEARS[0], low).withColumn(f.BIRTH_YEARS[1], high)


def null_shared_identifiers(records, limits: dict[str, int]):
    """Null identifiers shared by more distinct people (last names) than their limit.

    An agency desk mailbox or a hotel switchboard would otherwise be the strongest evidence
    in both the rules and Splink; nulling it makes it unknown. Blind indexes follow their
    field, so a blocked or shared value links nobody in the rules either.
    Returns ``(records, {field: number of shared values})``.
    """
    from pyspark.sql import functions as F

    counts: dict[str, int] = {}
    for field, limit in limits.items():
        if field not in records.columns:
            continue
        shared = (records.where(F.col(field).isNotNull()).groupBy(field)
                  .agg(F.countDistinct("last_name").alias("_people"))
                  .where(F.col("_people") > int(limit)).select(field,
                                                               F.lit(True).alias("_shared")))
        counts[field] = shared.count()
        if counts[field]:
            records = (records.join(F.broadcast(shared), field, "left")
                       .withColumn(field, F.when(F.col("_shared"), None).otherwise(F.col(field)))
                       .drop("_shared"))
    for bidx, field in BIDX_FIELD.items():
        if field in records.columns:
            records = records.withColumn(f"{bidx}_bidx", F.when(
                F.col(field).isNotNull(), F.col(f"{bidx}_bidx")))
        else:
            records = records.withColumn(f"{bidx}_bidx", F.lit(None).cast("string"))
    return records, counts
