"""Hourly compensation: new flight-ops, bag and payout files -> bronze -> silver -> decisions.

A disruption lands in the EDH feed during the day; this DAG ingests only the feeds compensation
decides on and re-decides only the flights whose rows arrived since the last watermark, so the
decision (gold, PostgreSQL, the notifications outbox) exists within the hour. The daily
`customer_lakehouse` run re-decides everything as a catch-up. Both are idempotent: decisions are
MERGEd on a deterministic id, so overlapping runs never pay or notify twice.

Wiring only; the logic lives in `pipelines.run` (steps `flight_ops`, `compensation_hourly`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "customer-affairs", "retries": 2, "retry_delay": timedelta(minutes=5)}


@dag(
    dag_id="compensation_hourly",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "compensation"],
    doc_md=__doc__,
)
def compensation_hourly():
    @task
    def flight_ops() -> dict:
        from pipelines.run import run_step

        return run_step("flight_ops")

    @task
    def decide() -> dict:
        from pipelines.run import run_step

        return run_step("compensation_hourly")

    flight_ops() >> decide()


compensation_hourly()
