"""What a benchmark stage spent its time on, from Spark's event log (``spark.eventLog.enabled``).

``bench_pipeline.py`` records each stage's start and end; this module reads the event log the
bench session wrote and, per stage window, counts Spark jobs, stages and tasks, the time at least
one Spark job was running (the union of job intervals), executor run and CPU time, GC and the
longest Spark stages by name. Wall time with no Spark job running is driver-side work: Python
(pandas, scikit-learn, Splink's Python), Delta log reads and commits, planning, service calls.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WANTED = tuple(f'{{"Event":"SparkListener{kind}"' for kind in
               ("JobStart", "JobEnd", "StageCompleted", "TaskEnd"))


def _open(path: Path):
    """Text lines of an event-log file; Spark 4 compresses them with zstd by default."""
    import io

    if path.suffix != ".zstd":
        return path.open(encoding="utf-8", errors="replace")
    import zstandard

    reader = zstandard.ZstdDecompressor().stream_reader(path.open("rb"), read_across_frames=True)
    return io.TextIOWrapper(reader, encoding="utf-8", errors="replace")


def read_events(folder: Path) -> list[dict[str, Any]]:
    """Every event of every event-log file under ``folder`` (plain or rolling layout)."""
    events = []
    for path in sorted(p for p in folder.rglob("events_*") if p.is_file()):
        with _open(path) as handle:
            for line in handle:
                if not line.startswith(WANTED):
                    continue  # SQL plans and block updates: most of the bytes, none needed
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue  # the last line of a log still being written
                if isinstance(event, dict):
                    events.append(event)
    return events


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Total length of the union of ``(start, end)`` intervals (pure; unit-tested)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def summarise(events: list[dict[str, Any]], start_ms: float, end_ms: float) -> dict[str, Any]:
    """Spark activity between ``start_ms`` and ``end_ms`` (epoch milliseconds)."""
    jobs: dict[int, list[float]] = {}
    stages, tasks = [], {"count": 0, "run_ms": 0, "cpu_ns": 0, "gc_ms": 0}
    for event in events:
        kind = event.get("Event")
        if kind == "SparkListenerJobStart" and start_ms <= event["Submission Time"] <= end_ms:
            jobs[event["Job ID"]] = [event["Submission Time"], event["Submission Time"]]
        elif kind == "SparkListenerJobEnd" and event["Job ID"] in jobs:
            jobs[event["Job ID"]][1] = event["Completion Time"]
        elif kind == "SparkListenerStageCompleted":
            info = event["Stage Info"]
            if start_ms <= info.get("Submission Time", 0) <= end_ms:
                stages.append((info["Completion Time"] - info["Submission Time"],
                               info["Stage Name"], info["Number of Tasks"]))
        elif kind == "SparkListenerTaskEnd":
            info, metrics = event["Task Info"], event.get("Task Metrics") or {}
            if start_ms <= info["Launch Time"] <= end_ms:
                tasks["count"] += 1
                tasks["run_ms"] += metrics.get("Executor Run Time", 0)
                tasks["cpu_ns"] += metrics.get("Executor CPU Time", 0)
                tasks["gc_ms"] += metrics.get("JVM GC Time", 0)
    # clipped to the window: a job that ends after the stage (a streaming query's) counts once
    busy = union_seconds([(a / 1000, min(b, end_ms) / 1000) for a, b in jobs.values()])
    wall = (end_ms - start_ms) / 1000
    top = sorted(stages, reverse=True)[:5]
    return {"spark_jobs": len(jobs), "spark_stages": len(stages), "tasks": tasks["count"],
            "seconds_with_a_spark_job_running": round(busy, 1),
            "share_driver_side": round(1 - busy / wall, 2) if wall else None,
            "executor_run_seconds": round(tasks["run_ms"] / 1000, 1),
            "executor_cpu_seconds": round(tasks["cpu_ns"] / 1e9, 1),
            "gc_seconds": round(tasks["gc_ms"] / 1000, 1),
            "longest_spark_stages": [{"seconds": round(ms / 1000, 1), "name": name,
                                      "tasks": n} for ms, name, n in top]}


def profile_stages(folder: Path, stages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``summarise`` for every bench stage that has ``start_epoch`` and ``seconds``."""
    events = read_events(folder)
    return {name: summarise(events, entry["start_epoch"] * 1000,
                            (entry["start_epoch"] + entry["seconds"]) * 1000)
            for name, entry in stages.items() if "start_epoch" in entry and "seconds" in entry}
