"""`lakehouse setup`: everything a fresh machine needs after the venv, each step idempotent."""

from __future__ import annotations

import logging
import time

from pipelines.config import Settings

log = logging.getLogger(__name__)


def setup_all(settings: Settings) -> dict[str, float]:
    """Delta JARs, Trino, PostgreSQL, Airflow DB; return seconds per step."""
    from pipelines.services import postgres, trino
    from pipelines.setup.airflow import migrate_db
    from pipelines.setup.jars import ensure_delta_jars

    timings: dict[str, float] = {}
    for name, step in (("delta_jars", ensure_delta_jars), ("trino", trino.install),
                       ("postgres", postgres.install), ("airflow_db", migrate_db)):
        started = time.monotonic()
        step(settings)
        timings[name] = round(time.monotonic() - started, 1)
        log.info("setup %s: ready in %.1fs", name, timings[name])
    return timings
