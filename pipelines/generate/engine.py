"""Run the generator: plan which files each batch delivers, render shards, stream them to disk.

Customers are cut into fixed-size shards; each shard is rendered independently (in a worker
process when there are several) and its bytes are appended to the day files in shard order, so
memory stays at a few shards' worth and the output does not depend on the number of workers.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

from pipelines.errors import LakehouseError
from pipelines.generate.feeds import REGISTRY
from pipelines.generate.seeding import stream
from pipelines.generate.settings import Activity, DirtRates
from pipelines.generate.sink import DIRT_HEADER, LINKS_HEADER, Sink, truth_path
from pipelines.generate.summary import GenerationSummary
from pipelines.generate.world import World


@dataclass(frozen=True)
class Job:
    seed: int
    shard: int
    size: int
    start: date
    rates: DirtRates
    activity: Activity
    plan: tuple[tuple[str, tuple[int, ...]], ...]  # (feed source, file days to render)


def is_late(seed: int, source: str, day: int, rates: DirtRates) -> bool:
    """Whether ``source``'s file of ``day`` arrives with the next batch (day 1 is never late)."""
    if day <= 1 or source == "persons":
        return False
    return bool(stream(seed, "late:" + source, 0, day).random() < rates.late_file)


def plan_days(seed: int, days: int, batches: list[int], rates: DirtRates) -> dict[str, list[int]]:
    """File days each feed renders for the requested batches."""
    wanted = set(batches)
    plan = {}
    for feed in REGISTRY:
        plan[feed.SOURCE] = [
            d for d in range(1, days + 1)
            if (d in wanted and not is_late(seed, feed.SOURCE, d, rates))
            or (d + 1 in wanted and is_late(seed, feed.SOURCE, d, rates))
        ]
    return plan


def render_shard(job: Job) -> Sink:
    """Everything one shard contributes to the requested files (runs in a worker)."""
    last_day = max((d for _, days in job.plan for d in days), default=1)
    world = World(job.seed, job.shard, job.size, job.start, job.rates, job.activity, last_day)
    sink = Sink(job.rates)
    feeds = {feed.SOURCE: feed for feed in REGISTRY}
    for source, file_days in job.plan:
        for day in file_days:
            feeds[source].render(world, day, sink)
    return sink


def _headers(feed: ModuleType, day: int, start: date, rates: DirtRates) -> dict[str, str]:
    headers = dict(feed.files(day, start + timedelta(days=day - 1), rates))
    for relpath in list(headers):
        if relpath.startswith("landing/"):
            name = relpath.rsplit("/", 1)[1]
            headers[truth_path("links", name)] = LINKS_HEADER
            headers[truth_path("dirt", name)] = DIRT_HEADER
    return headers


def _shards(customers: int, shard_size: int) -> Iterator[tuple[int, int]]:
    for shard in range(math.ceil(customers / shard_size)):
        yield shard, min(shard_size, customers - shard * shard_size)


def _results(jobs: list[Job], workers: int) -> Iterator[Sink]:
    if workers <= 1 or len(jobs) <= 1:
        yield from map(render_shard, jobs)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, maxtasksperchild=50) as pool:
        yield from pool.imap(render_shard, jobs, chunksize=1)


def run(out: Path, customers: int, days: int, seed: int, start: date, rates: DirtRates,
        activity: Activity, batches: list[int], workers: int) -> GenerationSummary:
    if customers <= 0 or days <= 0:
        raise LakehouseError(f"customers ({customers}) and days ({days}) must be positive",
                             "pass --customers N --days D with N, D >= 1")
    began = time.perf_counter()
    plan = plan_days(seed, days, batches, rates)
    headers: dict[str, str] = {}
    file_source: dict[str, str] = {}
    for feed in REGISTRY:
        for day in plan[feed.SOURCE]:
            for relpath, header in _headers(feed, day, start, rates).items():
                headers[relpath] = header
                file_source[relpath] = feed.SOURCE
    for relpath, header in headers.items():  # truncate: a rerun replaces the day's files
        target = out / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(header.encode("utf-8"))
    steps = tuple((source, tuple(days_)) for source, days_ in plan.items() if days_)
    jobs = [Job(seed, shard, size, start, rates, activity, steps)
            for shard, size in _shards(customers, activity.shard_size)]
    records: dict[str, int] = defaultdict(int)
    for sink in _results(jobs, workers):
        for relpath, chunks in sink.files.items():
            if relpath not in headers:
                raise RuntimeError(f"feed wrote undeclared file {relpath}")
            with (out / relpath).open("ab") as handle:
                handle.writelines(chunks)
        for source, count in sink.counts.items():
            records[source] += count
    manifest = _manifest(out, seed, days, start, batches, rates)
    landing = [r for r in headers if r.startswith("landing/")]
    return GenerationSummary.build(out, customers, days, seed, start, batches, landing,
                                   file_source, dict(records), manifest,
                                   time.perf_counter() - began)


def _manifest(out: Path, seed: int, days: int, start: date, batches: list[int],
              rates: DirtRates) -> list[dict[str, object]]:
    """Write ``ground_truth/batches/batch_<date>.json``: which file days arrived in each batch."""
    late = []
    for batch in batches:
        delivered = []
        for feed in REGISTRY:
            for d in (batch - 1, batch):
                if d < 1 or d > days or feed.SOURCE == "persons":
                    continue
                late_file = is_late(seed, feed.SOURCE, d, rates)
                if (d == batch) != late_file:
                    day_date = (start + timedelta(days=d - 1)).isoformat()
                    delivered.append({"source": feed.SOURCE, "file_date": day_date,
                                      "late": late_file})
                    if late_file:
                        late.append(delivered[-1])
        path = out / "ground_truth" / "batches" / f"batch_{start + timedelta(days=batch - 1)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"batch": batch, "delivered": delivered}, indent=1) + "\n")
    return late


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))
