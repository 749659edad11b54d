"""Erased identifiers, and the bronze -> silver filter that keeps erased people out for good.

Erasure removes a customer's rows, but the source systems may send them again: tomorrow's
loyalty file carries the member's update, a re-sent PNR carries the passenger, a case gets a new
event. ``ops.erasure_exclusions`` therefore keeps, per erased identifier, a *keyed* hash
(HMAC-SHA256 under a key derived from the blind-index root, like the blind indexes): enough to
recognise the identifier when it comes back, useless for recovering it (a plain SHA-256 of a
10-digit loyalty number is reversed by trying all 10^10 of them).

Where the filter sits: ``pipelines.silver.merge.stream_bronze``, the one place every bronze row
enters silver, calls :func:`exclude_erased` on each micro-batch. Identifiers are checked per
bronze table as configured (``exclusions`` in conf/privacy/erasure.yaml); a PNR booking is not
dropped (co-travellers are not erased) but has the erased passengers, their SSRs and, when the
lead passenger is erased, the booking contact removed (:func:`redact_booking`). The same
redaction rewrites bronze PNR rows at erasure time. With no exclusions recorded the filter is a
no-op and costs one small Delta read per batch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd  # module level: pandas_udf resolves the type hints in these globals
import yaml

from pipelines.config import CONF_DIR, Settings
from pipelines.spark import table_path
from privacy import delta_log

log = logging.getLogger(__name__)
SCHEMA = "kind string not null, key_hash string not null, request_ref string not null"
HASH_CONTEXT = "erasure-exclusion"
PNR_TABLE = "pnr_bookings"


def load_erasure_conf(settings: Settings, path=None) -> dict[str, Any]:
    """``conf/privacy/erasure.yaml`` with ``{var}`` resolved to this environment's var folder."""
    text = (path or CONF_DIR / "privacy" / "erasure.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text.replace("{var}", str(settings.var_dir)))


def identifier_hash(key: bytes, kind: str, value: object) -> str | None:
    """Keyed hash of one identifier (pure). Values are trimmed and upper-cased first, so the
    feed's spelling (``abc123`` vs ``ABC123``) does not matter; null/empty hashes to None."""
    if value is None:
        return None
    text = str(value).strip().upper()
    if not text:
        return None
    return hmac.new(key, f"{kind}|{text}".encode(), hashlib.sha256).hexdigest()


def exclusion_key(settings: Settings) -> bytes:
    """The HMAC key of exclusion hashes (derived from the blind-index root, not the master key,
    so a master-key rotation keeps every recorded exclusion valid)."""
    from privacy.blind_index import index_key
    from privacy.master_key import load_index_root

    return index_key(load_index_root(settings), HASH_CONTEXT)


def _passengers(text: str | None) -> list[dict]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def redact_booking(row: dict[str, Any], erased: Callable[[str, dict], bool]) -> dict | None:
    """A bronze PNR row without its erased passengers (pure).

    ``erased(locator, passenger)`` decides per passenger. Returns ``None`` when the row is
    untouched, ``{"delete": True}`` when every passenger is erased, else the new values of
    ``passengers``, ``ssrs``, ``contact`` and ``payload`` (JSON text). The contact goes when it
    is the lead passenger's (type ``passenger``; the lead is the lowest pax_id, as in silver).
    """
    locator = row.get("record_locator")
    pax = _passengers(row.get("passengers"))
    gone = {p.get("pax_id") for p in pax if isinstance(p, dict) and erased(locator, p)}
    if not gone:
        return None
    kept = [p for p in pax if not (isinstance(p, dict) and p.get("pax_id") in gone)]
    if not kept:
        return {"delete": True}
    ids = [p.get("pax_id") for p in pax if isinstance(p, dict) and p.get("pax_id") is not None]
    contact = json.loads(row["contact"]) if row.get("contact") else None
    if (ids and min(ids) in gone and isinstance(contact, dict)
            and str(contact.get("type", "")).lower() == "passenger"):
        contact = None
    ssrs = [s for s in _passengers(row.get("ssrs"))
            if not (isinstance(s, dict) and s.get("pax_id") in gone)]
    payload = json.loads(row["payload"]) if row.get("payload") else {}
    payload.update({"passengers": kept, "ssrs": ssrs, "contact": contact})
    dump = json.dumps
    return {"delete": False, "passengers": dump(kept), "ssrs": dump(ssrs),
            "contact": None if contact is None else dump(contact), "payload": dump(payload)}


def passenger_is_erased(key: bytes, hashes: set[str]) -> Callable[[str, dict], bool]:
    """``erased(locator, passenger)`` for :func:`redact_booking`: by pax key or loyalty number."""
    def erased(locator: str, passenger: dict) -> bool:
        pax = f"{locator}/{passenger.get('pax_id')}"
        return (identifier_hash(key, "pax", pax) in hashes
                or identifier_hash(key, "loyalty_number", passenger.get("loyalty_number"))
                in hashes)

    return erased


def exclusions_path(settings: Settings, conf: dict) -> str:
    layer, table = conf["exclusions_table"].split(".")
    return str(table_path(settings, layer, table))


def record_exclusions(spark, settings: Settings, conf: dict, request_ref: str,
                      identifiers: Iterable[tuple[str, object]]) -> int:
    """MERGE the keyed hashes of ``(kind, value)`` identifiers; returns how many were new."""
    from delta.tables import DeltaTable

    key = exclusion_key(settings)
    rows = sorted({(kind, h, request_ref) for kind, value in identifiers
                   if (h := identifier_hash(key, kind, value))})
    path = exclusions_path(settings, conf)
    DeltaTable.createIfNotExists(spark).location(path).addColumns(
        spark.createDataFrame([], SCHEMA).schema).execute()
    if not rows:
        return 0
    (DeltaTable.forPath(spark, path).alias("t")
     .merge(spark.createDataFrame(rows, SCHEMA).alias("s"),
            "t.kind = s.kind and t.key_hash = s.key_hash")
     .whenNotMatchedInsertAll().execute())
    log_dir = Path(path) / "_delta_log"
    metrics = delta_log.operation_metrics(log_dir, delta_log.version(log_dir))
    return int(metrics.get("numTargetRowsInserted", 0))


def erased_hashes(spark, settings: Settings, conf: dict) -> set[str]:
    """Every recorded exclusion hash (small: a few per erased customer)."""
    from delta.tables import DeltaTable

    path = exclusions_path(settings, conf)
    if not DeltaTable.isDeltaTable(spark, path):
        return set()
    return {r["key_hash"] for r in spark.read.format("delta").load(path).collect()}


def _flagger(key: bytes, hashes: set[str], kinds: list[str]):
    def flag(batch: pd.DataFrame) -> pd.Series:
        rows = zip(*(batch[k].tolist() for k in kinds), strict=True)
        return pd.Series([any(identifier_hash(key, kind, None if pd.isna(v) else v) in hashes
                              for kind, v in zip(kinds, values, strict=True))
                          for values in rows], dtype=bool)

    return flag


REDACTED = ("passengers", "ssrs", "contact", "payload")


def _redactor(key: bytes, hashes: set[str]):
    erased = passenger_is_erased(key, hashes)

    def redact(batch: pd.DataFrame) -> pd.DataFrame:
        out: dict[str, list] = {"_touched": [], "_delete": [], **{c: [] for c in REDACTED}}
        for row in batch.to_dict("records"):
            done = redact_booking({k: (None if pd.isna(v) else v) for k, v in row.items()},
                                  erased) or {}
            out["_touched"].append(bool(done))
            out["_delete"].append(bool(done.get("delete")))
            for c in REDACTED:
                out[c].append(done.get(c) if done and not done["delete"] else row[c])
        return pd.DataFrame(out)

    return redact


def redact_bookings(df, key: bytes, hashes: set[str]):
    """``df`` (bronze PNR rows) with erased passengers redacted, emptied bookings dropped, and a
    ``_touched`` column saying which rows changed."""
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    fields = ", ".join(["_touched boolean", "_delete boolean",
                        *(f"{c} string" for c in REDACTED)])
    udf = pandas_udf(_redactor(key, hashes), fields)
    out = df.withColumn("_r", udf(F.struct("record_locator", *REDACTED))).where("not _r._delete")
    return out.select(*[F.col(f"_r.{c}").alias(c) if c in REDACTED else F.col(c)
                        for c in df.columns], F.col("_r._touched").alias("_touched"))


def exclude_erased(batch_df, settings: Settings, bronze_table: str):
    """The bronze micro-batch without erased people's records (the bronze -> silver hook).

    Rows carrying an erased identifier of a kind configured for ``bronze_table`` are dropped;
    PNR bookings lose the erased passengers instead. Unchanged when nothing was ever erased.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    conf = load_erasure_conf(settings)
    kinds = conf["exclusions"].get(bronze_table)
    hashes = set() if kinds is None else erased_hashes(batch_df.sparkSession, settings, conf)
    if not hashes:
        return batch_df
    key = exclusion_key(settings)
    if bronze_table == PNR_TABLE:
        return redact_bookings(batch_df, key, hashes).drop("_touched")
    names = sorted(kinds)
    udf = pandas_udf(_flagger(key, hashes, names), "boolean")
    values = F.struct(*[F.expr(kinds[k]).cast("string").alias(k) for k in names])
    kept = batch_df.where(~udf(values))
    log.info("erasure exclusions checked on bronze.%s (%d erased identifiers)", bronze_table,
             len(hashes))
    return kept
