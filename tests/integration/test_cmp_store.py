"""CMP push against the real PostgreSQL: diff-only, idempotent, atomic, bounded retries."""

from __future__ import annotations

import socket
import threading
import time

import pandas as pd
import psycopg
import pytest

from pipelines.errors import LakehouseError
from pipelines.publish import bulk, cmp_store
from pipelines.services import postgres

pytestmark = pytest.mark.integration

GATE_LOCK = 4242




def _rows(n=5, score=0.1, version="1"):
    return [{"customer_id": f"c{i:03d}", "model_name": "elite", "model_version": version,
             "score": score * (i + 1)} for i in range(n)]


@pytest.fixture
def store(postgres_service):
    with postgres.connect(postgres_service, autocommit=True) as conn:
        cmp_store.ensure_schema(conn)
        conn.execute("DROP TRIGGER IF EXISTS test_trigger ON customer_scores")
        conn.execute("TRUNCATE customer_scores, push_runs")
    return postgres_service


def _snapshot(settings):
    """{customer_id: (score, model_version, run_id, xmin)} as a separate reader sees it."""
    with postgres.connect(settings) as conn:
        return {row[0]: row[1:] for row in conn.execute(
            "SELECT customer_id, score, model_version, run_id, xmin::text::bigint"
            " FROM customer_scores")}


def _push_runs(settings):
    with postgres.connect(settings) as conn:
        return conn.execute(
            "SELECT run_id, table_name, rows_in, inserted, updated, unchanged,"
            " finished_at >= started_at FROM push_runs ORDER BY push_id").fetchall()


def test_push_inserts_and_records_the_run(store):
    result = cmp_store.push_scores(store, _rows(), "run-1")
    assert result == cmp_store.PushResult(5, 5, 0, 0, "run-1")
    assert len(_snapshot(store)) == 5
    assert _push_runs(store) == [("run-1", "customer_scores", 5, 5, 0, 0, True)]


def test_same_push_again_writes_nothing(store):
    cmp_store.push_scores(store, _rows(), "run-1")
    before = _snapshot(store)
    again = cmp_store.push_scores(store, _rows(), "run-1")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert _snapshot(store) == before  # same xmin: no tuple rewritten
    assert [r[2:6] for r in _push_runs(store)] == [(5, 5, 0, 0), (5, 0, 0, 5)]


def test_one_changed_score_updates_exactly_one_row(store):
    cmp_store.push_scores(store, _rows(), "run-1")
    before = _snapshot(store)
    rows = _rows()
    rows[2]["score"] = 0.99
    rows[3]["scored_at"] = "2030-01-01T00:00:00+00:00"  # not a change of value: not rewritten
    result = cmp_store.push_scores(store, rows, "run-2")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 4)
    after = _snapshot(store)
    assert after["c002"][:3] == (0.99, "1", "run-2")
    assert after["c002"][3] != before["c002"][3]
    assert {k: v for k, v in after.items() if k != "c002"} == {
        k: v for k, v in before.items() if k != "c002"}


def test_model_version_change_and_new_rows_from_a_dataframe(store):
    cmp_store.push_scores(store, _rows(3), "run-1")
    frame = pd.DataFrame(_rows(4))
    frame.loc[0, "model_version"] = "2"
    frame["scored_at"] = pd.Timestamp("2026-01-01", tz="UTC")
    result = cmp_store.push_scores(store, frame, "run-2")
    assert (result.rows_in, result.inserted, result.updated, result.unchanged) == (4, 1, 1, 2)
    assert _snapshot(store)["c000"][1:3] == ("2", "run-2")


def test_failed_batch_rolls_back_entirely(store):
    cmp_store.push_scores(store, _rows(), "run-1")
    before, runs_before = _snapshot(store), _push_runs(store)
    with postgres.connect(store, autocommit=True) as conn:
        conn.execute("""
            CREATE OR REPLACE FUNCTION test_reject() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'bad row %', NEW.customer_id; END $$""")
        conn.execute("""
            CREATE TRIGGER test_trigger BEFORE INSERT OR UPDATE ON customer_scores
            FOR EACH ROW WHEN (NEW.customer_id = 'zz-bad') EXECUTE FUNCTION test_reject()""")
    rows = _rows(score=0.2)  # every existing row changes, written before the bad one (order)
    rows.append({"customer_id": "zz-bad", "model_name": "elite", "model_version": "1",
                 "score": 1.0})
    with pytest.raises(psycopg.Error, match="bad row zz-bad"):
        cmp_store.push_scores(store, rows, "run-2")
    assert _snapshot(store) == before
    assert _push_runs(store) == runs_before


