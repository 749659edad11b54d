"""Timing and peak memory per stage of the main job, for ``bench_pipeline.py``.

The stages are the main job's own step functions (``pipelines.run``); this module only wraps
them. Peak memory is sampled, not read from ``ru_maxrss``: the Spark JVM is a child of this
process (py4j) and lives across stages, so the kernel's high-water mark would only ever show the
first stage's peak. A background thread sums the RSS of this process and all its descendants
every ``interval`` seconds and keeps the maximum since the stage began.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("bench_pipeline")
PATH_KEYS = ("landing", "ground_truth", "lake", "checkpoints", "logs", "reports")


def bench_overrides(var_dir: Path, customers: int, days: int = 3) -> dict[str, Any]:
    """Dotted overrides that move every runtime path of an env under ``var_dir`` and set the size.

    MLflow, dbt, Trino and PostgreSQL state follow ``paths.var`` (``{var}`` in base.yaml), so
    one bench env starts empty: training really trains and the push really inserts.
    """
    overrides: dict[str, Any] = {"paths.var": str(var_dir)}
    overrides.update({f"paths.{key}": str(var_dir / key) for key in PATH_KEYS})
    overrides["generator.customers"] = int(customers)
    overrides["generator.days"] = int(days)  # fixed, not `make run`'s default: sizes compare
    return overrides


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants in MiB (processes that vanish are skipped)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / (1024 * 1024)


class PeakSampler:
    """Background thread keeping the peak of ``measure()`` since the last :meth:`reset`."""

    def __init__(self, measure: Callable[[], float], interval: float = 0.5) -> None:
        self._measure, self._interval = measure, interval
        self._peak = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)

    def sample(self) -> None:
        """Measure now (also called at stage edges, so short stages get a value)."""
        self.observe(self._measure())

    def observe(self, value: float) -> None:
        with self._lock:
            self._peak = max(self._peak, value)

    def reset(self) -> float:
        """Start a new window; return the peak of the window that ends."""
        with self._lock:
            peak, self._peak = self._peak, 0.0
        return peak

    def start(self) -> PeakSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class StageLog:
    """Seconds, CPU seconds of this process and peak tree RSS per named stage, in run order."""

    def __init__(self, sampler: PeakSampler | None,
                 stages: dict[str, dict[str, Any]] | None = None) -> None:
        self.sampler = sampler
        self.stages: dict[str, dict[str, Any]] = {} if stages is None else stages
        self.sub: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[dict[str, Any]]:
        """Time one stage; an exception is recorded (and re-raised) so a partial run says why."""
        entry: dict[str, Any] = {}
        self.stages[name] = entry
        if self.sampler:  # a new window that starts with the size at the stage's start
            self.sampler.reset()
            self.sampler.sample()
        self.sub = {}
        entry["start_epoch"] = round(time.time(), 3)  # to find the stage in Spark's event log
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield entry
        except BaseException as exc:
            entry["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            raise
        finally:
            entry["seconds"] = round(time.perf_counter() - wall, 2)
            entry["python_cpu_seconds"] = round(time.process_time() - cpu, 2)
            if self.sampler:
                self.sampler.sample()
                entry["peak_rss_mb"] = round(self.sampler.reset())
            if self.sub:
                entry["parts_seconds"] = {k: round(v, 2) for k, v in self.sub.items()}
            log.info("stage %s: %s", name, entry)


@contextmanager
def timed_part(stages: StageLog, module: Any, attribute: str, label: str) -> Iterator[None]:
    """Wrap ``module.attribute`` so calls made inside a stage add their seconds to ``label``.

    The main job imports its helpers inside each step's body, so replacing the module attribute
    is seen by the step without changing it (e.g. the CMP push inside ``score_and_push``).
    """
    original = getattr(module, attribute)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            stages.sub[label] = stages.sub.get(label, 0.0) + time.perf_counter() - started

    setattr(module, attribute, wrapper)
    try:
        yield
    finally:
        setattr(module, attribute, original)


def worst_stage(stages: dict[str, dict[str, Any]], skip: tuple[str, ...] = ()) -> str | None:
    """Name of the stage with the most wall seconds (ignoring ``skip``), or None if empty."""
    timed = {k: v["seconds"] for k, v in stages.items() if k not in skip and "seconds" in v}
    return max(timed, key=timed.__getitem__) if timed else None


def ratio(ours: float | None, reference: float | None) -> float | None:
    """``ours / reference`` rounded, or None when either side is missing or zero."""
    if not ours or not reference:
        return None
    return round(ours / reference, 2)
