"""Expose gold Delta tables to analysts through Trino, and prove Trino sees what Spark wrote."""

from __future__ import annotations

import logging
from pathlib import Path

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.gold import gold_tables
from pipelines.services import trino
from pipelines.spark import table_path

log = logging.getLogger(__name__)


def publish_gold(settings: Settings) -> dict[str, bool]:
    """Register every gold table in Trino's ``gold`` schema; map table -> newly registered."""
    registered = {}
    for table in gold_tables(settings):
        registered[table] = trino.register_delta_table(
            settings, "gold", table, table_path(settings, "gold", table))
    log.info("trino: %d gold tables published (%d new)", len(registered), sum(registered.values()))
    return registered


def publish_audit_log(settings: Settings) -> bool | None:
    """Register ``ops.audit_log`` in Trino (readable by the DPO role only); None if absent."""
    from privacy.audit import audit_path

    path = Path(audit_path(settings))
    if not (path / "_delta_log").is_dir():
        return None
    return trino.register_delta_table(settings, "ops", "audit_log", path)


def compare_counts(spark, settings: Settings) -> dict[str, dict[str, int]]:
    """Row count of each gold table in Spark and in Trino; raise if any differ."""
    catalog = settings.get("trino.catalog")
    counts = {}
    for table in gold_tables(settings):
        spark_count = spark.read.format("delta").load(
            str(table_path(settings, "gold", table))).count()
        trino_count = trino.query(settings, f"select count(*) from {catalog}.gold.{table}")[0][0]
        counts[table] = {"spark": spark_count, "trino": int(trino_count)}
    mismatched = {t: c for t, c in counts.items() if c["spark"] != c["trino"]}
    if mismatched:
        raise LakehouseError(f"Trino and Spark disagree on gold row counts: {mismatched}",
                             "check the Trino server log; re-run `lakehouse run`")
    return counts
