"""One bronze table into one silver table: the micro-batch flow most sources share.

Per micro-batch: ``transform`` types and checks the bronze rows (rejects named by check), the
latest landed copy of each business key is kept, PII is encrypted when the table has a
``privacy.tables.silver.<table>`` entry, the table's critical GX expectations split off failing
rows (:mod:`quality.gate`), the rest is MERGEd on the keys (a copy landed earlier never
overwrites a newer one) and every reject is appended to ``quarantine.records``.

Counts per batch: ``read = merged + quarantined + duplicates``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.config import Settings
from pipelines.silver.conform import ConformReport, latest_by, merge_counting, quarantine_rows
from pipelines.silver.merge import SilverReport, append_quarantine, stream_bronze
from pipelines.silver.pii import protect_pii
from pipelines.spark import table_path
from quality.gate import split_by_suite

DROPPED = ("_batch_id",)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TableFlow:
    """How a silver table is built from its bronze table."""

    source: str  # source name, as in conf/sources and quarantine.records
    bronze_table: str
    table: str
    keys: tuple[str, ...]
    transform: Callable  # bronze batch -> (typed rows, rejects in split_checks shape)
    encrypted: bool = False  # PII per privacy.tables.silver.<table>
    prepare: Callable | None = None  # (rows, settings) -> rows, before encryption


def key_column(keys):
    """The business key as one text column (what quarantine shows in ``raw``)."""
    from pyspark.sql import functions as F

    return F.concat_ws("/", *[F.col(k).cast("string") for k in keys])


def conform_batch(batch_df, flow: TableFlow, settings: Settings):
    """``(rows to merge, rejects, cached frame)`` of one bronze micro-batch; pure but for keys.

    Encryption creates the subjects' data keys in ``ops.subject_keys``; the gate persists the
    batch, which the caller unpersists (``cached``) after the MERGE.
    """
    from pyspark.sql import functions as F

    typed, rejects = flow.transform(batch_df)
    kept = latest_by(typed, list(flow.keys), F.col("_record_version").desc())
    if flow.prepare:
        kept = flow.prepare(kept, settings)
    if flow.encrypted:
        kept = protect_pii(kept, settings, "silver", flow.table)
    passing, failed, cached = split_by_suite(kept, f"silver__{flow.table}",
                                             key_column(flow.keys))
    return passing.drop(*DROPPED), rejects.unionByName(failed), cached


def build_table(spark, settings: Settings, flow: TableFlow) -> ConformReport:
    """Stream new bronze rows of ``flow`` into its silver table; return the counts."""
    report = ConformReport(table=flow.table)

    def handle(batch_df, batch_id: int, _: SilverReport) -> None:
        rows, rejects, cached = conform_batch(batch_df, flow, settings)
        read, merged, bad = batch_df.count(), rows.count(), rejects.count()
        report.inserted += merge_counting(spark, rows, table_path(settings, "silver", flow.table),
                                          list(flow.keys), newer_than="_record_version")
        append_quarantine(settings, quarantine_rows(rejects, flow.source, flow.table),
                          f"silver.{flow.table}", batch_id)
        report.read += read
        report.merged += merged
        report.quarantined += bad
        report.duplicates += read - merged - bad
        cached.unpersist()

    stream_bronze(spark, settings, flow.bronze_table, flow.table, handle)
    log.info("silver %s: %s", flow.table, report.to_dict())
    return report
