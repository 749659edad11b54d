"""Incremental ingestion of a landing folder into its bronze Delta table.

Structured Streaming over the folder (``binaryFile`` source, ``trigger(availableNow=True)``,
checkpoint per source) hands each new file to the pure parser once; replaying the same files adds
nothing. Bronze and quarantine writes carry Delta's idempotent-write options (``txnAppId`` +
``txnVersion`` = batch id), so a retried micro-batch cannot append twice. After each batch the
rows that reached the tables are counted back per file and compared with what was landed.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from pipelines.bronze.parsing import parse_csv
from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.sources import SourceSpec
from pipelines.spark import table_path

log = logging.getLogger(__name__)
BINARY_SCHEMA = "path string, modificationTime timestamp, length long, content binary"
QUARANTINE_TABLE = "records"


@dataclass
class IngestReport:
    """Per-source counts of one ingestion run: landed must equal bronze + quarantine."""

    source: str
    files: list[str] = field(default_factory=list)
    landed: int = 0
    bronze: int = 0
    quarantine: int = 0
    pans_removed: int = 0

    @property
    def reconciled(self) -> bool:
        return self.landed == self.bronze + self.quarantine

    def to_dict(self) -> dict:
        return {**asdict(self), "reconciled": self.reconciled}


def _parsed_rows(spec: SourceSpec):
    columns = list(spec.columns)

    def parse(row):
        for rec in parse_csv(row.path, bytes(row.content), columns):
            yield (rec.status, rec.source_file, rec.line, rec.encoding, rec.values, rec.rescued,
                   rec.field, rec.reason, rec.raw, rec.pans_removed)

    return parse


PARSED_SCHEMA = (
    "status string, _source_file string, _line int, _source_encoding string, "
    "values array<string>, _rescued_data string, field string, reason string, raw string, "
    "pans_removed int"
)


def _write(df, path, app_id: str, batch_id: int) -> None:
    (df.write.format("delta").mode("append").option("mergeSchema", "true")
     .option("txnAppId", app_id).option("txnVersion", batch_id).save(str(path)))


def _process_batch(spark, settings: Settings, spec: SourceSpec, report: IngestReport):
    from pyspark.sql import functions as F

    def handle(files_df, batch_id: int) -> None:
        parsed = spark.createDataFrame(files_df.rdd.flatMap(_parsed_rows(spec)), PARSED_SCHEMA)
        parsed = parsed.withColumn("_ingested_at", F.lit(datetime.now(UTC)))
        parsed = parsed.withColumn("_batch_id", F.lit(f"{spec.source}-{batch_id}")).persist()
        ok = parsed.where("status = 'ok'").select(
            *[F.col("values")[i].alias(c) for i, c in enumerate(spec.columns)],
            "_rescued_data", "_source_file", "_line", "_source_encoding", "_ingested_at",
            "_batch_id")
        bad = parsed.where("status = 'quarantine'").select(
            F.lit(spec.source).alias("source"), F.lit("bronze").alias("layer"),
            F.lit(spec.bronze_table).alias("table_name"), "_source_file", "_line", "field",
            "reason", "raw", "_ingested_at", "_batch_id")
        _write(ok, table_path(settings, "bronze", spec.bronze_table), f"bronze.{spec.source}",
               batch_id)
        _write(bad, table_path(settings, "quarantine", QUARANTINE_TABLE),
               f"quarantine.{spec.source}", batch_id)
        totals = parsed.agg(F.count("*").alias("n"), F.sum("pans_removed").alias("p")).first()
        report.files += [r.path for r in files_df.select("path").collect()]
        report.landed += totals.n
        report.pans_removed += int(totals.p or 0)
        parsed.unpersist()

    return handle


def _count_back(spark, settings: Settings, spec: SourceSpec, report: IngestReport) -> None:
    """Count, from the tables themselves, the rows that this run's files produced."""
    if not report.files:
        return
    from pyspark.sql import functions as F

    files = F.col("_source_file").isin(report.files)
    bronze = spark.read.format("delta").load(str(table_path(settings, "bronze", spec.bronze_table)))
    quarantine = spark.read.format("delta").load(
        str(table_path(settings, "quarantine", QUARANTINE_TABLE)))
    report.bronze = bronze.where(files).count()
    report.quarantine = quarantine.where(files & (F.col("source") == spec.source)).count()


def ingest_source(spark, settings: Settings, spec: SourceSpec) -> IngestReport:
    """Ingest every new file of one source; raise if the counts do not reconcile."""
    landing = spec.landing_dir(settings)
    report = IngestReport(source=spec.source)
    if not landing.exists():
        log.warning("bronze %s: no landing folder %s, nothing to ingest", spec.source, landing)
        return report
    checkpoint = settings.path("paths.checkpoints") / "bronze" / spec.source
    query = (
        spark.readStream.format("binaryFile").schema(BINARY_SCHEMA)
        .option("pathGlobFilter", spec.glob).load(str(landing))
        .writeStream.trigger(availableNow=True).option("checkpointLocation", str(checkpoint))
        .foreachBatch(_process_batch(spark, settings, spec, report)).start()
    )
    query.awaitTermination()
    _count_back(spark, settings, spec, report)
    log.info("bronze %s: files=%d landed=%d bronze=%d quarantine=%d pans_removed=%d",
             spec.source, len(report.files), report.landed, report.bronze, report.quarantine,
             report.pans_removed)
    if not report.reconciled:
        raise LakehouseError(
            f"bronze {spec.source}: landed {report.landed} records but bronze {report.bronze} + "
            f"quarantine {report.quarantine} = {report.bronze + report.quarantine}",
            "inspect the files listed in the run report; nothing was dropped silently",
        )
    return report
