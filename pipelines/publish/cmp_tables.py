"""CMP store tables beyond scores: the next best action and segment membership per customer.

Built on :mod:`pipelines.publish.cmp_store` (its connection, ``push_runs`` audit table, input
checks and retry classification) and :mod:`pipelines.publish.bulk`: every push COPYs the batch
into a temp table, writes only new and changed rows (unchanged rows keep their tuple) and
records itself in ``push_runs``, all in one transaction, retried with bounded backoff while
PostgreSQL is unreachable.

Schema (created idempotently by :func:`ensure_tables`)::

    next_best_action                      -- today's best action per customer
      customer_id     text        PK      -- the CMP reads one customer at a time (PK btree)
      action          text        NOT NULL  -- a name from conf/nba/actions.yaml
      expected_value  double precision NOT NULL  -- EUR, P(accept) x value - cost
      reason_codes    text[]      NOT NULL  -- why: rules met, consent, promotion, suppression
      runners_up      jsonb       NOT NULL  -- [{action, expected_value, p_accept}], best first
      decided_at      timestamptz NOT NULL  -- when this decision was last changed
      run_id          text        NOT NULL  -- run that wrote the current decision
      INDEX next_best_action_action (action, expected_value DESC)  -- campaign pulls: "who gets
                                                                   -- an upgrade offer, best first"

    segment_membership                    -- current members of every segment (a full snapshot)
      customer_id text, segment text, PRIMARY KEY (customer_id, segment)  -- "segments of C"
      reason      text NOT NULL           -- each criterion and the customer's value
      as_of_date  date NOT NULL           -- data date when this membership was last written
      INDEX segment_membership_segment (segment, customer_id)  -- "members of segment S"

A segment push is a snapshot: members missing from it have left and are deleted in the same
transaction. ``push_runs`` gains a ``deleted`` column (default 0) for those counts.

Diff-only means: a decision is rewritten only when action, expected value, reason codes or
runners-up change; a membership only when its reason changes (``decided_at``/``as_of_date`` and
``run_id`` say when the value last changed, like ``scored_at`` in ``customer_scores``).
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.publish import bulk, cmp_store
from pipelines.publish.retry import with_retries
from pipelines.services import postgres

log = logging.getLogger(__name__)

NBA_TABLE = "next_best_action"
SEGMENT_TABLE = "segment_membership"
NBA_COLUMNS = ("customer_id", "action", "expected_value", "reason_codes", "runners_up",
               "decided_at", "run_id")
SEGMENT_COLUMNS = ("customer_id", "segment", "reason", "as_of_date")

_DDL = """
CREATE TABLE IF NOT EXISTS next_best_action (
    customer_id    text             PRIMARY KEY,
    action         text             NOT NULL,
    expected_value double precision NOT NULL,
    reason_codes   text[]           NOT NULL,
    runners_up     jsonb            NOT NULL,
    decided_at     timestamptz      NOT NULL,
    run_id         text             NOT NULL
) WITH (fillfactor = 90);
CREATE INDEX IF NOT EXISTS next_best_action_action
    ON next_best_action (action, expected_value DESC);
CREATE TABLE IF NOT EXISTS segment_membership (
    customer_id text NOT NULL,
    segment     text NOT NULL,
    reason      text NOT NULL,
    as_of_date  date NOT NULL,
    PRIMARY KEY (customer_id, segment)
) WITH (fillfactor = 90);
CREATE INDEX IF NOT EXISTS segment_membership_segment ON segment_membership (segment, customer_id);
ALTER TABLE push_runs ADD COLUMN IF NOT EXISTS deleted bigint NOT NULL DEFAULT 0;
"""

# Same diff as cmp_store (pipelines/publish/bulk.py): only rows whose compared values changed are
# rewritten, changed ones through a sorted ON CONFLICT, new ones through a plain INSERT.
_NBA_DIFF = bulk.diff_statements(NBA_TABLE, NBA_COLUMNS, ("customer_id",),
                                 ("action", "expected_value", "reason_codes", "runners_up"))
_SEGMENT_DIFF = bulk.diff_statements(SEGMENT_TABLE, SEGMENT_COLUMNS, ("customer_id", "segment"),
                                     ("reason",))
# Binary COPY where every column has a plain binary dumper; NBA's runners_up arrives as JSON text
# (a binary jsonb dumper would encode the text again as a JSON string), so NBA stays text.
_SEGMENT_TYPES = ("text", "text", "text", "date")

_SEGMENT_DELETE = """
DELETE FROM segment_membership AS cur
WHERE NOT EXISTS (SELECT 1 FROM _cmp_push AS new
                  WHERE new.customer_id = cur.customer_id AND new.segment = cur.segment)
"""


@dataclass(frozen=True)
class TablePushResult:
    """Counts of one committed push; ``deleted`` only for snapshot tables (segments)."""

    table: str
    rows_in: int
    inserted: int
    updated: int
    unchanged: int
    deleted: int
    run_id: str


def ensure_tables(conn: psycopg.Connection) -> None:
    """``customer_scores``/``push_runs`` (cmp_store) plus this module's tables and indexes."""
    cmp_store.ensure_schema(conn)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (cmp_store._SCHEMA_LOCK,))
        conn.execute(_DDL)


# --- input normalisation (pure) ----------------------------------------------------------------


def _require(record: dict, names: tuple[str, ...], index: int) -> None:
    absent = [name for name in names if cmp_store._missing(record.get(name))]
    if absent:
        raise LakehouseError(f"row {index}: missing {', '.join(absent)}",
                             f"every row needs {', '.join(names)}; nothing was written")


