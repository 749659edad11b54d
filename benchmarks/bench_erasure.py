"""Time per GDPR erasure: erase N customers of a built lake, one at a time, per phase.

Usage (destructive: the customers are really erased; use a scratch environment, never local):
    LAKEHOUSE_ENV=scratch_b .venv/bin/python benchmarks/bench_erasure.py --customers 1

Picks the customers with the most timeline events (the most tables to clean), runs
``privacy.erasure.erase_customer`` and records the certificate's ``timings_s`` (find, exclusions
and PostgreSQL, keys, silver, bronze, gold, identity, VACUUM), the tables touched and the host
load, in ``benchmarks/results/erasure.json``. Never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_generate import machine  # noqa: E402

from pipelines.config import load_settings  # noqa: E402
from pipelines.logs import configure_logging  # noqa: E402

REFUSED_ENVS = ("local", "test")


def busiest_customers(spark, settings, n: int) -> list[str]:
    from pipelines.spark import table_path

    timeline = spark.read.format("delta").load(
        str(table_path(settings, "gold", "fct_customer_timeline")))
    return [r["customer_id"] for r in timeline.groupBy("customer_id").count()
            .orderBy("count", ascending=False).limit(n).collect()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1)
    args = parser.parse_args()
    configure_logging()
    settings = load_settings()
    if settings.env in REFUSED_ENVS:
        raise SystemExit(f"refusing to erase customers in env {settings.env}: use a scratch env")
    from pipelines.spark import get_spark
    from privacy.erasure import erase_customer

    spark = get_spark(settings)
    runs = []
    for cid in busiest_customers(spark, settings, args.customers):
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        cert = erase_customer(spark, settings, cid, f"BENCH-{cid}-{int(time.time())}",
                              "bench").certificate
        runs.append({"seconds": round(time.perf_counter() - t0, 1),
                     "phases_s": cert["timings_s"], "tables": len(cert["delta_tables"]),
                     "rows_deleted": sum(t["rows"] for t in cert["delta_tables"]),
                     "records_found": cert["records_found"],
                     "load_avg_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)]})
    result = {"benchmark": "gdpr_erasure", "env": settings.env,
              "finished_at": datetime.now(UTC).isoformat(), "machine": machine(), "runs": runs,
              "note": "find = seconds - sum(phases); a shared 2-core host, see load_avg_1m"}
    out = REPO / "benchmarks" / "results" / "erasure.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))  # noqa: T201 - the benchmark's report


if __name__ == "__main__":
    main()
