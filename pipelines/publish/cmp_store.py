"""The operational CMP store: model scores per customer in PostgreSQL, pushed diff-only.

The customer management platform (CMP) reads ``customer_scores`` one customer at a time while
the lakehouse re-scores everyone daily. Most scores do not change between runs, so a push writes
only rows whose score or model version changed: unchanged rows keep their tuple (no dead rows,
no WAL, no vacuum debt, and ``scored_at``/``run_id`` still say when the value last changed).

Schema (created idempotently by :func:`ensure_schema`)::

    customer_scores                       -- one current score per (customer, model)
      customer_id   text              NOT NULL  -- gold-layer customer key
      model_name    text              NOT NULL  -- e.g. loyalty_elite_propensity
      model_version text              NOT NULL  -- MLflow registered-model version
      score         double precision  NOT NULL  -- finite model output
      scored_at     timestamptz       NOT NULL  -- when this value was scored (UTC)
      run_id        text              NOT NULL  -- run that produced the current value
      PRIMARY KEY (customer_id, model_name)     -- its btree, led by customer_id, serves the
                                                -- CMP's reads by customer (no second index)

    push_runs                             -- one row per committed push (audit, monitoring)
      push_id bigint identity PK, run_id, table_name, started_at, finished_at,
      rows_in, inserted, updated, unchanged   -- unchanged = rows_in - inserted - updated

``push_runs`` has a surrogate key because a retried orchestrator task pushes again under the same
``run_id``; each committed attempt is kept. Its row commits in the same transaction as the scores,
so it exists exactly when the scores it counts are visible.

How a push stays near ``COPY`` speed (benchmarks/bench_cmp_push.py, 1M rows): a DataFrame or a
list of dicts is validated column-wise (:mod:`pipelines.publish.frames`, with the row-by-row
checks below as the fallback that names a bad row), the batch goes over binary ``COPY`` into a
temp table, and one hash join against ``customer_scores`` picks the new and changed rows: only
those are written (``ON CONFLICT`` for changed ones, a plain ``INSERT`` for new ones), so
unchanged rows are neither rewritten nor locked. See :mod:`pipelines.publish.bulk`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.publish import bulk, frames
from pipelines.publish.retry import (  # noqa: F401  (re-exported)
    DEFAULT_ATTEMPTS,
    DEFAULT_MAX_WAIT_S,
    is_unreachable,
    with_retries,
)
from pipelines.services import postgres

log = logging.getLogger(__name__)

TABLE = "customer_scores"
REQUIRED = ("customer_id", "model_name", "model_version", "score")
COLUMNS = (*REQUIRED, "scored_at", "run_id")
COPY_TYPES = ("text", "text", "text", "float8", "timestamptz", "text")  # binary COPY, COLUMNS order
_SCHEMA_LOCK = 0x434D5001  # advisory lock key: concurrent first pushes must not race the DDL

_DDL = """
CREATE TABLE IF NOT EXISTS customer_scores (
    customer_id   text             NOT NULL,
    model_name    text             NOT NULL,
    model_version text             NOT NULL,
    score         double precision NOT NULL,
    scored_at     timestamptz      NOT NULL,
    run_id        text             NOT NULL,
    PRIMARY KEY (customer_id, model_name)
) WITH (fillfactor = 90);  -- room for HOT updates: score is not indexed
CREATE TABLE IF NOT EXISTS push_runs (
    push_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      text        NOT NULL,
    table_name  text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    rows_in     bigint      NOT NULL,
    inserted    bigint      NOT NULL,
    updated     bigint      NOT NULL,
    unchanged   bigint      NOT NULL
);
CREATE INDEX IF NOT EXISTS push_runs_run_id ON push_runs (run_id);
"""

# A row changes when its score or model version does (scored_at, run_id follow the value).
STATEMENTS = bulk.diff_statements(TABLE, COLUMNS, ("customer_id", "model_name"),
                                  ("score", "model_version"))


@dataclass(frozen=True)
class PushResult:
    """Counts of one committed push; ``unchanged`` rows were left untouched."""

    rows_in: int
    inserted: int
    updated: int
    unchanged: int
    run_id: str


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create the CMP tables and index if missing (see the module docstring for the schema)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        conn.execute(_DDL)


# --- input normalisation (pure) ----------------------------------------------------------------


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pandas.NA (whose comparison raises TypeError in bool())."""
    try:
        return value is None or bool(value != value)
    except TypeError:
        return True


def _records(rows: Any) -> Iterable[Mapping[str, Any]]:
    if hasattr(rows, "columns") and hasattr(rows, "to_dict"):  # pandas DataFrame, no import
        return rows.to_dict("records")
    return rows


