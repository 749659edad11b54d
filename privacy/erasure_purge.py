"""Physically remove an erased customer's rows: Delta DELETE, history purge, PostgreSQL.

Delta keeps every earlier version's files until VACUUM, and bronze holds raw payloads in clear,
so deleting rows is not enough: each changed table is VACUUMed with zero retention (the
retention check is lifted for that call only, as ``privacy.keys`` does for the key store). A
table with deletion vectors would keep the deleted rows inside live files, so it is REORGed
(``APPLY (PURGE)``) first. The price: time travel on a purged table ends at its current version.
Single writer assumed, as for the key store: erasure runs between pipeline runs.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.spark import table_path
from privacy import delta_log
from privacy.keys import PURGE_CONF, session_conf

log = logging.getLogger(__name__)
SEP = "\x1f"
PARALLEL = 4  # Spark jobs in flight during deletes and VACUUMs


@dataclass
class TableChange:
    """What one erasure did to one Delta table (goes into the certificate)."""

    table: str
    action: str
    rows: int
    version_before: int
    version_after: int
    purged_at_version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def joined_key(values: list[object]) -> str:
    """Normalised match key of several columns (pure): trimmed, upper-cased, joined by US."""
    return SEP.join("" if v is None else str(v).strip().upper() for v in values)


def match_condition(columns: list[str], keys: set[str]):
    """Spark condition: the row's ``columns`` (normalised as :func:`joined_key`) are in keys."""
    from pyspark.sql import functions as F

    parts = [F.upper(F.trim(F.coalesce(F.col(c).cast("string"), F.lit("")))) for c in columns]
    return F.concat_ws(SEP, *parts).isin(sorted(keys))


def _path(settings: Settings, name: str):
    layer, table = name.split(".")
    return table_path(settings, layer, table)


def _log(settings: Settings, name: str) -> Path:
    return _path(settings, name) / "_delta_log"


def delete_rows(spark, settings: Settings, name: str, condition) -> TableChange | None:
    """DELETE the rows of ``name`` matching ``condition``; None when none matched / no table.

    The deleted-row count comes from the commit's own metrics, so no extra scan is needed.
    """
    from delta.tables import DeltaTable

    log_dir = _log(settings, name)
    if not log_dir.exists():
        return None
    before = delta_log.version(log_dir)
    DeltaTable.forPath(spark, str(log_dir.parent)).delete(condition)
    after = delta_log.version(log_dir)
    rows = int(delta_log.operation_metrics(log_dir, after).get("numDeletedRows", 0)) \
        if after > before else 0
    if not rows:
        return None
    log.info("erasure: %d rows deleted from %s", rows, name)
    return TableChange(name, "delete", rows, before, after)


def delete_all(spark, settings: Settings, jobs: list[tuple[str, Any]]) -> list[TableChange]:
    """:func:`delete_rows` for many ``(table, condition)`` at once: a few Spark jobs in flight
    hide the per-job latency (planning, log reads) that dominates on small tables."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        done = list(pool.map(lambda job: delete_rows(spark, settings, *job), jobs))
    return [c for c in done if c is not None]


def quarantine_tokens(identifiers: set[tuple[str, str]], min_token: int) -> list[str]:
    """The strings a quarantined raw line of the customer would contain (pure): every
    identifier value, split at "/" (``<locator>/<ticket>``), parts of ``min_token``+ chars."""
    return sorted({part.strip() for _, value in identifiers for part in str(value).split("/")
                   if len(part.strip()) >= min_token})


def token_pattern(tokens: list[str]) -> str:
    """A Java/Python regex matching any of ``tokens`` as a whole token (pure)."""
    import re

    return "(?<![A-Za-z0-9])(?:" + "|".join(re.escape(t) for t in tokens) + ")(?![A-Za-z0-9])"


def delete_quarantined(spark, settings: Settings, conf: dict,
                       identifiers: set[tuple[str, str]]) -> list[TableChange]:
    """Delete the quarantined raw rows that carry one of the customer's identifiers."""
    from pyspark.sql import functions as F

    spec = conf.get("quarantine")
    tokens = quarantine_tokens(identifiers, int(spec.get("min_token", 6))) if spec else []
    if not tokens:
        return []
    change = delete_rows(spark, settings, spec["table"],
                         F.col(spec["column"]).rlike(token_pattern(tokens)))
    return [change] if change is not None else []