def test_reader_never_sees_half_a_batch(store):
    """Hold the batch mid-way (a trigger waits on a lock we own) and read from another session."""
    cmp_store.push_scores(store, _rows(), "run-1")
    before = _snapshot(store)
    with postgres.connect(store, autocommit=True) as conn:
        conn.execute(f"""
            CREATE OR REPLACE FUNCTION test_gate() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN PERFORM pg_advisory_xact_lock({GATE_LOCK}); RETURN NEW; END $$""")
        conn.execute("""
            CREATE TRIGGER test_trigger BEFORE INSERT OR UPDATE ON customer_scores
            FOR EACH ROW WHEN (NEW.customer_id = 'zz-gate') EXECUTE FUNCTION test_gate()""")
    rows = _rows(score=0.3)
    rows.append({"customer_id": "zz-gate", "model_name": "elite", "model_version": "1",
                 "score": 1.0})
    outcome = {}
    with postgres.connect(store, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (GATE_LOCK,))
        pusher = threading.Thread(
            target=lambda: outcome.update(result=cmp_store.push_scores(store, rows, "run-2")))
        pusher.start()
        deadline = time.monotonic() + 20
        while not holder.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
            " AND NOT granted", (GATE_LOCK,)).fetchone()[0]:
            assert time.monotonic() < deadline, "push never reached the gate row"
            time.sleep(0.05)
        assert _snapshot(store) == before  # 5 rows updated in the open transaction: invisible
        assert len(_push_runs(store)) == 1
        holder.execute("SELECT pg_advisory_unlock(%s)", (GATE_LOCK,))
    pusher.join(timeout=20)
    assert outcome["result"] == cmp_store.PushResult(6, 1, 5, 0, "run-2")
    after = _snapshot(store)
    assert len(after) == 6 and all(v[2] == "run-2" for v in after.values())


def _wait_for_lock_wait(conn, locktype, deadline_s=20):
    """Until some session waits on a lock of ``locktype`` (the push reached the contended row)."""
    deadline = time.monotonic() + deadline_s
    while not conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = %s AND NOT granted",
                           (locktype,)).fetchone()[0]:
        assert time.monotonic() < deadline, f"push never waited on a {locktype} lock"
        time.sleep(0.05)


def test_key_inserted_by_another_writer_meanwhile_is_upserted_not_failed(store, caplog):
    """The plain INSERT of new rows meets a key another session commits mid-push: the push
    rolls back to its savepoint and upserts, instead of failing on the primary key."""
    outcome = {}
    with postgres.connect(store) as other:  # a transaction left open, like a slow writer
        other.execute("INSERT INTO customer_scores VALUES ('c002', 'elite', '1', 0.77, now(),"
                      " 'other-writer')")
        pusher = threading.Thread(
            target=lambda: outcome.update(result=cmp_store.push_scores(store, _rows(), "run-1")))
        pusher.start()
        with postgres.connect(store, autocommit=True) as watcher:
            _wait_for_lock_wait(watcher, "transactionid")  # blocked behind our c002
        other.commit()
    pusher.join(timeout=20)
    assert outcome["result"] == cmp_store.PushResult(5, 4, 1, 0, "run-1")
    after = _snapshot(store)
    assert {k: v[:3] for k, v in after.items()} == {
        f"c{i:03d}": (0.1 * (i + 1), "1", "run-1") for i in range(5)}
    assert "inserted by another writer meanwhile" in caplog.text
    assert [r[2:6] for r in _push_runs(store)] == [(5, 4, 1, 0)]


def test_concurrent_push_to_the_same_table_waits_for_the_first(store):
    """Pushes to one table take turns (an advisory lock): the second sees the first's rows."""
    with postgres.connect(store) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s, hashtext('customer_scores'))",
                       (bulk._PUSH_LOCK,))
        outcome = {}
        pusher = threading.Thread(
            target=lambda: outcome.update(result=cmp_store.push_scores(store, _rows(), "run-1")))
        pusher.start()
        with postgres.connect(store, autocommit=True) as watcher:
            _wait_for_lock_wait(watcher, "advisory")
        assert _snapshot(store) == {}  # its batch is copied but nothing applied yet
        holder.rollback()
    pusher.join(timeout=20)
    assert outcome["result"] == cmp_store.PushResult(5, 5, 0, 0, "run-1")


def test_unreachable_postgres_fails_after_bounded_retries(store, monkeypatch):
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
        cmp_store.push_scores(dead, _rows(), "run-x")
    expected = f"PostgreSQL at 127.0.0.1:{closed_port} unreachable after 3 attempts"
    assert caught.value.what == expected
    assert caught.value.fix == "lakehouse services up"
    assert calls == [closed_port] * 3
    assert time.monotonic() - started < 5
    assert _snapshot(store) == {}  # nothing written anywhere
