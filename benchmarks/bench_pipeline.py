"""The main job at N customers, stage by stage, with single-node references on the same data.

Usage (``make bench``; sizes by flag, 10k default):
    LAKEHOUSE_ENV=scratch_a .venv/bin/python benchmarks/bench_pipeline.py --customers 10000

Runs in a bench env derived from ``LAKEHOUSE_ENV``: every path under ``var/<env>/bench_<N>``
(``stages.bench_overrides``), started empty, with its own Trino and PostgreSQL state on the env's
ports (the env's own services must be down: they share the ports). Each stage is the main job's
step function from ``pipelines.run`` (generate, bronze, silver, compensation, identity, quality,
gold, train, score_and_push, nba) plus the daily partner extract, timed with its peak RSS (this
process + the Spark JVM and other children; ``stages.PeakSampler``) and the parts inside a step
(e.g. the PostgreSQL push inside score_and_push). References run between stages on the same data
(``references``): Splink on DuckDB, the gold SQL in DuckDB, COPY, bare MiniLM, Trino lookups.
Writes ``benchmarks/results/pipeline_<N>.json`` after every stage (a partial run still says how
far it got) and the log-log plot ``pipeline_scaling.png`` over every pipeline_*.json. Never
asserts on time; the host is shared, so load averages at start and end are recorded.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import references  # noqa: E402
from bench_generate import machine  # noqa: E402
from stages import (  # noqa: E402
    PeakSampler,
    StageLog,
    bench_overrides,
    ratio,
    timed_part,
    tree_rss_mb,
    worst_stage,
)

from pipelines import run  # noqa: E402
from pipelines.config import Settings, load_settings  # noqa: E402
from pipelines.logs import configure_logging  # noqa: E402

log = logging.getLogger("bench_pipeline")
RESULTS = REPO / "benchmarks" / "results"
EXTRACT_SPEC = "example_partner"


def bench_settings(customers: int, event_log: bool, days: int = 3) -> Settings:
    """The current env's settings moved under ``var/<env>/bench_<N>`` (see module docstring)."""
    base = load_settings()
    var_dir = base.var_dir / f"bench_{customers}"
    overrides = bench_overrides(var_dir, customers, days)
    if event_log:  # Spark event logs for profiling the worst stage (spark.conf keys hold dots)
        overrides["spark.conf"] = {**base.get("spark.conf"), "spark.eventLog.enabled": "true",
                                   "spark.eventLog.dir": f"file://{var_dir / 'spark-events'}"}
    return base.with_overrides(overrides)


def versions(settings: Settings) -> dict[str, str]:
    import dbt.version
    import duckdb
    import pyspark
    import splink
    import sqlglot

    return {"python": sys.version.split()[0], "spark": pyspark.__version__,
            "delta": str(settings.get("spark.delta.version")),
            "trino": str(settings.get("trino.version")), "dbt": dbt.version.__version__,
            "splink": splink.__version__, "duckdb": duckdb.__version__,
            "sqlglot": sqlglot.__version__}


def fresh_services(settings: Settings, keep: bool = False) -> float:
    """Stop this bench env's services, empty its var dir (unless ``keep``: a resumed run),
    install and start Trino + PostgreSQL."""
    from pipelines.services import postgres, trino

    started = time.perf_counter()
    for module in (trino, postgres):
        module.stop(settings)
    if not keep:
        shutil.rmtree(settings.var_dir, ignore_errors=True)
    (settings.var_dir / "spark-events").mkdir(parents=True, exist_ok=True)  # Spark needs it
    trino.install(settings)
    postgres.install(settings)
    for module in (trino, postgres):
        module.start(settings)
    return round(time.perf_counter() - started, 1)


def stop_services(settings: Settings) -> None:
    from pipelines.services import postgres, trino

    for module in (trino, postgres):
        module.stop(settings)


