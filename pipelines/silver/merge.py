"""Shared silver plumbing: stream new bronze rows, MERGE them on business keys, quarantine rejects.

Reading bronze as a Delta stream (``availableNow`` + checkpoint) hands each bronze row to silver
once; the MERGE makes a replay or a late file harmless anyway. Quarantine appends carry Delta's
idempotent-write options so a retried micro-batch does not add its rejects twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.config import Settings
from pipelines.spark import table_path

log = logging.getLogger(__name__)


@dataclass
class SilverReport:
    table: str
    read: int = 0
    merged: int = 0
    quarantined: int = 0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def merge_into(spark, df, path, keys: list[str], newer_than: str | None = None) -> None:
    """Upsert ``df`` into the Delta table at ``path`` (created on first write) on ``keys``."""
    from delta.tables import DeltaTable

    if not DeltaTable.isDeltaTable(spark, str(path)):
        df.limit(0).write.format("delta").save(str(path))
    condition = " and ".join(f"t.{k} <=> s.{k}" for k in keys)
    update_when = f"s.{newer_than} > t.{newer_than}" if newer_than else None
    (DeltaTable.forPath(spark, str(path)).alias("t").merge(df.alias("s"), condition)
     .whenMatchedUpdateAll(condition=update_when).whenNotMatchedInsertAll().execute())


def append_quarantine(settings: Settings, df, app_id: str, batch_id: int) -> None:
    (df.write.format("delta").mode("append").option("mergeSchema", "true")
     .option("txnAppId", app_id).option("txnVersion", batch_id)
     .save(str(table_path(settings, "quarantine", "records"))))


def stream_bronze(spark, settings: Settings, bronze_table: str, silver_table: str,
                  handle: Callable[[object, int, SilverReport], None]) -> SilverReport:
    """Run ``handle(batch_df, batch_id, report)`` over bronze rows not yet seen by this table."""
    report = SilverReport(table=silver_table)
    source = table_path(settings, "bronze", bronze_table)
    if not (source / "_delta_log").exists():
        log.warning("silver %s: bronze table %s does not exist yet", silver_table, source)
        return report
    checkpoint = settings.path("paths.checkpoints") / "silver" / silver_table
    from privacy.exclusions import exclude_erased  # erased people never re-enter silver

    # skipChangeCommits: GDPR erasure deletes/redacts bronze rows; those commits hold no new
    # records, and without the option the stream would stop at them.
    query = (
        spark.readStream.format("delta").option("skipChangeCommits", "true").load(str(source))
        .writeStream.trigger(availableNow=True).option("checkpointLocation", str(checkpoint))
        .foreachBatch(lambda df, batch_id: handle(exclude_erased(df, settings, bronze_table),
                                                  batch_id, report)).start()
    )
    query.awaitTermination()
    log.info("silver %s: read=%d merged=%d quarantined=%d", silver_table, report.read,
             report.merged, report.quarantined)
    return report
