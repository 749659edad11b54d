"""Synthetic airline source feeds that look and misbehave like real ones, with ground truth apart.

``generate`` is the one entry point (CLI, Airflow DAG and tests call it). It writes
``<out>/landing/<source>/<source>_<YYYY-MM-DD>.<ext>`` and ``<out>/ground_truth/``; pipeline code
reads only ``landing``. The same seed gives byte-identical files, and ``day=k`` writes exactly the
files batch ``k`` of a full run delivers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.generate.settings import Activity, DirtRates, load_generator_config
from pipelines.generate.summary import GenerationSummary

__all__ = ["Activity", "DirtRates", "GenerationSummary", "generate", "load_generator_config"]


def generate(out: Path, customers: int, days: int, seed: int, start_date: date,
             dirt: DirtRates | None = None, day: int | None = None, *,
             activity: Activity | None = None, workers: int | None = None) -> GenerationSummary:
    """Write the feeds of all days (``day=None``) or only batch ``day`` (1-based) under ``out``.

    Args:
        out: output root; ``landing/`` and ``ground_truth/`` are created below it.
        customers: number of true people.
        days: length of the simulated window (needed with ``day`` too: it bounds late files).
        seed: the whole output is a function of the arguments and this seed.
        start_date: date of day 1.
        dirt: dirt rates; ``None`` reads ``conf/generator.yaml`` (defaults if absent).
        day: emit only this batch: the day's on-time files plus the previous day's late ones.
        activity: behaviour rates; ``None`` reads ``conf/generator.yaml``.
        workers: processes rendering shards; ``None`` uses the available cores.
    """
    from pipelines.errors import LakehouseError
    from pipelines.generate import engine

    if dirt is None or activity is None:
        conf_dirt, conf_activity = load_generator_config()
        dirt, activity = dirt or conf_dirt, activity or conf_activity
    if day is not None and not 1 <= day <= days:
        raise LakehouseError(f"day {day} is outside 1..{days}", "pass --day between 1 and --days")
    batches = list(range(1, days + 1)) if day is None else [day]
    return engine.run(Path(out), customers, days, seed, start_date, dirt, activity, batches,
                      workers or engine.default_workers())
