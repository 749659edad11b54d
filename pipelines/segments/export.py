"""``lakehouse segments export``: a segment's members with consented contact fields, audited.

Only customers whose marketing consent is in force *at export time* are written (read from the
consent ledger now, not from the last gold build). Contact fields are decrypted for those
customers only — this is a person reading PII, so every export is recorded in the audit log
with who, when, segment, row count and the file's SHA-256.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.segments.consent import consent_in_force
from pipelines.segments.definitions import load_segments
from pipelines.spark import table_path

log = logging.getLogger(__name__)
FORMATS = ("csv", "parquet")


@dataclass
class ExportResult:
    segment: str
    path: str
    format: str
    rows: int
    members: int
    excluded_without_consent: int
    sha256: str
    exported_at: str
    exported_by: str


def check_segment(settings: Settings, name: str) -> None:
    known = [s.name for s in load_segments(settings)]
    if name not in known:
        raise LakehouseError(f"unknown segment {name!r}", f"known segments: {', '.join(known)}")


def _contacts(spark, settings: Settings, customers_df):
    """Decrypted contact fields (first name, email, phone) from each customer's loyalty profile,
    else their latest PNR passenger record."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns

    fields = list(settings.get("segments.export_contact_fields"))
    xref = spark.read.format("delta").load(str(table_path(settings, "silver", "customer_xref")))
    mine = xref.join(customers_df, "customer_id")
    sources = []
    for table, key, rank in (("loyalty_members", "loyalty_number", 0),
                             ("pnr_passengers", "pax_key", 1)):
        rows = spark.read.format("delta").load(str(table_path(settings, "silver", table)))
        picked = mine.where(F.col("source_table") == f"silver.{table}").join(
            rows.withColumnRenamed(key, "record_key"), "record_key").select(
            "customer_id", "record_key", F.col("record_key").alias("_subject"),
            F.lit(rank).alias("_rank"), F.col("_ingested_at"),
            *[f"{c}_enc" for c in fields])
        sources.append(picked)
    candidates = sources[0].unionByName(sources[1])
    best = Window.partitionBy("customer_id").orderBy("_rank", F.col("_ingested_at").desc())
    chosen = candidates.withColumn("_n", F.row_number().over(best)).where("_n = 1")
    opened = decrypt_columns(chosen, "_subject", fields, settings)
    return opened.select("customer_id", *fields)


def export_segment(spark, settings: Settings, name: str, fmt: str, out: Path,
                   actor: str | None = None) -> ExportResult:
    """Write segment ``name`` to ``out`` as ``fmt``; audit and return what was written."""
    from pyspark.sql import functions as F

    from privacy.audit import append as audit

    check_segment(settings, name)
    if fmt not in FORMATS:
        raise LakehouseError(f"unknown format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    members = (spark.read.format("delta")
               .load(str(table_path(settings, "gold", "fct_segment_membership")))
               .where(F.col("segment") == name).select("customer_id", "reason"))
    consent = consent_in_force(spark, settings, settings.get("segments.marketing_purpose"),
                               datetime.now(UTC))
    allowed = members.join(consent.where("is_granted").select("customer_id"), "customer_id")
    member_count = members.count()
    frame = (allowed.join(_contacts(spark, settings, allowed.select("customer_id")),
                          "customer_id", "left")
             .orderBy("customer_id").toPandas())
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(out, index=False)
    else:
        frame.to_parquet(out, index=False)
    result = ExportResult(
        segment=name, path=str(out), format=fmt, rows=len(frame), members=member_count,
        excluded_without_consent=member_count - len(frame),
        sha256=hashlib.sha256(out.read_bytes()).hexdigest(),
        exported_at=datetime.now(UTC).isoformat(), exported_by=actor or getpass.getuser())
    audit(settings, result.exported_by, "segment_export", asdict(result))
    log.info("segment %s: %d of %d members exported to %s (%d without marketing consent)",
             name, result.rows, result.members, out, result.excluded_without_consent)
    return result
