"""Integration fixtures: real services, started once per test run and left running for reuse."""

from __future__ import annotations

import shutil

import pytest

PLANTED_PAN = "4539578763621486"
PLANTED_FILE = "loyalty_2026-01-01_planted.csv"
HEADER = ("loyalty_number,tier,tier_since,points_balance,first_name,last_name,date_of_birth,email,"
          "phone,street,city,postcode,country,nationality,passport_number,enrolled_at,updated_at")


@pytest.fixture(scope="session")
def postgres_service(settings):
    from pipelines.services import postgres

    postgres.install(settings)
    postgres.start(settings)
    return settings


@pytest.fixture(scope="session")
def trino_service(settings):
    from pipelines.services import trino

    trino.install(settings)
    trino.start(settings)
    return settings


def _clean_test_state(settings) -> None:
    from pipelines.publish.cmp_store import ensure_schema
    from pipelines.services import postgres, trino

    for key in ("paths.lake", "paths.checkpoints", "paths.landing", "paths.ground_truth",
                "paths.reports"):
        shutil.rmtree(settings.path(key), ignore_errors=True)
    shutil.rmtree(settings.var_dir / "mlflow", ignore_errors=True)
    catalog = settings.get("trino.catalog")
    for (schema, table) in trino.query(settings, f"select table_schema, table_name from "
                                       f"{catalog}.information_schema.tables where "
                                       f"table_schema in ('gold', 'ops')"):
        trino.query(settings, f"call {catalog}.system.unregister_table('{schema}', '{table}')")
    with postgres.connect(settings) as conn:
        ensure_schema(conn)
        conn.execute("delete from customer_scores where model_name = %s",
                     [settings.get("skeleton.model_name")])


def _plant(settings) -> None:
    folder = settings.path("paths.landing") / "loyalty"
    folder.mkdir(parents=True, exist_ok=True)
    good = (f"PLANTED0001,GOLD,2025-01-01,5000,Ada,Planted,1970-01-01,ada@example.org,"
            f"+441234567890,\"Card {PLANTED_PAN} Road\",London,E1,GB,GB,P000001,"
            f"2020-01-01T00:00:00+00:00,2026-01-01T00:00:00+00:00")
    (folder / PLANTED_FILE).write_text(f"{HEADER}\n{good}\nPLANTED0002,BLUE,truncated\n")


@pytest.fixture(scope="session")
def planted() -> dict[str, str]:
    """What ``main_run`` planted in the landing zone: a card number and a file name."""
    return {"pan": PLANTED_PAN, "file": PLANTED_FILE}


@pytest.fixture(scope="session")
def main_run(spark, settings, trino_service, postgres_service):
    """The main job, run once per test session on a clean test lake with a planted card number
    and a malformed row; every module that checks what the job produced shares it."""
    from pipelines.run import run_all, step_generate

    _clean_test_state(settings)
    step_generate(settings)
    _plant(settings)
    return run_all(settings, run_id="test__first")


def pytest_collection_modifyitems(items):
    """Tests marked ``changes_main_run`` add data to the shared run's lake (e.g. new consent
    events); they run after every other test, so checks such as "a second run adds nothing"
    see the run as the job left it."""
    items.sort(key=lambda item: item.get_closest_marker("changes_main_run") is not None)
