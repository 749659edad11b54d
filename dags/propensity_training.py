"""Weekly propensity training: every model (ancillary purchase per type, churn) is retrained
on the current gold lake, logged and registered in MLflow; the `champion` alias moves only for
a candidate that passes its gates in conf/ml/propensity.yaml, so a weak week changes nothing.

The daily `customer_lakehouse` run trains only models that have no champion yet; this DAG is
the forced retrain. Scoring reads `models:/<name>@champion` (see `propensity_scoring`).

Wiring only; the logic lives in `ml.propensity.train` behind `pipelines.run` (step
`propensity_train`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "data-science", "retries": 1, "retry_delay": timedelta(minutes=10)}


@dag(
    dag_id="propensity_training",
    schedule="@weekly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "ml", "propensity"],
    doc_md=__doc__,
)
def propensity_training():
    @task
    def train() -> dict:
        from pipelines.run import run_step

        return run_step("propensity_train", force=True)

    train()


propensity_training()