def _unique(keys: list[tuple], what: str) -> None:
    dupes = [key for key, n in Counter(keys).items() if n > 1]
    if dupes:
        raise LakehouseError(f"{len(dupes)} duplicate {what} keys in the batch, e.g. {dupes[:3]}",
                             "deduplicate the rows before pushing; nothing was written")


def _list(value: Any) -> list:
    """A list from a list, tuple, numpy array or JSON text; None or NaN is empty."""
    if isinstance(value, str):
        return list(json.loads(value))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value)


def normalise_decisions(rows: Any, run_id: str, decided_at: datetime) -> list[tuple]:
    """Validate decisions and return tuples in :data:`NBA_COLUMNS` order, ready for COPY."""
    out = []
    for index, record in enumerate(cmp_store._records(rows)):
        _require(record, ("customer_id", "action", "expected_value"), index)
        value = float(record["expected_value"])
        if not math.isfinite(value):
            raise LakehouseError(f"row {index}: expected_value {value!r} is not finite",
                                 "fix the input rows; nothing was written")
        codes = [str(c) for c in _list(record.get("reason_codes"))]
        runners = json.dumps(_list(record.get("runners_up")), sort_keys=True, default=str)
        out.append((str(record["customer_id"]), str(record["action"]), value, codes, runners,
                    decided_at, run_id))
    _unique([row[0] for row in out], "customer_id")
    return out


def normalise_memberships(rows: Any, as_of: date | None = None) -> list[tuple]:
    """Validate memberships and return tuples in :data:`SEGMENT_COLUMNS` order."""
    out = []
    for index, record in enumerate(cmp_store._records(rows)):
        _require(record, ("customer_id", "segment", "reason"), index)
        day = record.get("as_of_date")
        day = as_of if cmp_store._missing(day) else day
        if isinstance(day, datetime):
            day = day.date()
        if isinstance(day, str):
            day = date.fromisoformat(day)
        if not isinstance(day, date):
            raise LakehouseError(f"row {index}: as_of_date {day!r} is not a date",
                                 "fix the input rows; nothing was written")
        out.append((str(record["customer_id"]), str(record["segment"]), str(record["reason"]),
                    day))
    _unique([row[:2] for row in out], "(customer_id, segment)")
    return out


# --- push --------------------------------------------------------------------------------------


def _push_once(settings: Settings, table: str, columns: tuple[str, ...], records: list[tuple],
               diff: bulk.DiffStatements, delete: str | None, types: tuple[str, ...] | None,
               run_id: str) -> TablePushResult:
    """COPY into a temp table, apply the diff (and delete leavers), audit row: one transaction."""
    started_at = datetime.now(UTC)
    with postgres.connect(settings, autocommit=True) as conn:
        ensure_tables(conn)
        with conn.transaction(), conn.cursor() as cur:
            inserted, updated = bulk.copy_and_apply(cur, table, columns, records, diff, types)
            deleted = _delete_leavers(cur, delete) if delete else 0
            unchanged = len(records) - inserted - updated
            cur.execute(
                "INSERT INTO push_runs (run_id, table_name, started_at, finished_at, rows_in,"
                " inserted, updated, unchanged, deleted)"
                " VALUES (%s, %s, %s, clock_timestamp(), %s, %s, %s, %s, %s)",
                (run_id, table, started_at, len(records), inserted, updated, unchanged, deleted))
    return TablePushResult(table, len(records), inserted, updated, unchanged, deleted, run_id)


def _delete_leavers(cur: psycopg.Cursor, delete: str) -> int:
    """Run the snapshot's anti-join delete; returns the rows deleted.

    It reads the whole table whatever the batch, so a hash or merge anti join is always the
    right plan. A nested loop would scan the (unindexed) temp table once per stored row: one
    bench run at 200k memberships sat 14 minutes in this DELETE (not reproduced since), so
    that plan is ruled out for the rest of this transaction.
    """
    cur.execute("SET LOCAL enable_nestloop = off")
    return cur.execute(delete).rowcount


def _push(settings: Settings, table: str, columns: tuple[str, ...], records: list[tuple],
          diff: bulk.DiffStatements, run_id: str, delete: str | None = None,
          types: tuple[str, ...] | None = None) -> TablePushResult:
    result = with_retries(settings, f"push to {table}", lambda: _push_once(
        settings, table, columns, records, diff, delete, types, run_id))
    log.info("pushed %d rows to %s (run %s): %d inserted, %d updated, %d unchanged, %d deleted",
             result.rows_in, table, run_id, result.inserted, result.updated, result.unchanged,
             result.deleted)
    return result


def push_decisions(settings: Settings, rows: Any, run_id: str) -> TablePushResult:
    """Upsert next-best-action decisions (one per customer), writing only changed ones.

    ``rows``: dicts or a DataFrame with customer_id, action, expected_value, reason_codes (list),
    runners_up (list of dicts or JSON text). Raises LakehouseError on bad input (before
    connecting), a rejected batch (rolled back) or PostgreSQL unreachable after the retries.
    """
    records = normalise_decisions(rows, run_id, datetime.now(UTC))
    return _push(settings, NBA_TABLE, NBA_COLUMNS, records, _NBA_DIFF, run_id)


def push_memberships(settings: Settings, rows: Any, run_id: str,
                     as_of: date | None = None) -> TablePushResult:
    """Make ``segment_membership`` equal to this snapshot: upsert changed rows, delete leavers.

    ``rows``: dicts or a DataFrame with customer_id, segment, reason and as_of_date (or pass
    ``as_of``). An empty snapshot empties the table, in one transaction like any other.
    """
    records = normalise_memberships(rows, as_of)
    return _push(settings, SEGMENT_TABLE, SEGMENT_COLUMNS, records, _SEGMENT_DIFF, run_id,
                 delete=_SEGMENT_DELETE, types=_SEGMENT_TYPES)
