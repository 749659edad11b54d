"""Integration fixtures: real services, started once per test run and left running for reuse."""

from __future__ import annotations

import pytest


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
