"""Bronze for many sources at once: a few streaming queries in parallel, one verdict at the end.

Most of a small source's ingestion time is fixed per-query overhead (planning, Delta log reads,
commits) rather than work, so running a few sources side by side in the one Spark session
shortens the step. The shared quarantine and ledger tables are created first, so the parallel
queries only ever append to them. Every source is attempted even if one fails to reconcile; the
step then fails naming all of them, so one bad feed neither hides nor blocks the others.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from pipelines.bronze.ingest import IngestReport, stream_source
from pipelines.bronze.reconcile import check, count_back, ensure_shared_tables, ledger_files
from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.sources import load_source

log = logging.getLogger(__name__)
DEFAULT_PARALLEL = 3


def ingest_all(spark, settings: Settings, sources: list[str] | tuple[str, ...],
               parallel: int | None = None) -> dict[str, IngestReport]:
    """Ingest ``sources`` (names of ``conf/sources`` specs); raise if any does not reconcile."""
    specs = [load_source(name) for name in sources]  # a typo fails before any work starts
    ensure_shared_tables(spark, settings)
    ingested = ledger_files(spark, settings)
    parallel = parallel or int(settings.get("bronze.parallel", DEFAULT_PARALLEL))
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="bronze") as pool:
        futures = {spec.source: pool.submit(stream_source, spark, settings, spec,
                                            ingested.setdefault(spec.source, set()))
                   for spec in specs}
    reports, failures = {}, {}
    for name, future in futures.items():
        try:
            reports[name] = future.result()
        except Exception as exc:  # collected, and re-raised below with the others
            failures[name] = exc
            log.error("bronze %s failed: %s", name, exc)
    count_back(spark, settings, [(s, reports[s.source]) for s in specs if s.source in reports])
    for name, report in reports.items():
        try:
            check(report)
        except LakehouseError as exc:
            failures[name] = exc
    if failures:
        raise LakehouseError(
            "bronze failed for " + "; ".join(f"{n}: {e}" for n, e in failures.items()),
            "see the log above; sources that reconciled were still ingested",
        ) from next(iter(failures.values()))
    return reports
