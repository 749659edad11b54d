"""Pure logic of the pipeline benchmark (benchmarks/stages.py, references.py, plot.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import plot  # noqa: E402
import references  # noqa: E402
import stages  # noqa: E402


def test_bench_overrides_move_every_runtime_path_under_the_bench_var_dir(settings, tmp_path):
    bench = settings.with_overrides(stages.bench_overrides(tmp_path / "bench_5", 5))
    assert bench.var_dir == tmp_path / "bench_5"
    for key in stages.PATH_KEYS:
        assert bench.path(f"paths.{key}").is_relative_to(tmp_path / "bench_5"), key
    assert str(tmp_path / "bench_5") in bench.get("mlflow.tracking_uri")
    assert bench.get("generator.customers") == 5
    assert settings.get("generator.customers") != 5 or settings.var_dir != bench.var_dir


def test_stage_log_keeps_the_peak_of_each_stage_window():
    values = iter([10.0, 50.0, 20.0, 5.0, 7.0])
    sampler = stages.PeakSampler(lambda: next(values))  # never started: observe by hand
    log = stages.StageLog(sampler)
    with log.stage("first"):  # measures 10 on entry, 50 on exit
        pass
    with log.stage("second"):  # 20 on entry (window reset), 5 on exit
        sampler.observe(12.0)
    assert log.stages["first"]["peak_rss_mb"] == 50
    assert log.stages["second"]["peak_rss_mb"] == 20


def test_a_failing_stage_is_recorded_with_its_error_and_reraised():
    log = stages.StageLog(None)
    with pytest.raises(ValueError), log.stage("bronze"):
        raise ValueError("landing folder missing\nsecond line")
    assert log.stages["bronze"]["error"] == "ValueError: landing folder missing"
    assert "seconds" in log.stages["bronze"]


def test_timed_part_adds_call_time_to_the_label_and_restores_the_function():
    class Module:
        @staticmethod
        def push(x):
            return x + 1

    original = Module.push
    log = stages.StageLog(None)
    with log.stage("score_and_push"), stages.timed_part(log, Module, "push", "push_postgres"):
        assert Module.push(1) == 2 and Module.push(2) == 3
    assert "push_postgres" in log.stages["score_and_push"]["parts_seconds"]
    assert Module.push is original


def test_worst_stage_and_ratio():
    found = {"bronze": {"seconds": 30.0}, "silver": {"seconds": 90.0}, "gold": {"error": "x"}}
    assert stages.worst_stage(found) == "silver"
    assert stages.worst_stage(found, skip=("silver",)) == "bronze"
    assert stages.worst_stage({}) is None
    assert stages.ratio(30.0, 10.0) == 3.0
    assert stages.ratio(None, 10.0) is None and stages.ratio(3.0, 0) is None


def _models(tmp_path: Path, files: dict[str, str]) -> dict:
    root = tmp_path / "compiled" / "airline_lakehouse"
    for relative, sql in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    return references.compiled_models(tmp_path / "compiled")


def test_upstream_orders_ancestors_first_and_skips_tests_and_other_marts(tmp_path):
    models = _models(tmp_path, {
        "models/staging/loyalty/stg_loyalty__members.sql": "select * from silver.loyalty_members",
        "models/marts/customer/dim_customer.sql": "select * from staging.stg_loyalty__members",
        "models/marts/customer/customer_360.sql":
            "select * from gold.dim_customer join reference.fx_rates_to_eur",
        "models/marts/customer/fct_customer_timeline.sql": "select * from gold.dim_customer",
        "models/marts/travel/fct_flights.sql": "select * from silver.flight_legs",
        "models/marts/customer/customer_360.yml/unique_customer_360_id.sql":
            "select * from gold.customer_360",
    })
    assert models["stg_loyalty__members"]["schema"] == "staging"
    assert models["customer_360"]["schema"] == "gold"
    order = references.upstream(models, references.GOLD_TARGETS)
    assert order == ["stg_loyalty__members", "dim_customer", "customer_360",
                     "fct_customer_timeline"]
    assert references.external_tables(models, order) == [("reference", "fx_rates_to_eur"),
                                                         ("silver", "loyalty_members")]


def test_spark_sql_is_transpiled_to_duckdb_and_runs():
    import duckdb

    sql = references.to_duckdb("select max_by(x, y) as top, cast(null as string) as s "
                               "from (select 1 as x, 2 as y union all select 3, 1) as t")
    assert duckdb.sql(sql).fetchall() == [(1, None)]


def test_plot_series_per_stage_sorted_by_size_without_failed_stages():
    results = [
        {"customers": 10000, "stages": {"bronze": {"seconds": 80.0}, "gold": {"error": "x",
                                                                              "seconds": 1}}},
        {"customers": 2000, "stages": {"bronze": {"seconds": 40.0}, "gold": {"seconds": 60.0}}},
    ]
    assert plot.series(results) == {"bronze": [(2000, 40.0), (10000, 80.0)],
                                    "gold": [(2000, 60.0)]}


def test_union_of_spark_job_intervals_counts_overlaps_once():
    import eventlog

    assert eventlog.union_seconds([(0, 10), (5, 12), (20, 25), (21, 22)]) == 17
    assert eventlog.union_seconds([]) == 0


def test_event_log_summary_keeps_only_the_stage_window():
    import eventlog

    events = [
        {"Event": "SparkListenerJobStart", "Job ID": 1, "Submission Time": 1_000},
        {"Event": "SparkListenerJobEnd", "Job ID": 1, "Completion Time": 3_000},
        {"Event": "SparkListenerJobStart", "Job ID": 2, "Submission Time": 9_000},  # outside
        {"Event": "SparkListenerStageCompleted", "Stage Info": {
            "Submission Time": 1_100, "Completion Time": 2_900, "Stage Name": "merge at x.py:1",
            "Number of Tasks": 4}},
        {"Event": "SparkListenerTaskEnd", "Task Info": {"Launch Time": 1_200},
         "Task Metrics": {"Executor Run Time": 1_500, "Executor CPU Time": 1_000_000_000,
                          "JVM GC Time": 100}},
    ]
    summary = eventlog.summarise(events, 0, 5_000)
    assert summary["spark_jobs"] == 1 and summary["tasks"] == 1
    assert summary["seconds_with_a_spark_job_running"] == 2.0
    assert summary["share_driver_side"] == 0.6
    assert summary["executor_cpu_seconds"] == 1.0
    assert summary["longest_spark_stages"][0]["name"] == "merge at x.py:1"


def test_estimate_fits_fixed_and_per_customer_cost_through_the_two_largest_sizes():
    import estimate

    model = estimate.fit([(1000, 50.0), (2000, 60.0), (10000, 100.0)])
    assert model["fixed_s"] == pytest.approx(50.0)
    assert model["per_customer_s"] == pytest.approx(0.005)
    assert model["exponent"] == 0.32  # log(100/60) / log(10000/2000)
    assert estimate.fit([(1000, 50.0)]) is None
    # 1M customers: 50 s fixed + 5000 s variable, of which 80 % runs 10x faster
    assert estimate.project(model, 1_000_000, speedup=10, parallel=0.8) == pytest.approx(1450)


def test_a_spark_job_running_past_the_stage_counts_only_inside_the_window():
    import eventlog

    events = [{"Event": "SparkListenerJobStart", "Job ID": 7, "Submission Time": 4_000},
              {"Event": "SparkListenerJobEnd", "Job ID": 7, "Completion Time": 60_000}]
    assert eventlog.summarise(events, 0, 5_000)["seconds_with_a_spark_job_running"] == 1.0
