"""What bronze already holds: the file ledger that makes replays harmless, and the count-back.

Streaming checkpoints remember which files were handed out, but a checkpoint can be lost or
reset. Every micro-batch therefore ends by appending one row per file to ``ops.bronze_files``
(source, file, counts, batch), *after* its bronze and quarantine writes: a file in the ledger is
fully written, and a later batch that meets it again (replay, reset checkpoint, file copied back)
skips it. A batch that failed half-way has no ledger rows, so its retry writes again; Delta's
idempotent-write options make the writes that had already committed no-ops. After the run the
rows each of the run's files produced are counted back from the tables themselves.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.sources import SourceSpec
from pipelines.spark import table_path

log = logging.getLogger(__name__)
QUARANTINE_TABLE = "records"
LEDGER_TABLE = "bronze_files"
LEDGER_SCHEMA = ("source string, _source_file string, landed long, quarantined long, "
                 "pans_removed long, _batch_id string, _ingested_at timestamp")
QUARANTINE_SCHEMA = ("source string, layer string, table_name string, _source_file string, "
                     "_line int, field string, reason string, raw string, "
                     "_ingested_at timestamp, _batch_id string")


@dataclass
class IngestReport:
    """Per-source counts of one ingestion run: landed must equal bronze + quarantine."""

    source: str
    table: str = ""
    files: list[str] = field(default_factory=list)
    files_already_ingested: list[str] = field(default_factory=list)
    landed: int = 0
    bronze: int = 0
    quarantine: int = 0
    pans_removed: int = 0

    @property
    def reconciled(self) -> bool:
        return self.landed == self.bronze + self.quarantine

    def to_dict(self) -> dict:
        return {**asdict(self), "reconciled": self.reconciled}


def _delta(spark, path):
    if not (path / "_delta_log").exists():
        return None
    return spark.read.format("delta").load(str(path))


def ledger_files(spark, settings: Settings) -> dict[str, set[str]]:
    """Every file the ledger records as fully written, per source (one read for a whole run)."""
    ledger = _delta(spark, table_path(settings, "ops", LEDGER_TABLE))
    found: dict[str, set[str]] = {}
    if ledger is not None:
        for row in ledger.select("source", "_source_file").distinct().collect():
            found.setdefault(row.source, set()).add(row._source_file)
    return found


def ensure_shared_tables(spark, settings: Settings) -> None:
    """Create the quarantine and ledger tables up front, so that sources ingested in parallel
    only ever append to them (concurrent appends commit; concurrent creations conflict)."""
    for layer, table, schema in (("quarantine", QUARANTINE_TABLE, QUARANTINE_SCHEMA),
                                 ("ops", LEDGER_TABLE, LEDGER_SCHEMA)):
        path = table_path(settings, layer, table)
        if not (path / "_delta_log").exists():
            spark.createDataFrame([], schema).write.format("delta").mode("append").save(str(path))


def count_back(spark, settings: Settings, runs: list[tuple[SourceSpec, IngestReport]]) -> None:
    """Count, from the tables themselves, the rows that each run's files produced.

    One Spark job for all sources: the bronze tables and the quarantine table are filtered to
    the run's files and their rows counted per source (a scan per table, not per source).
    """
    from functools import reduce

    from pyspark.sql import functions as F

    runs = [(spec, report) for spec, report in runs if report.files]
    parts = []
    for spec, report in runs:
        bronze = _delta(spark, table_path(settings, "bronze", spec.bronze_table))
        if bronze is not None:
            parts.append(bronze.where(F.col("_source_file").isin(report.files)).select(
                F.lit(spec.source).alias("source"), F.lit("bronze").alias("kind")))
    quarantine = _delta(spark, table_path(settings, "quarantine", QUARANTINE_TABLE))
    if quarantine is not None and runs:
        files = [f for _, report in runs for f in report.files]
        parts.append(quarantine.where(
            (F.col("layer") == "bronze") & F.col("_source_file").isin(files)
            & F.col("source").isin([spec.source for spec, _ in runs])).select(
            "source", F.lit("quarantine").alias("kind")))
    if not parts:
        return
    counts = {(r.source, r.kind): r.n for r in reduce(lambda a, b: a.unionAll(b), parts)
              .groupBy("source", "kind").agg(F.count("*").alias("n")).collect()}
    for spec, report in runs:
        report.bronze = counts.get((spec.source, "bronze"), 0)
        report.quarantine = counts.get((spec.source, "quarantine"), 0)


def check(report: IngestReport) -> None:
    """Log the run's counts; raise if landed records are not all in bronze or quarantine."""
    log.info("bronze %s: files=%d (already ingested %d) landed=%d bronze=%d quarantine=%d "
             "pans_removed=%d", report.source, len(report.files),
             len(report.files_already_ingested), report.landed, report.bronze,
             report.quarantine, report.pans_removed)
    if not report.reconciled:
        raise LakehouseError(
            f"bronze {report.source}: landed {report.landed} records but bronze {report.bronze}"
            f" + quarantine {report.quarantine} = {report.bronze + report.quarantine}",
            "inspect the files listed in the run report; nothing was dropped silently",
        )
