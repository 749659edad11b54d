"""Hourly: file the Trino queries against customer data in the hash-chained audit log.

Trino's event listener posts every completed query to the audit receiver, which spools it; this
task moves the spooled events into ``ops.audit_log`` (who, when, SQL, tables and columns read,
masks and row filters applied, refusals). Incremental and idempotent: a re-run records nothing
twice. The main DAG's ``publish`` task does the same at the end of every run.

Wiring only; the logic lives in `privacy.query_audit` (via `pipelines.run`, step `audit_collect`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "privacy", "retries": 3, "retry_delay": timedelta(minutes=5)}


@dag(
    dag_id="query_audit",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "privacy", "audit"],
    doc_md=__doc__,
)
def query_audit():
    @task
    def collect() -> dict:
        from pipelines.run import run_step

        return run_step("audit_collect")

    collect()


query_audit()
