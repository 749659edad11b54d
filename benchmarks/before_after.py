"""One stage of two bench runs on the same data, side by side: a fix's before and after.

Usage (the before run's JSON copied aside before ``bench_pipeline.py --from <stage>`` rewrote it)::

    .venv/bin/python benchmarks/before_after.py --stage identity \
        --before /tmp/pipeline_2000_before.json --after benchmarks/results/pipeline_2000.json \
        --change "EM on DuckDB in memory, prediction on Spark" \
        --out benchmarks/results/worst_stage_identity.json

Keeps per side: the stage's figures (seconds, peak RSS, accuracy), its Spark event-log summary
(jobs, stages, GC, longest stages), the py-spy summary when there is one, the code revision and
the load average; then after/before ratios of seconds, Spark jobs and GC.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def side(report: dict[str, Any], stage: str, label: str) -> dict[str, Any]:
    entry = dict(report["stages"].get(stage) or {})
    entry.pop("start_epoch", None)
    return {"label": label, "run_started_at": report.get("started_at"),
            "resumed_from": report.get("resumed_from"), "customers": report.get("customers"),
            "load_average_start": report.get("load_average_start"), "stage": entry,
            "spark_event_log": (report.get("spark_event_log") or {}).get(stage),
            "py_spy": (report.get("py_spy") or {}).get(stage)}


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float | None]:
    def ratio(path: tuple[str, str]) -> float | None:
        a = (after.get(path[0]) or {}).get(path[1])
        b = (before.get(path[0]) or {}).get(path[1])
        return round(a / b, 4) if a is not None and b else None

    return {"seconds_after_over_before": ratio(("stage", "seconds")),
            "spark_jobs_after_over_before": ratio(("spark_event_log", "spark_jobs")),
            "gc_after_over_before": ratio(("spark_event_log", "gc_seconds")),
            "peak_rss_after_over_before": ratio(("stage", "peak_rss_mb"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--change", required=True, help="what the fix changed, one line")
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--after-label", default="after")
    parser.add_argument("--extra", type=Path, default=None,
                        help="JSON merged into the before side (e.g. a py-spy summary taken "
                             "by hand while that run went on)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    before = side(json.loads(args.before.read_text()), args.stage, args.before_label)
    if args.extra:
        before.update(json.loads(args.extra.read_text()))
    after = side(json.loads(args.after.read_text()), args.stage, args.after_label)
    result = {"stage": args.stage, "change": args.change, "before": before, "after": after,
              "ratios": compare(before, after)}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["ratios"]))  # noqa: T201 - a CLI's one-line answer


if __name__ == "__main__":
    main()
