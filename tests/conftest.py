"""Shared fixtures: the test environment's settings and one Spark session per test run."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("LAKEHOUSE_ENV", "test")


@pytest.fixture(scope="session")
def settings():
    from pipelines.config import load_settings

    return load_settings("test")
