"""CMP push: diff-only upsert vs plain COPY, and the CMP's read latency under a concurrent push.

Usage:
    LAKEHOUSE_ENV=scratch_e .venv/bin/python benchmarks/bench_cmp_push.py [--rows N] [--reads R]

Needs the environment's PostgreSQL (``lakehouse services up``); loopback only. On the same run:

- ``copy_empty``: plain ``COPY`` of N prebuilt score tuples into an empty table shaped like
  ``customer_scores`` (same columns and primary key), in one transaction - the floor, in text
  format (``write_row``) as first measured, and ``copy_empty_binary`` in binary format with
  declared types, the wire format the push itself uses (the stricter floor);
- ``upsert_first``: ``cmp_store.push_scores`` of the same N rows, as the pandas DataFrame the
  scoring jobs hand it, into a store without them (every row inserted: input checks, COPY to a
  temp table, diff + insert, ``push_runs``);
- ``upsert_unchanged`` / ``upsert_5pct_changed``: the daily case, the same rows again with none
  / 5 % of the scores changed (diff-only: untouched rows are not rewritten);
- ``upsert_5pct_changed_from_dicts``: the same daily case from a list of dicts (the first
  rows again: the 5 % change reverted);
- ``input_validation_in_python``: ``cmp_store.normalise_rows`` alone on the DataFrame and on the
  dicts, a share of every upsert that the COPY legs (prebuilt tuples) do not pay.

Throughput ratio = COPY seconds / upsert seconds (1.0 = as fast as COPY). Then a second process
pushes the N rows twice with 20 % of scores changed each time while this one reads one random
customer's scores (``SELECT .. WHERE customer_id = %s``, the CMP's query, one connection) in a
bounded loop; p50/p98/p99/max latency of the reads made while the pusher ran. Benchmark rows
use their own model name and are deleted at the end. Writes
``benchmarks/results/cmp_push.json``; never asserts on time. The host is shared, so the load
average before and after is recorded.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_generate import machine  # noqa: E402

from pipelines.config import load_settings  # noqa: E402
from pipelines.logs import configure_logging  # noqa: E402
from pipelines.publish import bulk, cmp_store  # noqa: E402
from pipelines.services import postgres  # noqa: E402

log = logging.getLogger("bench_cmp_push")
MODEL = "bench_cmp_push"
RESULT = REPO / "benchmarks" / "results" / "cmp_push.json"


def score_rows(n: int, changed: float = 0.0, seed: int = 0) -> list[dict]:
    """N score rows; a ``changed`` share of them gets a different score (seeded)."""
    r = random.Random(seed)
    return [{"customer_id": f"B{i:08d}", "model_name": MODEL, "model_version": "1",
             "score": round((i % 1000) / 1000 + (0.0005 if r.random() < changed else 0), 6)}
            for i in range(n)]


def clean(settings) -> None:
    with postgres.connect(settings, autocommit=True) as conn:
        cmp_store.ensure_schema(conn)
        conn.execute("DELETE FROM customer_scores WHERE model_name = %s", (MODEL,))
        conn.execute("DELETE FROM push_runs WHERE run_id LIKE 'bench-%'")
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute("VACUUM customer_scores")


def copy_empty(settings, rows: list[dict], binary: bool = False) -> float:
    """Seconds to COPY ``rows`` into a fresh table with customer_scores' columns and key."""
    now = datetime.now(UTC)
    tuples = [(r["customer_id"], r["model_name"], r["model_version"], r["score"], now, "bench")
              for r in rows]
    with postgres.connect(settings, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute("CREATE TABLE bench_copy (LIKE customer_scores INCLUDING ALL)")
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            bulk.copy_rows(cur, "bench_copy", cmp_store.COLUMNS, tuples,
                           cmp_store.COPY_TYPES if binary else None)
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_copy")
    return elapsed


def timed_push(settings, rows: list[dict], run_id: str) -> tuple[float, dict]:
    started = time.perf_counter()
    result = cmp_store.push_scores(settings, rows, run_id)
    return time.perf_counter() - started, result.__dict__


def timed_normalise(rows) -> float:
    """Seconds of the push's input checks alone (column-wise for a DataFrame)."""
    started = time.perf_counter()
    cmp_store.normalise_rows(rows, "bench", datetime.now(UTC))
    return time.perf_counter() - started


def _pusher(n: int, pushes: int, started, done) -> None:
    """Second process: ``pushes`` pushes of N rows, 20 % changed each (bounded)."""
    settings = load_settings()
    started.set()
    for k in range(pushes):
        cmp_store.push_scores(settings, score_rows(n, changed=0.2, seed=100 + k), f"bench-c{k}")
    done.set()


def reads_under_push(settings, n: int, max_reads: int, pushes: int) -> dict:
    """Latency of the CMP's per-customer read while another process pushes."""
    ctx = mp.get_context("spawn")
    started, done = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_pusher, args=(n, pushes, started, done))
    r = random.Random(7)
    latencies: list[float] = []
    with postgres.connect(settings, autocommit=True) as conn:
        query = ("SELECT model_name, model_version, score, scored_at FROM customer_scores"
                 " WHERE customer_id = %s")
        conn.execute(query, ("B00000000",), prepare=True).fetchall()
        proc.start()
        started.wait(120)
        while not done.is_set() and len(latencies) < max_reads:
            key = f"B{r.randrange(n):08d}"
            t0 = time.perf_counter()
            rows = conn.execute(query, (key,), prepare=True).fetchall()
            latencies.append((time.perf_counter() - t0) * 1000)
            assert rows, key
            time.sleep(0.002)  # a CMP front end, not a tight loop: leave the CPU to the pusher
    proc.join(900)
    ms = sorted(latencies)
    pick = lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 3)  # noqa: E731
    return {"reads": len(ms), "pusher_finished": done.is_set(), "concurrent_pushes": pushes,
            "p50_ms": pick(0.50), "p98_ms": pick(0.98), "p99_ms": pick(0.99),
            "max_ms": round(ms[-1], 3), "mean_ms": round(statistics.fmean(ms), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=200_000)
    parser.add_argument("--concurrent-pushes", type=int, default=2)
    args = parser.parse_args()
    configure_logging()
    settings = load_settings()
    load_before = os.getloadavg()
    clean(settings)
    rows = score_rows(args.rows)
    frame = pd.DataFrame(rows)  # what the scoring jobs pass (ml/propensity/score.py)
    copy_s = copy_empty(settings, rows)
    copy_bin_s = copy_empty(settings, rows, binary=True)
    first_s, first = timed_push(settings, frame, "bench-first")
    same_s, same = timed_push(settings, frame, "bench-same")
    validate_s = timed_normalise(frame)
    validate_dicts_s = timed_normalise(rows)
    changed_s, changed = timed_push(settings, pd.DataFrame(score_rows(args.rows, 0.05, seed=1)),
                                    "bench-5pct")
    dicts_s, dicts = timed_push(settings, rows, "bench-5pct-d")  # the 5 % change back
    reads = reads_under_push(settings, args.rows, args.reads, args.concurrent_pushes)
    clean(settings)
    ratio = lambda s: round(copy_s / s, 3)  # noqa: E731
    strict = lambda s: round(copy_bin_s / s, 3)  # noqa: E731
    leg = lambda s, counts: {"seconds": round(s, 2), "vs_copy_throughput": ratio(s),  # noqa: E731
                             "vs_binary_copy_throughput": strict(s), "counts": counts}
    result = {
        "rows": args.rows, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "copy_empty": {"seconds": round(copy_s, 2), "rows_per_s": round(args.rows / copy_s),
                       "format": "text, write_row per prebuilt tuple"},
        "copy_empty_binary": {"seconds": round(copy_bin_s, 2),
                              "rows_per_s": round(args.rows / copy_bin_s),
                              "format": "binary with set_types, write_row per prebuilt tuple"},
        "upsert_first": leg(first_s, first),
        "upsert_unchanged": leg(same_s, same),
        "upsert_5pct_changed": leg(changed_s, changed),
        "upsert_5pct_changed_from_dicts": leg(dicts_s, dicts),
        "input_validation_in_python": {
            "dataframe_seconds": round(validate_s, 2),
            "dicts_seconds": round(validate_dicts_s, 2),
            "note": "part of every upsert above (cmp_store.normalise_rows on the 1M-row input), "
                    "absent from the COPY legs, which write prebuilt tuples"},
        "read_one_customer_under_concurrent_push": reads,
        "aims": {"upsert_vs_copy_throughput": ">= 0.5", "read_p98_ms": "<= 10",
                 "note": "vs_copy_throughput: against copy_empty (text COPY, the floor first "
                         "measured); vs_binary_copy_throughput: against copy_empty_binary, the "
                         "wire format the push itself uses"},
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "machine": machine(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    log.info("wrote %s:\n%s", RESULT, json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
