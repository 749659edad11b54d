"""Silver ``pnr_service_requests``: the PNR's special service requests that state preferences
and needs (seat requests, special meals, wheelchair, ...), one row per request.

Identity-document and contact SSRs (DOCS, DOCA, DOCO, FOID, CTCE/CTCM/CTCR) carry PII and are
already split into encrypted passenger columns by ``pipelines.silver.pnr``; they are never
copied here. The latest landed copy of a booking wins, as for the other PNR tables. Gold builds
stated seat and meal preferences from this table (``dim_customer_preferences``).
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import ConformReport, clean, latest_by, merge_counting
from pipelines.silver.merge import SilverReport, stream_bronze
from pipelines.silver.pnr import latest_bookings, transform_pnr_bookings
from pipelines.spark import table_path

TABLE = "pnr_service_requests"
PII_SSRS = ("DOCS", "DOCA", "DOCO", "FOID", "CTCE", "CTCM", "CTCR")
KEY = ["record_locator", "pax_id", "seg_id", "ssr_code"]


def transform_service_requests(bookings_df):
    """One row per non-PII SSR of the latest copy of each booking."""
    from pyspark.sql import functions as F

    ssrs = bookings_df.select("record_locator", "_record_version", "_source_file",
                              "_ingested_at", F.explode("ssrs").alias("s"))
    rows = ssrs.select(
        "record_locator", F.col("s.pax_id").alias("pax_id"),
        F.coalesce(F.col("s.seg_id"), F.lit(0)).alias("seg_id"),
        F.upper(clean("s.code")).alias("ssr_code"), F.upper(clean("s.text")).alias("ssr_text"),
        "_record_version", "_source_file", "_ingested_at",
    ).where(F.col("ssr_code").isNotNull() & F.col("pax_id").isNotNull()
            & ~F.col("ssr_code").isin(*PII_SSRS))
    return latest_by(rows, KEY, F.col("_record_version").desc())


def build_silver_pnr_service_requests(spark, settings: Settings) -> dict[str, ConformReport]:
    """Stream new bronze PNRs into ``silver.pnr_service_requests``; return its counts."""
    report = ConformReport(table=TABLE)

    def handle(batch_df, batch_id: int, _: SilverReport) -> None:
        del batch_id  # unparseable PNRs are quarantined by the pnr build, not twice here
        parsed, _rejects = transform_pnr_bookings(batch_df)
        requests = transform_service_requests(latest_bookings(parsed)).persist()
        report.read += requests.count()
        report.merged += requests.count()
        report.inserted += merge_counting(spark, requests, table_path(settings, "silver", TABLE),
                                          KEY, newer_than="_record_version")
        requests.unpersist()

    stream_bronze(spark, settings, "pnr_bookings", TABLE, handle)
    return {TABLE: report}
