"""30M-customer estimate per stage from the measured growth (``pipeline_<N>.json``).

An extrapolation from small sizes, with its assumptions in the output:

- per stage, time = fixed + per_customer x N, fitted through the two largest measured sizes
  (fixed = JVM and Delta commit overheads, which dominate at a few thousand customers);
- the growth exponent k of the same two points, log(t2/t1) / log(n2/n1), is shown too: k < 1
  means the small sizes still hide the per-customer cost, so the linear line is a floor;
- on the cluster, the parallel share of a stage's per-customer cost runs ``cores / measured
  cores x efficiency`` times faster; the parallel share is the time a Spark job was running
  (event log) where measured, else the default below; driver-side work does not speed up.

Usage: ``.venv/bin/python benchmarks/estimate.py [--customers 30000000 --cores 160]``
-> ``benchmarks/results/estimate_30m_<metric>.json``.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_PARALLEL_SHARE = 0.8
NOT_SPARK = {"generate": 1.0}  # the generator parallelises over processes, not Spark


def fit(points: list[tuple[int, float]]) -> dict[str, float] | None:
    """Fixed seconds, seconds per customer and exponent through the two largest sizes (pure)."""
    if len(points) < 2:
        return None
    (n1, t1), (n2, t2) = sorted(points)[-2:]
    per = max((t2 - t1) / (n2 - n1), 0.0)
    return {"fixed_s": round(t1 - per * n1, 2), "per_customer_s": per,
            "exponent": round(math.log(t2 / t1) / math.log(n2 / n1), 2) if t1 > 0 else None}


def project(model: dict[str, float], customers: int, speedup: float, parallel: float) -> float:
    """Seconds at ``customers`` with the parallel share of the variable part sped up (pure)."""
    variable = model["per_customer_s"] * customers
    return max(model["fixed_s"], 0.0) + variable * (1 - parallel) + variable * parallel / speedup


def cost(result: dict, stage: str, metric: str) -> float:
    """Wall seconds, or CPU seconds (driver Python + Spark executors: what the stage costs
    whatever the neighbours do on a shared host; the generator's worker processes are not
    counted, so it keeps wall seconds)."""
    entry = result["stages"][stage]
    spark = result.get("spark_event_log", {}).get(stage)
    if metric == "seconds" or stage in NOT_SPARK or spark is None:
        return entry["seconds"]
    return entry["python_cpu_seconds"] + spark["executor_cpu_seconds"]


def estimate(results: list[dict], customers: int, cores: int, efficiency: float,
             metric: str = "seconds") -> dict:
    measured_cores = results[-1]["machine"]["cores_available"]
    speedup = max(cores / measured_cores * efficiency, 1.0)
    profile = results[-1].get("spark_event_log", {})
    stages: dict[str, dict] = {}
    names = {n for r in results for n in r["stages"]}
    for name in sorted(names):
        points = [(r["customers"], cost(r, name, metric)) for r in results
                  if name in r["stages"] and "error" not in r["stages"][name]]
        model = fit(points)
        if model is None:
            continue
        if name in NOT_SPARK:
            parallel = NOT_SPARK[name]
        elif name in profile and profile[name].get("share_driver_side") is not None:
            parallel = 1 - profile[name]["share_driver_side"]
        else:
            parallel = DEFAULT_PARALLEL_SHARE
        stages[name] = {**model, "parallel_share": round(parallel, 2),
                        "single_node_hours": round(project(model, customers, 1, 0) / 3600, 1),
                        "cluster_hours": round(project(model, customers, speedup, parallel)
                                               / 3600, 2)}
    return {"customers": customers, "metric": metric, "cluster_cores": cores,
            "measured_cores": measured_cores,
            "efficiency": efficiency, "speedup_of_parallel_work": round(speedup, 1),
            "sizes_measured": sorted(r["customers"] for r in results), "stages": stages,
            "total_single_node_hours": round(sum(s["single_node_hours"]
                                                 for s in stages.values()), 1),
            "total_cluster_hours": round(sum(s["cluster_hours"] for s in stages.values()), 2),
            "assumptions": __doc__.split("\n\n")[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=30_000_000)
    parser.add_argument("--cores", type=int, default=160, help="executor cores (conf/cluster.yaml)")
    parser.add_argument("--efficiency", type=float, default=0.5)
    parser.add_argument("--metric", choices=("seconds", "cpu"), default="seconds",
                        help="cpu: driver + executor CPU seconds (robust to a busy host)")
    args = parser.parse_args()
    results = sorted((json.loads(p.read_text()) for p in RESULTS.glob("pipeline_[0-9]*.json")),
                     key=lambda r: r["customers"])
    out = RESULTS / f"estimate_30m_{args.metric}.json"
    out.write_text(json.dumps(estimate(results, args.customers, args.cores, args.efficiency,
                                       args.metric), indent=2) + "\n")
    print(out)  # noqa: T201


if __name__ == "__main__":
    main()
