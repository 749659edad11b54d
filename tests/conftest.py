"""Shared fixtures: the test environment's settings and one Spark session per test run."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("LAKEHOUSE_ENV", "test")


@pytest.fixture(scope="session")
def settings():
    from pipelines.config import load_settings

    return load_settings()  # $LAKEHOUSE_ENV, "test" unless a developer picks a scratch env


@pytest.fixture(scope="session")
def spark(settings):
    """The one Spark session of the test run (Delta enabled, lake tables registered)."""
    from pipelines.logs import configure_logging
    from pipelines.setup.jars import ensure_delta_jars
    from pipelines.spark import get_spark

    configure_logging()
    ensure_delta_jars(settings)
    session = get_spark(settings)
    yield session
    session.stop()
