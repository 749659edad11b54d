"""Every DAG loads without import errors, is tagged, retries, and keeps heavy imports out."""

import ast
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
HEAVY = {"pyspark", "delta", "dbt", "mlflow", "great_expectations", "pandas", "psycopg", "trino",
         "pipelines", "ml", "quality", "privacy"}


@pytest.fixture(scope="module")
def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_dags_import_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert "customer_lakehouse" in dag_bag.dag_ids


def test_dags_have_tags_retries_and_no_catchup(dag_bag):
    for dag in dag_bag.dags.values():
        assert dag.tags, dag.dag_id
        assert dag.catchup is False, dag.dag_id
        for task in dag.tasks:
            assert task.retries >= 1, f"{dag.dag_id}.{task.task_id}"


def test_main_dag_runs_every_step_in_order(dag_bag):
    dag = dag_bag.dags["customer_lakehouse"]
    order = ["generate", "bronze", "silver", "identity", "quality", "gold", "train",
             "score_and_push", "nba"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids
    assert "compensation" in dag.get_task("silver").downstream_task_ids
    assert {*order, "compensation"} <= set(dag.get_task("summary").upstream_task_ids)


@pytest.mark.parametrize("path", sorted(DAGS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_heavy_imports_at_dag_top_level(path):
    tree = ast.parse(path.read_text())
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {(n.module or "").split(".")[0] if isinstance(n, ast.ImportFrom)
             else a.name.split(".")[0] for n in top for a in getattr(n, "names", [])}
    assert not names & HEAVY


def test_hourly_compensation_ingests_flight_ops_then_decides(dag_bag):
    dag = dag_bag.dags["compensation_hourly"]
    assert dag.schedule == "@hourly"
    assert "decide" in dag.get_task("flight_ops").downstream_task_ids
