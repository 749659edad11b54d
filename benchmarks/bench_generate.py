"""Benchmark the feed generator at scale and record the figures (never asserts on time).

Usage:
    .venv/bin/python benchmarks/bench_generate.py --customers 1000000 --days 4

Writes ``benchmarks/results/generate_<N>.json`` with the machine, wall seconds, records per
source, bytes written and the peak RSS of the parent and of the worker processes. The target in
the issue is 1M customers in at most 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipelines.generate import generate  # noqa: E402

log = logging.getLogger("bench_generate")


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                      .splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    return {"cpu_model": cpu, "cores_available": len(os.sched_getaffinity(0)),
            "memory_gb": round(mem_kb / 1024 / 1024, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def _bytes(root: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in root.rglob("*"):
        if path.is_file():
            top = path.relative_to(root).parts[0]
            sizes[top] = sizes.get(top, 0) + path.stat().st_size
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="keep output here (else temp)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_generate_"))
    began = time.perf_counter()
    summary = generate(out, args.customers, args.days, args.seed, date(2026, 1, 1),
                       workers=args.workers)
    seconds = time.perf_counter() - began
    sizes = _bytes(out)
    result = {
        "benchmark": "generate", "measured_at": datetime.now(timezone.utc).isoformat(),
        "customers": args.customers, "days": args.days, "seed": args.seed,
        "workers": args.workers or len(os.sched_getaffinity(0)), "machine": machine(),
        "wall_seconds": round(seconds, 1), "target_seconds_for_1m": 600,
        "records": summary.records, "total_records": summary.total_records,
        "records_per_second": round(summary.total_records / seconds),
        "bytes": sizes, "files": summary.files,
        "peak_rss_mb": {
            "parent": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "largest_worker": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        },
    }
    target = REPO / "benchmarks" / "results" / f"generate_{args.customers}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(result, indent=2))
    log.info("written to %s", target)
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