def _timestamp(value: Any, index: int) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise LakehouseError(
                f"row {index}: scored_at {value!r} is not an ISO timestamp",
                "fix the input rows; nothing was written",
            ) from exc
    if not isinstance(value, datetime):
        raise LakehouseError(
            f"row {index}: scored_at {value!r} is not a timestamp",
            "fix the input rows; nothing was written",
        )
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # naive means UTC


def normalise_rows(rows: Any, run_id: str, scored_at: datetime) -> list[tuple]:
    """Validate rows and return tuples in :data:`COLUMNS` order, ready for COPY.

    All checks happen before connecting so bad input fails fast with its row number.
    ``scored_at`` and ``run_id`` fill rows that lack them. Raises LakehouseError on a missing
    required value, a non-finite score or a duplicate (customer_id, model_name): the upsert
    could apply only one of two duplicates, so which one wins would be arbitrary. A DataFrame
    or a list of dicts is checked column-wise (:mod:`pipelines.publish.frames`); when that
    path cannot vouch for every row, the rows are checked one by one here, which names the
    first bad one.
    """
    frame = frames.as_frame(rows)
    if frame is not None:
        fast = frames.normalise_frame(frame, REQUIRED, ("customer_id", "model_name"), run_id,
                                      scored_at)
        if fast is not None:
            return fast
    out: list[tuple] = []
    seen: set[tuple[str, str]] = set()
    duplicates: list[tuple[str, str]] = []
    for index, record in enumerate(_records(rows)):
        absent = [name for name in REQUIRED if _missing(record.get(name))]
        if absent:
            raise LakehouseError(
                f"row {index}: missing {', '.join(absent)}",
                f"every row needs {', '.join(REQUIRED)}; nothing was written",
            )
        try:
            score = float(record["score"])
        except (TypeError, ValueError):
            score = math.nan
        if not math.isfinite(score):
            raise LakehouseError(
                f"row {index}: score {record['score']!r} is not a finite number",
                "fix the input rows; nothing was written",
            )
        key = (str(record["customer_id"]), str(record["model_name"]))
        if key in seen:
            duplicates.append(key)
        seen.add(key)
        when = record.get("scored_at")
        row_run = record.get("run_id")
        out.append((
            *key,
            str(record["model_version"]),
            score,
            scored_at if _missing(when) else _timestamp(when, index),
            run_id if _missing(row_run) else str(row_run),
        ))
    if duplicates:
        raise LakehouseError(
            f"{len(duplicates)} duplicate (customer_id, model_name) keys, e.g. {duplicates[:3]}",
            "deduplicate the scores before pushing; nothing was written",
        )
    return out


# --- push --------------------------------------------------------------------------------------


def _push_once(settings: Settings, records: Sequence[tuple], run_id: str,
               started_at: datetime) -> PushResult:
    """One attempt: COPY into a temp table, diff-upsert and audit row, all in one transaction."""
    with postgres.connect(settings, autocommit=True) as conn:
        ensure_schema(conn)
        with conn.transaction(), conn.cursor() as cur:
            inserted, updated = bulk.copy_and_apply(cur, TABLE, COLUMNS, records, STATEMENTS,
                                                    COPY_TYPES)
            unchanged = len(records) - inserted - updated
            cur.execute(
                "INSERT INTO push_runs (run_id, table_name, started_at, finished_at, rows_in,"
                " inserted, updated, unchanged)"
                " VALUES (%s, %s, %s, clock_timestamp(), %s, %s, %s, %s)",
                (run_id, TABLE, started_at, len(records), inserted, updated, unchanged),
            )
    return PushResult(len(records), inserted, updated, unchanged, run_id)


def push_scores(settings: Settings, rows: Any, run_id: str) -> PushResult:
    """Upsert scores into ``customer_scores``, writing only new or changed rows.

    Args:
        settings: environment settings (connection, ``postgres.retry.*``).
        rows: iterable of dicts or a pandas DataFrame with :data:`REQUIRED` columns and
            optionally ``scored_at`` (default: now) and ``run_id`` (default: ``run_id``).
        run_id: the orchestrator run pushing these rows, recorded in ``push_runs``.

    Returns:
        The committed counts. Pushing the same rows again yields 0 inserted, 0 updated.

    Raises:
        LakehouseError: invalid input, rejected rows (the whole batch rolls back), or PostgreSQL
            still unreachable after ``postgres.retry.attempts`` tries with exponential backoff
            capped at ``postgres.retry.max_wait_s``. Retrying is safe: the push is idempotent
            and either committed entirely or not at all.
    """
    started_at = datetime.now(UTC)
    records = normalise_rows(rows, run_id, started_at)
    result = with_retries(settings, f"push of {len(records)} rows to {TABLE}",
                          lambda: _push_once(settings, records, run_id, started_at))
    log.info(
        "pushed %d rows to %s (run %s): %d inserted, %d updated, %d unchanged",
        result.rows_in, TABLE, run_id, result.inserted, result.updated, result.unchanged,
    )
    return result
