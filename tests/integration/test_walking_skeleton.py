"""The walking skeleton against the real components: each hop proven, and re-runs add nothing.

One fixture runs the main job once in this process (shared Spark session) on a clean test lake,
with a planted card number and a malformed row; the tests then check each hop at its component:
the Delta log, the quarantine table, Trino vs Spark counts, the MLflow registry and PostgreSQL.
"""

from __future__ import annotations

import csv

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def first_run(main_run):
    return main_run


AUDIT_LOG = "ops.audit_log"


def _counts(spark, settings) -> dict[str, int]:
    """Rows per lake table, except the audit log: every run's Trino queries are accesses that
    are recorded there, so it grows by design (see :func:`_only_query_audit_added`)."""
    from pipelines.run import layer_counts

    return _without_audit(layer_counts(settings))


def _without_audit(counts: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in counts.items() if table != AUDIT_LOG}


def _audit_rows(spark, settings) -> int:
    from privacy.audit import count

    return count(settings)


def _only_query_audit_added(spark, settings, before: int) -> None:
    from privacy.audit import audit_path
    from privacy.query_audit import DENIED, QUERY

    added = (spark.read.format("delta").load(audit_path(settings)).where(f"seq > {before}")
             .select("action").distinct().collect())
    assert {r["action"] for r in added} <= {QUERY, DENIED}


def test_every_layer_is_a_delta_table(first_run, settings):
    lake = settings.path("paths.lake")
    for table in ("bronze/loyalty_members", "silver/loyalty_members", "gold/dim_customer",
                  "quarantine/records"):
        assert list((lake / table / "_delta_log").glob("*.json")), table


def test_landed_records_reconcile_with_bronze_plus_quarantine(first_run, settings):
    landing = settings.path("paths.landing") / "loyalty"
    landed = 0
    for path in landing.glob("*.csv"):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        landed += sum(1 for row in list(csv.reader(text.splitlines()))[1:] if any(row))
    report = first_run["steps"]["bronze"]["loyalty"]
    assert report["reconciled"] is True
    assert report["landed"] == landed == report["bronze"] + report["quarantine"]


def test_malformed_row_is_quarantined_with_file_line_and_reason(first_run, spark, settings,
                                                                planted):
    rows = spark.read.format("delta").load(
        str(settings.path("paths.lake") / "quarantine" / "records")).where(
        f"_source_file like '%{planted['file']}'").collect()
    assert [(r.layer, r._line, r.reason) for r in rows] == [
        ("bronze", 3, "expected 17 fields, found 3")]


def test_no_card_number_in_any_lake_file(first_run, settings, planted):
    import pyarrow.parquet as pq

    files = [p for p in settings.path("paths.lake").rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        assert planted['pan'].encode() not in path.read_bytes(), path
        if path.suffix == ".parquet":
            assert planted['pan'] not in str(pq.read_table(path).to_pylist()), path


def test_silver_has_one_row_per_member_and_gold_one_per_golden_customer(first_run, spark,
                                                                       settings):
    lake = settings.path("paths.lake")
    silver = spark.read.format("delta").load(str(lake / "silver" / "loyalty_members"))
    golden = spark.read.format("delta").load(str(lake / "silver" / "golden_customers"))
    gold = spark.read.format("delta").load(str(lake / "gold" / "dim_customer"))
    assert silver.count() == silver.select("loyalty_number").distinct().count() > 50
    assert gold.count() == golden.count() > silver.count()
    numbers_in_gold = gold.where("loyalty_number is not null").select("loyalty_number")
    assert numbers_in_gold.distinct().count() == numbers_in_gold.count()  # one customer each
    # every member is a customer (a PNR may also carry a number the loyalty feed lacks)
    assert silver.select("loyalty_number").subtract(numbers_in_gold).count() == 0
    assert "first_name" not in gold.columns and "email" not in gold.columns


def test_quality_and_dbt_checks_passed(first_run):
    quality = first_run["steps"]["quality"]["silver__loyalty_members"]
    assert quality["passed"] == quality["evaluated"] > 0
    gold = first_run["steps"]["gold"]
    assert gold["tests_passed"] > 0 and gold["tests_failed"] == []


def test_trino_count_equals_spark_count(first_run, spark, settings):
    from pipelines.services import trino

    gold = spark.read.format("delta").load(
        str(settings.path("paths.lake") / "gold" / "dim_customer")).count()
    catalog = settings.get("trino.catalog")
    assert trino.query(settings, f"select count(*) from {catalog}.gold.dim_customer")[0][0] == gold


def test_mlflow_registry_has_champion_alias(first_run, settings):
    from mlflow import MlflowClient

    from ml.tracking import configure_mlflow

    configure_mlflow(settings)
    version = MlflowClient().get_model_version_by_alias(settings.get("skeleton.model_name"),
                                                        "champion")
    assert str(version.version) == first_run["steps"]["train"]["version"]


def test_postgres_holds_one_score_per_loyalty_member(first_run, spark, settings):
    from pipelines.services import postgres

    with postgres.connect(settings) as conn:
        stored = conn.execute("select count(*) from customer_scores where model_name = %s",
                              [settings.get("skeleton.model_name")]).fetchone()[0]
    push = first_run["steps"]["score_and_push"]
    members = spark.read.format("delta").load(
        str(settings.path("paths.lake") / "gold" / "dim_customer")).where("is_loyalty_member")
    assert stored == push["scored"] == members.count() > 0
    assert push["inserted"] == stored


def test_second_run_adds_no_rows_anywhere(first_run, spark, settings):
    from pipelines.run import run_all

    before, audited = _counts(spark, settings), _audit_rows(spark, settings)
    second = run_all(settings, run_id="test__second")
    assert _counts(spark, settings) == before
    _only_query_audit_added(spark, settings, audited)
    assert second["steps"]["train"]["trained"] is False
    push = second["steps"]["score_and_push"]
    assert (push["inserted"], push["updated"]) == (0, 0)


def test_airflow_dags_test_runs_the_dag_and_adds_nothing(first_run, spark, settings):
    import json

    from pipelines.setup.airflow import dags_test, migrate_db

    before, audited = _counts(spark, settings), _audit_rows(spark, settings)
    migrate_db(settings)
    dags_test(settings)
    summary = json.loads((settings.path("paths.reports") / "last_run.json").read_text())
    assert summary["run_id"].startswith("manual__")
    assert _without_audit(summary["rows_per_table"]) == before
    assert _counts(spark, settings) == before
    _only_query_audit_added(spark, settings, audited)
