"""Daily retention: delete rows older than conf/privacy/retention.yaml allows, then VACUUM.

Chat and contact-centre transcripts, social posts, bronze raw payloads and quarantined lines
are kept only for their data class's period; the task deletes what is older than that on the
run's logical date, VACUUMs so the old files go, and writes what it removed per table to the
audit log. A re-run for the same day removes nothing more.

Wiring only; the logic lives in `privacy.retention` (via `pipelines.run`, step `retention`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "privacy", "retries": 2, "retry_delay": timedelta(minutes=10)}


@dag(
    dag_id="privacy_retention",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "privacy"],
    doc_md=__doc__,
)
def privacy_retention():
    @task
    def enforce(ds: str | None = None) -> dict:
        from pipelines.run import run_step

        return run_step("retention", as_of=ds)

    enforce()


privacy_retention()