def stage_plan(settings: Settings, run_id: str) -> list[tuple[str, Any, list]]:
    """``(stage, call, parts)``: the main job's steps in run_all order, then the extract."""
    import ml.loyalty_propensity.score as loyalty_score
    import ml.loyalty_propensity.train as loyalty_train
    import ml.propensity.score as propensity_score
    import ml.propensity.train as propensity_train
    import ml.sentiment.score as sentiment_score
    import ml.sentiment.train as sentiment_train
    import pipelines.gold as gold
    import pipelines.identity.accuracy as accuracy
    import pipelines.publish.cmp_store as cmp_store
    import pipelines.publish.trino_catalog as trino_catalog

    return [
        ("generate", lambda: run.step_generate(settings), []),
        ("bronze", lambda: run.step_bronze(settings), []),
        ("silver", lambda: run.step_silver(settings), []),
        ("compensation", lambda: run.step_compensation(settings), []),
        ("identity", lambda: run.step_identity(settings),
         [(accuracy, "identity_accuracy", "accuracy_report")]),
        ("quality", lambda: run.step_quality(settings), []),
        ("gold", lambda: run.step_gold(settings),
         [(gold, "build_gold", "dbt_build_and_docs"),
          (trino_catalog, "publish_gold", "trino_publish"),
          (trino_catalog, "compare_counts", "trino_vs_spark_counts")]),
        ("train", lambda: run.step_train(settings),
         [(loyalty_train, "train_if_needed", "loyalty_model"),
          (sentiment_train, "train_if_needed", "sentiment_model"),
          (propensity_train, "train_models", "propensity_models")]),
        ("score_and_push", lambda: run.step_score_and_push(settings, run_id),
         [(loyalty_score, "score_customers", "loyalty_scoring"),
          (cmp_store, "push_scores", "push_postgres"),
          (sentiment_score, "score_lake", "sentiment_scoring"),
          (propensity_score, "score_and_push", "propensity_score_and_push")]),
        ("nba", lambda: run.step_nba(settings, run_id), []),
        ("partner_extract", lambda: run.step_partner_extract(settings, spec=EXTRACT_SPEC), []),
    ]


def brief(stage: str, result: dict) -> dict:
    """The few figures of a step's report worth keeping next to its time."""
    if stage == "generate":
        return {"landing_records": sum(result.get("records", {}).values())}
    if stage == "bronze":
        return {"landed": sum(r.get("landed", 0) for r in result.values())}
    if stage == "identity":
        acc = result.get("accuracy", {})
        return {"records": result.get("records"), "customers": result.get("customers"),
                **{k: acc.get(k) for k in ("precision", "recall", "f1")}}
    if stage == "score_and_push":
        return {"scored": result.get("scored"), "inserted": result.get("inserted")}
    if stage == "nba":
        return {"decisions": result.get("decisions")}
    if stage == "partner_extract":
        return {k: result.get(k) for k in ("rows", "people", "k_achieved")}
    return {}


