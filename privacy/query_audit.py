"""Trino queries against customer data -> the hash-chained audit log (``ops.audit_log``).

Trino posts every completed query to the audit receiver (:mod:`pipelines.services.audit_receiver`),
which spools the raw events. :func:`collect` turns them into audit rows, one per query that read
customer data or was refused access, with who ran it, when, the SQL, and the tables and columns
read (``action`` ``trino_query`` or ``trino_query_denied``). Queries that touch only metadata
(``information_schema``, ``system``) or no table at all are counted, not recorded.

Collection is incremental and idempotent: a state file keeps the byte offset consumed in each
spool file (only complete lines are read, so the receiver may keep appending), and query ids
already in the log are skipped, so a crash between the append and the state write never records
a query twice. Spool files of earlier days that are fully consumed are deleted: the audit log is
the record, the spool only a buffer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.config import Settings

log = logging.getLogger(__name__)

QUERY = "trino_query"
DENIED = "trino_query_denied"
UNREADABLE = "trino_event_unreadable"
METADATA_SCHEMAS = {"information_schema"}
METADATA_CATALOGS = {"system"}


@dataclass
class CollectReport:
    events: int = 0
    recorded: int = 0
    denied: int = 0
    not_customer_data: int = 0
    already_recorded: int = 0
    unreadable: int = 0
    spool_files_removed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _is_customer_data(catalog: str | None, schema: str | None) -> bool:
    return catalog not in METADATA_CATALOGS and schema not in METADATA_SCHEMAS


def _tables_read(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Tables the user's SQL read, with the columns, which of them came masked, and whether a
    row filter applied. Trino's ``metadata.tables`` carries masks and filters (``ioMetadata``
    lists no column once a mask replaced it); tables only a filter's sub-query consulted
    (``directlyReferenced`` false, evaluated as the service login) are left out."""
    tables = []
    for item in (event.get("metadata") or {}).get("tables") or []:
        if not item.get("directlyReferenced", True):
            continue
        if not _is_customer_data(item.get("catalog"), item.get("schema")):
            continue
        columns = item.get("columns") or []
        tables.append({"table": f"{item.get('catalog')}.{item.get('schema')}.{item.get('table')}",
                       "columns": sorted(c.get("column") for c in columns),
                       "masked": sorted(c.get("column") for c in columns if c.get("mask")),
                       "row_filtered": bool(item.get("filters"))})
    if tables:
        return sorted(tables, key=lambda t: t["table"])
    for item in (event.get("ioMetadata") or {}).get("inputs") or []:
        if _is_customer_data(item.get("catalogName"), item.get("schema")):
            tables.append({"table": f"{item.get('catalogName')}.{item.get('schema')}."
                                    f"{item.get('table')}",
                           "columns": sorted(c.get("name") for c in item.get("columns") or []),
                           "masked": [], "row_filtered": False})
    return sorted(tables, key=lambda t: t["table"])


def audit_entry(event: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(actor, action, details) for one QueryCompletedEvent, or None when not to be recorded.

    Recorded: every query that read a table of customer data, and every query refused with
    PERMISSION_DENIED (an attempt is as telling as an access). Pure, so it is unit-tested on
    events captured from the real server.
    """
    metadata = event.get("metadata") or {}
    context = event.get("context") or {}
    failure = event.get("failureInfo") or {}
    error = (failure.get("errorCode") or {}).get("name")
    tables = _tables_read(event)
    denied = error == "PERMISSION_DENIED"
    if not tables and not denied:
        return None
    details = {
        "query_id": metadata.get("queryId"),
        "sql": metadata.get("query"),
        "state": metadata.get("queryState"),
        "tables": tables,
        "created_at": event.get("createTime"),
        "ended_at": event.get("endTime"),
        "source": context.get("source"),
        "client_address": context.get("remoteClientAddress"),
    }
    if error:
        details["error"] = error
        details["error_message"] = (failure.get("failureMessage") or "")[:500]
    return str(context.get("user") or "unknown"), DENIED if denied else QUERY, details


def read_new_lines(path: Path, offset: int) -> tuple[list[bytes], int]:
    """Complete lines of ``path`` after byte ``offset`` and the offset after the last of them."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n")
    if end < 0:
        return [], offset
    return [line for line in data[:end].split(b"\n") if line.strip()], offset + end + 1


def _state_path(settings: Settings) -> Path:
    return settings.var_dir / "audit" / "collect_state.json"


def _load_state(settings: Settings) -> dict[str, int]:
    try:
        return {str(k): int(v) for k, v in
                json.loads(_state_path(settings).read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_state(settings: Settings, state: dict[str, int]) -> None:
    path = _state_path(settings)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _recorded_query_ids(settings: Settings) -> set[str]:
    from delta.tables import DeltaTable

    from pipelines.spark import get_spark
    from privacy.audit import audit_path

    spark = get_spark(settings)
    path = audit_path(settings)
    if not DeltaTable.isDeltaTable(spark, path):
        return set()
    rows = (spark.read.format("delta").load(path)
            .where(f"action in ('{QUERY}', '{DENIED}')")
            .selectExpr("get_json_object(details, '$.query_id') as query_id").collect())
    return {r["query_id"] for r in rows if r["query_id"]}


def collect(settings: Settings, today: str | None = None) -> CollectReport:
    """Move the spooled Trino query events into ``ops.audit_log``; return what was done."""
    from pipelines.services.audit_receiver import spool_dir
    from privacy.audit import append_many

    report = CollectReport()
    spool = spool_dir(settings)
    files = sorted(spool.glob("events-*.jsonl")) if spool.is_dir() else []
    if not files:
        return report
    state = _load_state(settings)
    known = _recorded_query_ids(settings)
    entries: list[tuple[str, str, dict[str, Any]]] = []
    new_state = dict(state)
    for path in files:
        lines, new_state[path.name] = read_new_lines(path, state.get(path.name, 0))
        for number, line in enumerate(lines, start=1):
            report.events += 1
            try:
                entry = audit_entry(json.loads(line))
            except (ValueError, AttributeError, TypeError) as exc:
                report.unreadable += 1
                entries.append(("audit-receiver", UNREADABLE, {
                    "file": path.name, "line_after_offset": number, "error": str(exc)[:200],
                    "bytes": len(line)}))
                continue
            if entry is None:
                report.not_customer_data += 1
                continue
            query_id = entry[2]["query_id"]
            if query_id in known:
                report.already_recorded += 1
                continue
            known.add(query_id)
            entries.append(entry)
            report.denied += entry[1] == DENIED
    append_many(settings, entries)
    report.recorded = sum(1 for e in entries if e[1] in (QUERY, DENIED))
    _save_state(settings, new_state)
    today = today or datetime.now(UTC).strftime("%Y-%m-%d")
    for path in files:
        if path.name < f"events-{today}" and new_state[path.name] >= path.stat().st_size:
            path.unlink()
            new_state.pop(path.name)
            report.spool_files_removed.append(path.name)
    if report.spool_files_removed:
        _save_state(settings, new_state)
    log.info("audit collect: %d events, %d recorded (%d denied), %d not customer data, "
             "%d already recorded, %d unreadable", report.events, report.recorded,
             report.denied, report.not_customer_data, report.already_recorded,
             report.unreadable)
    return report
