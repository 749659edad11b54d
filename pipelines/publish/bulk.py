"""The bulk half of every CMP push: COPY a batch into a temp table, then apply only its diff.

Shared by ``cmp_store`` (scores) and ``cmp_tables`` (next best action, segments) so the three
pushes keep one shape. Inside the caller's transaction:

1. ``COPY`` the batch into ``_cmp_push`` (a temp table shaped like the target, dropped at
   commit); binary when the caller gives column types, which spares formatting a million
   timestamps and floats as text;
2. take a per-table advisory lock, so concurrent pushes to one table run one after the other:
   each then sees the previous one's rows, and no two pushes can lock rows in crossed order;
3. in one statement, a hash join of the batch against the table keeps the new and changed
   rows; changed ones are upserted and new ones plain-``INSERT``ed, each sorted by key for a
   stable lock order. ``ON CONFLICT`` probes and locks every row it is handed even when its
   ``WHERE`` rejects the update, and its speculative insertion cost about twice a plain insert
   (1M new rows: 5.0-5.9 s vs 2.5 s on a loaded host), so it only sees real changes;
4. if another writer (not a push: the lock keeps those out) committed one of the new keys in
   the meantime, the plain ``INSERT`` hits the primary key: roll back to a savepoint and apply
   the one-statement upsert of new and changed rows instead. Same result, slower path.

Unchanged rows are never written (their tuples, ``xmin`` and ``run_id`` stay as they were).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import errors

log = logging.getLogger(__name__)

TEMP = "_cmp_push"
_PUSH_LOCK = 0x434D5002  # advisory lock class; with hashtext(table) one key per target table
# A 1M-row push hash-joins the batch against the table; with the server's default 4 MB (x2 for
# hashes) the join and the sort of new rows spill to temp files in batches. SET LOCAL: this
# transaction only, and one push runs per table at a time.
_WORK_MEM = "256MB"


@dataclass(frozen=True)
class DiffStatements:
    """The two ways to apply ``_cmp_push``; each returns one row (inserted, updated)."""

    apply: str  # changed rows upserted, new rows plain-inserted (step 3)
    fallback: str  # new and changed rows upserted in one sorted pass (step 4)


# One hash join classifies the batch; MATERIALIZED so both writers below read it, not re-join.
# ON CONFLICT (not a plain UPDATE) also re-inserts a changed row deleted meanwhile; its WHERE
# repeats the diff for rows changed since the join; xmax = 0 only on freshly inserted tuples.
_TEMPLATE = """
WITH diff AS MATERIALIZED (
    SELECT n.*, o.{first} IS NULL AS is_new
    FROM {temp} AS n LEFT JOIN {table} AS o USING ({key})
    WHERE o.{first} IS NULL OR ({old}) IS DISTINCT FROM ({new})
),{insert_new}
written AS (
    INSERT INTO {table} AS cur ({columns})
    SELECT {columns} FROM diff {only_changed}
    ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET {assign}
    WHERE ({current}) IS DISTINCT FROM ({excluded})
    RETURNING (xmax = 0) AS inserted
)
SELECT {new_count} + count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
FROM written
"""
# Not referenced by the final SELECT, so PostgreSQL runs it to completion at the statement's end.
_INSERT_NEW = """
new AS (INSERT INTO {table} ({columns}) SELECT {columns} FROM diff WHERE is_new ORDER BY {key}),"""


def diff_statements(table: str, columns: Sequence[str], key: Sequence[str],
                    compared: Sequence[str]) -> DiffStatements:
    """Statements for ``table``: a row changes when one of ``compared`` differs (NULL-safe).

    Every non-key column is rewritten on a change (``scored_at``/``run_id`` then say when).
    """
    names = dict(
        temp=TEMP, table=table, first=key[0], key=", ".join(key), columns=", ".join(columns),
        old=", ".join(f"o.{c}" for c in compared), new=", ".join(f"n.{c}" for c in compared),
        current=", ".join(f"cur.{c}" for c in compared),
        excluded=", ".join(f"excluded.{c}" for c in compared),
        assign=", ".join(f"{c} = excluded.{c}" for c in columns if c not in key))
    insert_new = _INSERT_NEW.format(**names)
    return DiffStatements(
        apply=_TEMPLATE.format(**names, insert_new=insert_new, only_changed="WHERE NOT is_new",
                               new_count="(SELECT count(*) FROM diff WHERE is_new)"),
        fallback=_TEMPLATE.format(**names, insert_new="", only_changed="", new_count="0"))


def copy_rows(cur: psycopg.Cursor, table: str, columns: Sequence[str],
              records: Sequence[tuple], types: Sequence[str] | None = None) -> None:
    """COPY ``records`` into ``table``: binary with ``types`` (PostgreSQL names), else text."""
    binary = " (FORMAT BINARY)" if types else ""
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(list(types))
        for record in records:
            copy.write_row(record)


def copy_and_apply(cur: psycopg.Cursor, table: str, columns: Sequence[str],
                   records: Sequence[tuple], statements: DiffStatements,
                   types: Sequence[str] | None = None) -> tuple[int, int]:
    """Steps 1-4 of the module docstring in the open transaction; returns (inserted, updated)."""
    cur.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
    cur.execute(f"CREATE TEMP TABLE {TEMP} (LIKE {table}) ON COMMIT DROP")
    copy_rows(cur, TEMP, columns, records, types)
    # No ANALYZE: the planner sizes the fresh temp table from its pages and picks the same hash
    # join without statistics (bench_cmp_push at 1M rows: same plans, ANALYZE alone 0.12 s).
    cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_PUSH_LOCK, table))
    try:
        with cur.connection.transaction():  # savepoint: undo the fast path, keep the batch
            inserted, updated = cur.execute(statements.apply).fetchone()
    except errors.UniqueViolation as exc:
        log.warning("%s: a key of the batch was inserted by another writer meanwhile (%s);"
                    " upserting new and changed rows in one statement", table,
                    str(exc).strip().splitlines()[0])
        inserted, updated = cur.execute(statements.fallback).fetchone()
    return inserted, updated
