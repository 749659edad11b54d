"""Push compensation decisions to the CMP's PostgreSQL, diff-only, in one transaction.

Same pattern as :mod:`pipelines.publish.cmp_store`: COPY into a temp table, upsert only rows whose
content hash changed, an audit row in ``push_runs`` in the same transaction, retries with
exponential backoff while PostgreSQL is unreachable. Pushing the same decisions twice writes
nothing the second time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pipelines.config import Settings
from pipelines.publish.cmp_store import PushResult, ensure_schema
from pipelines.publish.retry import with_retries
from pipelines.services import postgres

log = logging.getLogger(__name__)
COLUMNS = ("decision_id", "record_locator", "ticket_number", "carrier", "flight_number",
           "flight_date", "event", "regime", "amount", "currency", "miles", "payment", "status",
           "rule_version", "explanation", "content_hash", "decided_at")
_DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    decision_id    text PRIMARY KEY,          -- passenger + flight + event (gold key)
    record_locator text,
    ticket_number  text,
    carrier        text,
    flight_number  text,
    flight_date    date,
    event          text        NOT NULL,      -- delay | cancellation | denied_boarding | baggage_*
    regime         text        NOT NULL,      -- eu261 | montreal | goodwill
    amount         numeric(12,2) NOT NULL,
    currency       text        NOT NULL,
    miles          integer     NOT NULL,
    payment        text        NOT NULL,      -- cash | voucher | miles | none
    status         text        NOT NULL,      -- due | not_due | needs_review
    rule_version   text        NOT NULL,
    explanation    text        NOT NULL,
    content_hash   text        NOT NULL,
    decided_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS {table}_locator ON {table} (record_locator);
"""
_UPSERT = """
WITH written AS (
    INSERT INTO {table} AS cur ({cols}) SELECT {cols} FROM _comp_push ORDER BY decision_id
    ON CONFLICT (decision_id) DO UPDATE SET {sets}
    WHERE cur.content_hash IS DISTINCT FROM excluded.content_hash
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
"""


def _rows(frame: Any) -> list[tuple]:
    records = frame.to_dict("records") if hasattr(frame, "to_dict") else list(frame)
    out = []
    for rec in records:
        row = [rec.get(c) for c in COLUMNS]
        row[COLUMNS.index("amount")] = float(row[COLUMNS.index("amount")] or 0)
        row[COLUMNS.index("miles")] = int(row[COLUMNS.index("miles")] or 0)
        out.append(tuple(None if v != v else v for v in row))  # NaN/NaT -> NULL
    return out


def _push_once(settings: Settings, rows: list[tuple], table: str, run_id: str,
               started_at: datetime) -> PushResult:
    cols = ", ".join(COLUMNS)
    sets = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "decision_id")
    with postgres.connect(settings, autocommit=True) as conn:
        ensure_schema(conn)  # push_runs
        conn.execute(_DDL.format(table=table))
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE _comp_push (LIKE {table}) ON COMMIT DROP")
            with cur.copy(f"COPY _comp_push ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            inserted, updated = cur.execute(
                _UPSERT.format(table=table, cols=cols, sets=sets)).fetchone()
            cur.execute(
                "INSERT INTO push_runs (run_id, table_name, started_at, finished_at, rows_in,"
                " inserted, updated, unchanged) VALUES (%s, %s, %s, clock_timestamp(), %s, %s,"
                " %s, %s)", (run_id, table, started_at, len(rows), inserted, updated,
                             len(rows) - inserted - updated))
    return PushResult(len(rows), inserted, updated, len(rows) - inserted - updated, run_id)


def push_decisions(settings: Settings, frame: Any, table: str, run_id: str) -> PushResult:
    """Upsert the decisions into ``table``; only new or changed rows are written."""
    rows, started_at = _rows(frame), datetime.now(UTC)
    result = with_retries(settings, f"push of {len(rows)} decisions to {table}",
                          lambda: _push_once(settings, rows, table, run_id, started_at),
                          "check gold.fct_compensation_decisions")
    log.info("pushed %d decisions to %s: %d inserted, %d updated, %d unchanged", result.rows_in,
             table, result.inserted, result.updated, result.unchanged)
    return result