def tables_with_customer_id(settings: Settings, layers: tuple[str, ...]) -> list[str]:
    """``layer.table`` of every Delta table in ``layers`` that has a ``customer_id`` column."""
    return [f"{layer}.{log_dir.parent.name}" for layer in layers
            for log_dir in sorted((settings.path("paths.lake") / layer).glob("*/_delta_log"))
            if "customer_id" in delta_log.columns(log_dir)]


def _purge(spark, settings: Settings, name: str) -> int:
    from delta.tables import DeltaTable

    log_dir = _log(settings, name)
    conf = delta_log.metadata(log_dir).get("configuration") or {}
    if str(conf.get("delta.enableDeletionVectors", "false")).lower() == "true":
        spark.sql(f"REORG TABLE delta.`{log_dir.parent}` APPLY (PURGE)")
    try:  # LITE: the files to delete come from the log's remove actions, no directory listing
        spark.sql(f"VACUUM delta.`{log_dir.parent}` RETAIN 0 HOURS LITE")
    except Exception as exc:  # noqa: BLE001 - e.g. files the log never knew: list them all
        log.info("erasure: VACUUM LITE refused on %s (%s); full VACUUM", name,
                 str(exc).splitlines()[0][:120])
        DeltaTable.forPath(spark, str(log_dir.parent)).vacuum(0.0)
    return delta_log.version(log_dir)


def purge_history(spark, settings: Settings, changes: list[TableChange]) -> None:
    """REORG (if deletion vectors) and VACUUM 0 every changed table; note the version."""
    from concurrent.futures import ThreadPoolExecutor

    names = sorted({c.table for c in changes})
    with session_conf(spark, PURGE_CONF), ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        versions = dict(zip(names, pool.map(lambda n: _purge(spark, settings, n), names),
                            strict=True))
    for change in changes:
        change.purged_at_version = versions[change.table]
    log.info("erasure: history purged (VACUUM 0) on %d tables", len(names))


def delete_postgres(settings: Settings, conf: dict, customer_id: str,
                    pairs: dict[str, set[str]]) -> dict[str, int]:
    """Delete the customer's CMP rows in one transaction; rows per table.

    ``pairs``: per ``by_record`` table, the :func:`joined_key` values of its match columns.
    """
    import psycopg
    from psycopg import sql

    from pipelines.services import postgres

    spec = conf.get("postgres", {})
    counts: dict[str, int] = {}
    try:
        with postgres.connect(settings) as conn, conn.transaction():
            existing = {r[0] for r in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = current_schema()")}
            for table in spec.get("by_customer", []):
                if table in existing:
                    counts[table] = conn.execute(sql.SQL("delete from {} where customer_id = %s")
                                                 .format(sql.Identifier(table)),
                                                 [customer_id]).rowcount
            for item in spec.get("by_record", []):
                if item["table"] not in existing:
                    continue
                cols = list(item["match"])
                key = sql.SQL(" || chr(31) || ").join(  # chr(31) = SEP
                    sql.SQL("upper(trim(coalesce({}::text, '')))").format(sql.Identifier(c))
                    for c in cols)
                counts[item["table"]] = conn.execute(
                    sql.SQL("delete from {} where {} = any(%s)").format(
                        sql.Identifier(item["table"]), key),
                    [sorted(pairs.get(item["table"], set()))]).rowcount
    except psycopg.OperationalError as exc:
        raise LakehouseError(f"PostgreSQL unreachable: {exc}".splitlines()[0],
                             "lakehouse services up, then run the same erase again "
                             "(nothing was destroyed yet)") from exc
    return counts