def reference(name: str, report: dict, fn) -> None:
    """Run one reference; its failure is recorded in the report, never fatal to the run."""
    started = time.perf_counter()
    try:
        report["references"][name] = fn()
    except Exception as exc:  # noqa: BLE001 - a reference that breaks must not lose the run
        log.exception("reference %s failed", name)
        report["references"][name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    log.info("reference %s (%.0fs): %s", name, time.perf_counter() - started,
             report["references"][name])


REFERENCES = {"identity": ("identity_splink_duckdb",),
              "gold": ("gold_sql_dbt_spark", "gold_sql_duckdb"),
              "score_and_push": ("push_vs_copy", "sentiment_vs_bare"), "nba": ("trino_lookups",)}


def run_references_after(stage: str, settings: Settings, report: dict, customers: int,
                         sentiment_texts: int) -> None:
    from pipelines.spark import get_spark

    if stage == "identity":
        reference("identity_splink_duckdb",
                  report, lambda: references.splink_duckdb(get_spark(settings), settings))
    elif stage == "gold":
        reference("gold_sql_dbt_spark", report,
                  lambda: references.dbt_gold_subset(get_spark(settings), settings))
        reference("gold_sql_duckdb", report, lambda: references.duckdb_gold(
            get_spark(settings), settings, settings.var_dir / "duckdb_gold"))
    elif stage == "score_and_push":
        scored = report["stages"]["score_and_push"].get("scored") or customers
        reference("push_vs_copy", report, lambda: references.push_vs_copy(settings, scored))
        reference("sentiment_vs_bare", report,
                  lambda: references.sentiment_vs_bare(settings, sentiment_texts))
    elif stage == "nba":
        reference("trino_lookups", report, lambda: references.trino_lookups(settings))


def ratios(report: dict) -> dict[str, Any]:
    """Ours / reference for each side-by-side (time ratios > 1: we are slower)."""
    refs, stages = report["references"], report["stages"]
    ident, splink = stages.get("identity", {}), refs.get("identity_splink_duckdb", {})
    resolve_s = (ident.get("seconds") or 0) - ident.get("parts_seconds", {}).get(
        "accuracy_report", 0)
    push = refs.get("push_vs_copy", {})
    senti = refs.get("sentiment_vs_bare", {})
    return {
        "identity_time_vs_splink_duckdb": ratio(resolve_s, splink.get("seconds")),
        "identity_f1_vs_splink_duckdb": ratio(ident.get("f1"), splink.get("f1")),
        "gold_sql_spark_dbt_vs_duckdb": ratio(refs.get("gold_sql_dbt_spark", {}).get("seconds"),
                                              refs.get("gold_sql_duckdb", {}).get("seconds")),
        "push_vs_copy_time": ratio(push.get("push_seconds"), push.get("copy_seconds")),
        "sentiment_scoring_time_vs_bare_forward": ratio(senti.get("bare_texts_per_s"),
                                                        senti.get("scoring_texts_per_s")),
        "sentiment_scoring_cpu_vs_bare_forward": ratio(senti.get("bare_texts_per_cpu_s"),
                                                       senti.get("scoring_texts_per_cpu_s")),
    }


def write(report: dict, path: Path) -> None:
    report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["ratios"] = ratios(report)
    report["worst_stage"] = worst_stage(report["stages"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=3,
                        help="days of feeds (3, as in every earlier result, so sizes compare)")
    parser.add_argument("--sentiment-texts", type=int, default=1000)
    parser.add_argument("--no-event-log", action="store_true",
                        help="do not write Spark event logs (var/<env>/bench_<N>/spark-events)")
    parser.add_argument("--keep-services", action="store_true")
    parser.add_argument("--until", default=None,
                        help="stop after this stage (a partial run on a busy host)")
    parser.add_argument("--from", dest="from_stage", default=None,
                        help="re-run this stage and the ones after it on the lake an earlier "
                             "run left in var/<env>/bench_<N> (a fix's after-figure on the same "
                             "data); earlier stages' figures are kept from its JSON")
    parser.add_argument("--py-spy", default="", metavar="STAGES",
                        help="comma-separated stages to sample with py-spy (the driver's call "
                             "sites; raw stacks in benchmarks/results/pyspy_<N>_<stage>.txt)")
    parser.add_argument("--references-only", action="store_true",
                        help="re-run the references that failed or disagreed, on the lake an "
                             "earlier run left in var/<env>/bench_<N>, into its pipeline_<N>.json")
    args = parser.parse_args()
    configure_logging()
    settings = bench_settings(args.customers, not args.no_event_log, args.days)
    out = RESULTS / f"pipeline_{args.customers}.json"
    if args.references_only:
        references_only(settings, out, args)
        return
    plan = stage_plan(settings, f"bench__{datetime.now(UTC):%Y%m%dT%H%M%S}")
    if args.from_stage:
        report, plan = resume(settings, out, plan, args.from_stage)
    else:
        report = new_report(settings, args.customers)
    report["services_setup_seconds"] = fresh_services(settings, keep=bool(args.from_stage))
    sampler = PeakSampler(lambda: tree_rss_mb(os.getpid())).start()
    stages = StageLog(sampler, report["stages"])
    try:
        for name, call, parts in plan:
            with stages.stage(name) as entry:
                with _parts(stages, parts), _sampled(name, args, report):
                    entry.update(brief(name, call() or {}))
            write(report, out)
            run_references_after(name, settings, report, args.customers, args.sentiment_texts)
            write(report, out)
            if name == args.until:
                report["stopped_after"] = name
                break
    finally:  # a stage that failed still leaves its figures, event-log profile and plot
        sampler.stop()
        report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        write(report, out)
        if not args.keep_services:
            stop_services(settings)
        if not args.no_event_log:
            _profile(settings, report)
            write(report, out)
        from plot import plot_scaling

        log.info("results in %s; plot %s", out, plot_scaling(RESULTS))


def _profile(settings: Settings, report: dict) -> None:
    """The Spark event-log summary of every stage without one (a resumed run keeps the rest)."""
    from eventlog import profile_stages

    ran = {k: v for k, v in report["stages"].items()
           if k not in report.get("spark_event_log", {})}
    report["spark_event_log"] = {**report.get("spark_event_log", {}),
                                 **profile_stages(settings.var_dir / "spark-events", ran)}


def new_report(settings: Settings, customers: int) -> dict[str, Any]:
    return {
        "benchmark": "main job per stage, with single-node references on the same data",
        "customers": customers, "days": settings.get("generator.days"),
        "seed": settings.get("generator.seed"), "env": settings.env,
        "var_dir": str(settings.var_dir.relative_to(REPO)),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(), "versions": versions(settings),
        "spark": {"master": settings.get("spark.master"),
                  "driver_memory": settings.get("spark.driver_memory")},
        "stages": {}, "references": {},
    }


def resume(settings: Settings, out: Path, plan: list, first: str) -> tuple[dict, list]:
    """The earlier run's report without ``first`` and later stages, and the plan from ``first``.

    Re-running identity starts it from a clean state (its tables removed), as the first run
    did; otherwise it would only add to the customers that run created.
    """
    from pipelines.identity.store import IDENTITY_TABLES
    from pipelines.spark import table_path

    names = [name for name, _, _ in plan]
    if first not in names:
        raise SystemExit(f"--from {first}: not a stage ({', '.join(names)})")
    if not out.exists():
        raise SystemExit(f"--from {first}: no earlier run to resume ({out} is missing)")
    report = json.loads(out.read_text())
    redo = names[names.index(first):]
    report["stages"] = {k: v for k, v in report["stages"].items() if k not in redo}
    report["references"] = {k: v for k, v in report.get("references", {}).items()
                            if not any(k in REFERENCES.get(stage, ()) for stage in redo)}
    # earlier stages keep their event-log profile: the folder also holds this run's logs
    report["spark_event_log"] = {k: v for k, v in (report.get("spark_event_log") or {}).items()
                                 if k not in redo}
    for key in ("stopped_after", "finished_at"):
        report.pop(key, None)
    report["resumed_from"] = {"stage": first,
                              "at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "load_average": [round(x, 2) for x in os.getloadavg()]}
    if first == "identity":
        for layer, table in IDENTITY_TABLES:
            shutil.rmtree(table_path(settings, layer, table), ignore_errors=True)
    return report, plan[names.index(first):]


def references_only(settings: Settings, out: Path, args) -> None:
    """The references after each completed stage of an earlier run, on the lake it left."""
    from pipelines.services import postgres, trino

    report = json.loads(out.read_text())
    done = {k: v for k, v in report.get("references", {}).items()
            if "error" not in v and v.get("same_results") is not False}
    report["references"] = done  # those that worked are kept; the rest run again
    report["references_run_separately_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["load_average_references_start"] = [round(x, 2) for x in os.getloadavg()]
    for module in (trino, postgres):
        module.start(settings)
    try:
        for name in report["stages"]:
            # a stage that failed part-way (e.g. a dbt test) may still leave what its
            # reference reads; a reference that cannot run records its own error
            if not set(REFERENCES.get(name, ())) <= set(done):
                run_references_after(name, settings, report, args.customers,
                                     args.sentiment_texts)
                write(report, out)
    finally:
        if not args.keep_services:
            stop_services(settings)


def _sampled(stage: str, args, report: dict):
    """py-spy over ``stage`` when ``--py-spy`` names it (summary under ``report["py_spy"]``)."""
    from contextlib import nullcontext

    if stage not in {s.strip() for s in args.py_spy.split(",") if s.strip()}:
        return nullcontext()
    from pyspy import record

    out = RESULTS / f"pyspy_{args.customers}_{stage}.txt"
    return record(os.getpid(), out, report.setdefault("py_spy", {}).setdefault(stage, {}))


class _parts:
    """Enter every ``timed_part`` of a stage (a small ExitStack for readability)."""

    def __init__(self, stages: StageLog, parts: list) -> None:
        from contextlib import ExitStack

        self._stack, self._stages, self._parts = ExitStack(), stages, parts

    def __enter__(self):
        for module, attribute, label in self._parts:
            self._stack.enter_context(timed_part(self._stages, module, attribute, label))
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)


if __name__ == "__main__":
    main()
