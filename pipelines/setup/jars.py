"""Resolve the Delta Lake JARs once into the cache so later Spark starts need no network.

The `delta-spark` wheel ships Python only; Spark needs `delta-spark_<spark>_<scala>` and
`delta-storage` on its class path, which we hand over as explicit file paths (`spark.jars`).
"""

from __future__ import annotations

from pathlib import Path

from pipelines.config import Settings
from pipelines.setup import maven


def jar_dir(settings: Settings) -> Path:
    return settings.path("paths.cache") / "jars"


def delta_jar_paths(settings: Settings) -> list[Path]:
    """Expected cache paths of the Delta JARs (whether or not they are there yet)."""
    directory = jar_dir(settings)
    return [directory / maven.artifact_file_name(c) for c in settings.get("spark.delta.artifacts")]


def ensure_delta_jars(settings: Settings) -> list[Path]:
    """Download missing Delta JARs; return their paths."""
    return [maven.fetch(c, jar_dir(settings)) for c in settings.get("spark.delta.artifacts")]
