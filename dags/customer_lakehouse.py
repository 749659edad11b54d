"""Main job of the lakehouse: landing feeds -> bronze -> silver -> checks -> gold -> model -> CMP.

Compensation decisions (EU261 / Montreal / goodwill) run here daily in full after silver, which
catches up late data; during the day `lakehouse compensation decide` runs hourly (cron or an
hourly Airflow schedule after the flight-ops ingestion) and re-decides only flights whose silver
rows landed since its last watermark, so a disruption gets its decision within the hour.

Wiring only: every task imports inside its body and makes one call into `pipelines.run`, where
the logic lives and is tested. Each step is idempotent, so a retry or a re-run adds no rows.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {"owner": "data-platform", "retries": 1, "retry_delay": timedelta(minutes=2)}


@dag(
    dag_id="customer_lakehouse",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["lakehouse", "customer-360", "walking-skeleton"],
    doc_md=__doc__,
)
def customer_lakehouse():
    @task
    def generate() -> dict:
        from pipelines.run import run_step

        return run_step("generate")

    @task
    def bronze() -> dict:
        from pipelines.run import run_step

        return run_step("bronze")

    @task
    def silver() -> dict:
        from pipelines.run import run_step

        return run_step("silver")

    @task
    def compensation() -> dict:
        from pipelines.run import run_step

        return run_step("compensation")  # daily full catch-up; hourly: see module docstring

    @task
    def identity() -> dict:
        from pipelines.run import run_step

        return run_step("identity")

    @task
    def quality() -> dict:
        from pipelines.run import run_step

        return run_step("quality")

    @task
    def gold() -> dict:
        from pipelines.run import run_step

        return run_step("gold")

    @task
    def train() -> dict:
        from pipelines.run import run_step

        return run_step("train")

    @task
    def score_and_push(run_id: str) -> dict:
        from pipelines.run import run_step

        return run_step("score_and_push", run_id=run_id)

    @task
    def nba(run_id: str) -> dict:
        from pipelines.run import run_step

        return run_step("nba", run_id=run_id)  # decisions + segment membership to the CMP

    @task
    def publish() -> dict:
        from pipelines.run import run_step

        return run_step("publish")  # late gold tables + audit log into Trino; query audit

    @task
    def summary(run_id: str, steps: dict) -> dict:
        from pipelines.run import run_step

        return run_step("summary", run_id=run_id, steps=steps)

    generated = generate()
    landed = bronze()
    cleaned = silver()
    resolved = identity()
    compensated = compensation()
    checked = quality()
    built = gold()
    trained = train()
    pushed = score_and_push(run_id="{{ run_id }}")
    decided = nba(run_id="{{ run_id }}")
    published = publish()
    generated >> landed >> cleaned >> resolved >> checked >> built >> trained >> pushed >> decided
    decided >> published
    cleaned >> compensated
    summary(run_id="{{ run_id }}", steps={
        "generate": generated, "bronze": landed, "silver": cleaned, "identity": resolved,
        "quality": checked,
        "gold": built, "train": trained, "score_and_push": pushed, "compensation": compensated,
        "nba": decided, "publish": published,
    })


customer_lakehouse()
