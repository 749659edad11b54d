"""Daily propensity scoring: each model's champion scores the customers at the data's as-of
date into gold.customer_scores (Delta MERGE, only changed rows) and the CMP's PostgreSQL
`customer_scores` (diff-only upsert, one transaction). Models without a champion are skipped.

Wiring only; the logic lives in `ml.propensity.score` behind `pipelines.run` (step
`propensity_score`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "data-science", "retries": 2, "retry_delay": timedelta(minutes=5)}


@dag(
    dag_id="propensity_scoring",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "ml", "propensity"],
    doc_md=__doc__,
)
def propensity_scoring():
    @task
    def score(run_id: str) -> dict:
        from pipelines.run import run_step

        return run_step("propensity_score", run_id=run_id)

    score(run_id="{{ run_id }}")


propensity_scoring()
