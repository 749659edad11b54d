"""Customer 360 and timeline point lookups through Trino at N customers: p50 / p98 latency.

Usage (after `make run`, or any run that built gold in that environment):
    LAKEHOUSE_ENV=local .venv/bin/python benchmarks/bench_trino_lookup.py --customers 100000

The built ``gold.customer_360`` and ``gold.fct_customer_timeline`` are scaled to N customers by
replicating their rows under new customer ids (the generator at 100k customers plus the whole
job takes hours on this machine; the lookup cost depends on the table's size and layout, not on
where the rows came from). The copies are written with the same layout as the dbt marts
(Delta, ``OPTIMIZE ... ZORDER BY (customer_id)``), registered in Trino as ``bench.*`` and read
with the same queries the CMP and the notebooks use. Writes
``benchmarks/results/trino_lookup_<N>.json``; never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_generate import machine  # noqa: E402

from pipelines.config import load_settings  # noqa: E402
from pipelines.logs import configure_logging  # noqa: E402

log = logging.getLogger("bench_trino_lookup")
TABLES = ("customer_360", "fct_customer_timeline")


def scale_table(spark, settings, table: str, customers: int, target: Path) -> int:
    """Write ``gold.<table>`` replicated to ``customers`` distinct ids at ``target``; rows."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    source = spark.read.format("delta").load(str(settings.path("paths.lake") / "gold" / table))
    base = source.select("customer_id").distinct().count()
    copies = -(-customers // base)
    ids = source.select("customer_id").distinct().withColumn(
        "_n", F.row_number().over(Window.orderBy("customer_id")) - 1)
    replicas = spark.range(copies).withColumnRenamed("id", "_copy")
    scaled = (source.join(ids, "customer_id").crossJoin(replicas)
              .withColumn("_new", F.col("_copy") * base + F.col("_n"))
              .where(F.col("_new") < customers)
              .withColumn("customer_id", F.format_string("C%09d", F.col("_new") + 1))
              .drop("_copy", "_n", "_new"))
    scaled.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(
        str(target))
    spark.sql(f"optimize delta.`{target}` zorder by (customer_id)")
    return spark.read.format("delta").load(str(target)).count()


def timed(connection, sql: str, params: list) -> float:
    """Milliseconds for one query and its rows, on an open connection (a service keeps one)."""
    cursor = connection.cursor()
    start = time.perf_counter()
    cursor.execute(sql, params)
    cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    configure_logging()
    settings = load_settings()
    from pipelines.services import trino
    from pipelines.spark import get_spark

    spark = get_spark(settings)
    root = settings.path("paths.lake") / "bench"
    rows = {}
    for table in TABLES:
        start = time.perf_counter()
        rows[table] = scale_table(spark, settings, table, args.customers, root / table)
        log.info("bench.%s: %d rows written in %.1fs", table, rows[table],
                 time.perf_counter() - start)
        trino.register_delta_table(settings, "bench", table, root / table)
    catalog = settings.get("trino.catalog")
    queries = {
        "customer_360_by_id": f"select * from {catalog}.bench.customer_360 where customer_id = ?",
        "timeline_by_id": f"select * from {catalog}.bench.fct_customer_timeline "
                          f"where customer_id = ? order by sequence_no",
    }
    rng = random.Random(7)
    results = {}
    connection = trino.connect(settings)
    for name, sql in queries.items():
        for _ in range(10):  # warm-up: plan cache, metadata, JIT
            timed(connection, sql, [f"C{rng.randint(1, args.customers):09d}"])
        times = [timed(connection, sql, [f"C{rng.randint(1, args.customers):09d}"])
                 for _ in range(args.lookups)]
        results[name] = {"p50_ms": round(percentile(times, 50), 1),
                         "p98_ms": round(percentile(times, 98), 1),
                         "max_ms": round(max(times), 1), "lookups": len(times)}
        log.info("%s: %s", name, results[name])
    connection.close()
    load = os.getloadavg()
    out = REPO / "benchmarks" / "results" / f"trino_lookup_{args.customers}.json"
    out.write_text(json.dumps({
        "benchmark": "trino point lookups by customer_id",
        "customers": args.customers, "rows": rows, "results": results,
        "sla_p98_ms": 700, "aim_p98_ms": 100,
        "layout": "Delta, OPTIMIZE ZORDER BY (customer_id), Trino delta_lake connector",
        "load_average_1_5_15": [round(x, 1) for x in load],
        "machine": machine(), "finished_at": datetime.now(UTC).isoformat(),
    }, indent=2) + "\n")
    log.info("results written to %s", out)


if __name__ == "__main__":
    main()
