"""Daily partner extracts: one mapped task per spec in conf/extracts.

Each task builds one partner's anonymised extract as of the run's logical date (consented
people only, k-anonymous, PII tagged out of free text, per-partner pseudonyms) into
`<var>/extracts/<partner>/<date>/` with its manifest, and audits it. A spec that cannot meet
its k fails its own task only; a re-run replaces that day's output.

Wiring only; the logic lives in `privacy.extract` (via `pipelines.run`, step
`partner_extract`). The list of specs is read by a task, not at parse time.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "privacy", "retries": 1, "retry_delay": timedelta(minutes=10)}


@dag(
    dag_id="partner_extracts",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "privacy", "partners"],
    doc_md=__doc__,
)
def partner_extracts():
    @task
    def specs() -> list[str]:
        from privacy.extract_spec import spec_names

        return spec_names()

    @task(max_active_tis_per_dag=1)
    def extract(spec: str, ds: str | None = None) -> dict:
        from pipelines.run import run_step

        return run_step("partner_extract", spec=spec, as_of=ds)

    extract.expand(spec=specs())


partner_extracts()
