"""NBA and segment tables in the real PostgreSQL: diff-only, leavers deleted, bounded retries."""

from __future__ import annotations

import socket
import time
from datetime import date

import pytest

from pipelines.errors import LakehouseError
from pipelines.publish import cmp_tables
from pipelines.services import postgres

pytestmark = pytest.mark.integration


@pytest.fixture
def store(postgres_service):
    with postgres.connect(postgres_service, autocommit=True) as conn:
        cmp_tables.ensure_tables(conn)
        conn.execute("TRUNCATE next_best_action, segment_membership")
        conn.execute("DELETE FROM push_runs WHERE table_name IN (%s, %s)",
                     (cmp_tables.NBA_TABLE, cmp_tables.SEGMENT_TABLE))
    return postgres_service


def _decisions(n=4, value=10.0):
    return [{"customer_id": f"c{i}", "action": "seat", "expected_value": value + i,
             "reason_codes": ["rule:upcoming_flights>=1", "p:prior"],
             "runners_up": [{"action": "do_nothing", "expected_value": 0.0, "p_accept": 1.0}]}
            for i in range(n)]


def _members(*keys):
    return [{"customer_id": c, "segment": s, "reason": f"{s} because", "as_of_date": "2026-01-03"}
            for c, s in keys]


def _rows(settings, table, key):
    with postgres.connect(settings) as conn:
        return {tuple(r[:key]): r[key:] for r in conn.execute(
            f"SELECT *, xmin::text FROM {table}")}


def _runs(settings, table):
    with postgres.connect(settings) as conn:
        return conn.execute("SELECT rows_in, inserted, updated, unchanged, deleted FROM push_runs"
                            " WHERE table_name = %s ORDER BY push_id", (table,)).fetchall()


def test_second_identical_decision_push_changes_nothing(store):
    first = cmp_tables.push_decisions(store, _decisions(), "run-1")
    assert (first.inserted, first.updated, first.unchanged) == (4, 0, 0)
    before = _rows(store, "next_best_action", 1)
    again = cmp_tables.push_decisions(store, _decisions(), "run-2")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    assert _rows(store, "next_best_action", 1) == before  # same run_id, decided_at and xmin
    assert _runs(store, "next_best_action") == [(4, 4, 0, 0, 0), (4, 0, 0, 4, 0)]


def test_changed_decision_rewrites_only_that_customer(store):
    cmp_tables.push_decisions(store, _decisions(), "run-1")
    before = _rows(store, "next_best_action", 1)
    rows = _decisions()
    rows[1]["action"], rows[1]["runners_up"] = "upgrade", []
    result = cmp_tables.push_decisions(store, rows, "run-2")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 3)
    after = _rows(store, "next_best_action", 1)
    assert after[("c1",)][0] == "upgrade" and after[("c1",)][3] == []
    assert after[("c1",)][-2] == "run-2"
    assert {k: v for k, v in after.items() if k != ("c1",)} == {
        k: v for k, v in before.items() if k != ("c1",)}


def test_customer_leaving_a_segment_is_deleted_in_the_same_push(store):
    cmp_tables.push_memberships(store, _members(("c1", "a"), ("c1", "b"), ("c2", "a")), "run-1")
    before = _rows(store, "segment_membership", 2)
    result = cmp_tables.push_memberships(
        store, _members(("c1", "a"), ("c2", "a"), ("c3", "b")), "run-2")
    assert (result.inserted, result.updated, result.unchanged, result.deleted) == (1, 0, 2, 1)
    after = _rows(store, "segment_membership", 2)
    assert set(after) == {("c1", "a"), ("c2", "a"), ("c3", "b")}
    assert after[("c1", "a")] == before[("c1", "a")]  # untouched tuple
    assert after[("c3", "b")][1] == date(2026, 1, 3)
    assert _runs(store, "segment_membership") == [(3, 3, 0, 0, 0), (3, 1, 0, 2, 1)]


def test_second_identical_segment_push_changes_nothing(store):
    members = _members(("c1", "a"), ("c2", "b"))
    cmp_tables.push_memberships(store, members, "run-1")
    before = _rows(store, "segment_membership", 2)
    again = cmp_tables.push_memberships(store, members, "run-2")
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert _rows(store, "segment_membership", 2) == before


def test_unreachable_postgres_fails_after_bounded_retries_and_writes_nothing(store, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dead = store.with_overrides({"postgres.port": closed_port, "postgres.retry.attempts": 3,
                                 "postgres.retry.max_wait_s": 0.01})
    calls = []
    real_connect = postgres.connect

    def counting_connect(settings, **kwargs):
        calls.append(settings.get("postgres.port"))
        return real_connect(settings, **kwargs)

    monkeypatch.setattr(postgres, "connect", counting_connect)
    started = time.monotonic()
    with pytest.raises(LakehouseError) as caught:
        cmp_tables.push_memberships(dead, _members(("c1", "a")), "run-x")
    assert caught.value.what == (
        f"PostgreSQL at 127.0.0.1:{closed_port} unreachable after 3 attempts")
    assert calls == [closed_port] * 3
    assert time.monotonic() - started < 5
    assert _rows(store, "segment_membership", 2) == {}
    assert _runs(store, "segment_membership") == []


def test_duplicate_keys_fail_before_connecting(store):
    with pytest.raises(LakehouseError, match="duplicate"):
        cmp_tables.push_memberships(store, _members(("c1", "a"), ("c1", "a")), "run-1")
    with pytest.raises(LakehouseError, match="row 0: missing expected_value"):
        cmp_tables.push_decisions(store, [{"customer_id": "c", "action": "seat"}], "run-1")
