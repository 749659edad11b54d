"""Incremental ingestion of a landing folder into its bronze Delta table.

Structured Streaming over the folder (``binaryFile`` source filtered by the spec's glob,
``trigger(availableNow=True)``, one checkpoint per source spec) hands each new file to the pure
parser once; the file ledger (``reconcile``) makes a replay add nothing even without the
checkpoint. Bronze, quarantine and ledger writes carry Delta's idempotent-write options
(``txnAppId`` + ``txnVersion`` = batch id), so a retried micro-batch cannot append twice. The app
id includes the checkpoint's query id: a new checkpoint starts batch ids at 0 again and must not
be mistaken for a replay of the old one's batches. After the run the rows that reached the tables
are counted back per file and compared with what was landed.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from pipelines.bronze.parsing import parse_file
from pipelines.bronze.reconcile import (
    LEDGER_SCHEMA,
    LEDGER_TABLE,
    QUARANTINE_TABLE,
    IngestReport,
    check,
    count_back,
    ledger_files,
)
from pipelines.config import Settings
from pipelines.sources import SourceSpec
from pipelines.spark import table_path

__all__ = ["IngestReport", "bronze_columns", "ingest_source", "stream_source"]
log = logging.getLogger(__name__)
BINARY_SCHEMA = "path string, modificationTime timestamp, length long, content binary"
PARSED_SCHEMA = (
    "status string, _source_file string, _line int, _source_encoding string, "
    "values array<string>, payload string, _rescued_data string, field string, reason string, "
    "raw string, pans_removed int"
)
METADATA = ["_rescued_data", "_source_file", "_line", "_source_encoding", "_ingested_at",
            "_batch_id"]


def bronze_columns(spec: SourceSpec) -> list[str]:
    """Column order of a bronze table: the source's columns, its payload, then metadata."""
    return [*spec.columns, *(["payload"] if spec.format == "jsonl" else []), *METADATA]


def _parser(spec: SourceSpec, skip: frozenset[str]):
    """Per file: a ``file`` marker row (``skipped`` if the ledger has it), then its records."""
    def parse(row):
        if row.path in skip:
            yield ("skipped", row.path, 0, None, None, None, None, None, None, None, 0)
            return
        yield ("file", row.path, 0, None, None, None, None, None, None, None, 0)
        for rec in parse_file(spec, row.path, bytes(row.content)):
            yield (rec.status, rec.source_file, rec.line, rec.encoding, rec.values, rec.payload,
                   rec.rescued, rec.field, rec.reason, rec.raw, rec.pans_removed)

    return parse


def _write(df, path: Path, app_id: str, batch_id: int) -> None:
    (df.write.format("delta").mode("append").option("mergeSchema", "true")
     .option("txnAppId", app_id).option("txnVersion", batch_id).save(str(path)))


def _query_id(checkpoint: Path) -> str:
    """The id Spark keeps in the checkpoint for the life of the query (written at start)."""
    return json.loads((checkpoint / "metadata").read_text().splitlines()[0])["id"]


def _split(parsed, spec: SourceSpec):
    """The parsed rows as bronze rows and as quarantine rows."""
    from pyspark.sql import functions as F

    ok = parsed.where("status = 'ok'").select(
        *[F.col("values")[i].alias(c) for i, c in enumerate(spec.columns)],
        *(["payload"] if spec.format == "jsonl" else []), *METADATA)
    bad = parsed.where("status = 'quarantine'").select(
        F.lit(spec.source).alias("source"), F.lit("bronze").alias("layer"),
        F.lit(spec.bronze_table).alias("table_name"), "_source_file", "_line", "field",
        "reason", "raw", "_ingested_at", "_batch_id")
    return ok, bad


def _per_file(parsed) -> dict[str, dict[str, int]]:
    """``{file: {status: rows, "pans": n}}`` for one micro-batch (one small collect)."""
    from pyspark.sql import functions as F

    counts: dict[str, dict[str, int]] = {}
    for r in parsed.groupBy("_source_file", "status").agg(
            F.count("*").alias("n"), F.sum("pans_removed").alias("p")).collect():
        entry = counts.setdefault(r._source_file, {})
        entry[r.status] = r.n
        entry["pans"] = entry.get("pans", 0) + int(r.p or 0)
    return counts


def _ledger_rows(spec: SourceSpec, counts: dict, batch: str, at: datetime) -> list[tuple]:
    return [(spec.source, f, c.get("ok", 0) + c.get("quarantine", 0), c.get("quarantine", 0),
             c["pans"], batch, at) for f, c in sorted(counts.items()) if "file" in c]


def _handle_batch(spark, settings: Settings, spec: SourceSpec, checkpoint: Path,
                  report: IngestReport, ingested: set[str]):
    from pyspark.sql import functions as F

    def handle(files_df, batch_id: int) -> None:
        app = f"{spec.source}.{_query_id(checkpoint)}"
        batch, now = f"{spec.source}-{batch_id}", datetime.now(UTC)
        parsed = spark.createDataFrame(
            files_df.rdd.flatMap(_parser(spec, frozenset(ingested))), PARSED_SCHEMA)
        parsed = (parsed.withColumn("_ingested_at", F.lit(now))
                  .withColumn("_batch_id", F.lit(batch)).persist())
        counts = _per_file(parsed)
        report.files_already_ingested += sorted(f for f, c in counts.items() if "skipped" in c)
        ledger = _ledger_rows(spec, counts, batch, now)
        if ledger:
            ok, bad = _split(parsed, spec)
            _write(ok, table_path(settings, "bronze", spec.bronze_table), f"bronze.{app}",
                   batch_id)
            if any(row[3] for row in ledger):
                _write(bad, table_path(settings, "quarantine", QUARANTINE_TABLE),
                       f"quarantine.{app}", batch_id)
            _write(spark.createDataFrame(ledger, LEDGER_SCHEMA),
                   table_path(settings, "ops", LEDGER_TABLE), f"ledger.{app}", batch_id)
            new = [row[1] for row in ledger]
            report.files += new
            ingested.update(new)
            report.landed += sum(row[2] for row in ledger)
            report.pans_removed += sum(row[4] for row in ledger)
        parsed.unpersist()

    return handle


def ingest_source(spark, settings: Settings, spec: SourceSpec) -> IngestReport:
    """Ingest every new file of one source; raise if the counts do not reconcile."""
    report = stream_source(spark, settings, spec)
    count_back(spark, settings, [(spec, report)])
    check(report)
    return report


def stream_source(spark, settings: Settings, spec: SourceSpec,
                  ingested: set[str] | None = None) -> IngestReport:
    """Stream a source's new files into bronze and quarantine, without the count-back.

    Args:
        ingested: the source's files already in the ledger, when the caller read the ledger
            once for many sources (updated in place); ``None`` reads the ledger here.
    """
    landing = spec.landing_dir(settings)
    report = IngestReport(source=spec.source, table=f"bronze.{spec.bronze_table}")
    if not landing.exists():
        log.warning("bronze %s: no landing folder %s, nothing to ingest", spec.source, landing)
        return report
    if ingested is None:
        ingested = ledger_files(spark, settings).get(spec.source, set())
    checkpoint = settings.path("paths.checkpoints") / "bronze" / spec.source
    query = (
        spark.readStream.format("binaryFile").schema(BINARY_SCHEMA)
        .option("pathGlobFilter", spec.glob).load(str(landing))
        .writeStream.trigger(availableNow=True).option("checkpointLocation", str(checkpoint))
        .foreachBatch(_handle_batch(spark, settings, spec, checkpoint, report, ingested)).start()
    )
    query.awaitTermination()
    return report
