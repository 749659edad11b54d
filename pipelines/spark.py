"""One Spark session per process, with Delta Lake and the lake's tables in its catalog.

Spark keeps an in-memory catalog (no Hive metastore to lock or corrupt); every Delta table under
``<lake>/<layer>/<table>`` is registered as ``<layer>.<table>`` when the session starts, so
Spark jobs, dbt (session method, same process) and notebooks all see the same names.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.setup.jars import delta_jar_paths

log = logging.getLogger(__name__)
LAYERS = ("bronze", "silver", "gold", "quarantine", "ops")


def _java_home(settings: Settings) -> str:
    java_home = Path(settings.get("java.spark_home"))
    if (java_home / "bin" / "java").exists():
        return str(java_home)
    if os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java").exists():
        return os.environ["JAVA_HOME"]
    raise LakehouseError(
        f"Java 17 for Spark not found at {java_home}",
        "apt-get install -y openjdk-17-jre-headless, or set java.spark_home in conf/<env>.yaml",
    )


def _jars(settings: Settings) -> str:
    jars = delta_jar_paths(settings)
    missing = [str(j) for j in jars if not j.exists()]
    if missing:
        raise LakehouseError(f"Delta JARs missing: {', '.join(missing)}", "run `make setup`")
    return ",".join([*(str(j) for j in jars), _splink_jar()])


def _splink_jar() -> str:
    """Splink's Scala similarity UDFs (jaro_winkler, damerau_levenshtein) for identity matching.

    Added at session start because ``get_spark`` reuses an active session: a jar added later
    would need ``ADD JAR`` in every process that matches people.
    """
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def get_spark(settings: Settings):
    """Return the process's Spark session, creating it (and registering lake tables) once."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ["JAVA_HOME"] = _java_home(settings)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need this venv's pandas
    var_dir = settings.var_dir
    builder = (
        SparkSession.builder.master(settings.get("spark.master"))
        .appName(settings.get("spark.app_name"))
        .config("spark.jars", _jars(settings))
        .config("spark.driver.memory", settings.get("spark.driver_memory"))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(var_dir / "spark-warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={var_dir / 'derby'}")
    )
    for key, value in settings.get("spark.conf", {}).items():
        builder = builder.config(key, str(value))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    register_lake_tables(spark, settings)
    return spark


def table_path(settings: Settings, layer: str, table: str) -> Path:
    return settings.path("paths.lake") / layer / table


def register_lake_tables(spark, settings: Settings) -> list[str]:
    """Register every Delta table found under the lake as ``<layer>.<table>``; return names.

    Catalog entries whose table is no longer in the lake (a reset test lake, a table dropped by
    hand) are removed first: a stale entry would make dbt's ``relation_exists`` say yes to a
    table that is gone, and the mart reading it would fail.
    """
    registered = []
    lake = settings.path("paths.lake")
    for layer in LAYERS:
        spark.sql(f"create schema if not exists {layer}")
        present = {p.parent.name for p in (lake / layer).glob("*/_delta_log")}
        for row in spark.sql(f"show tables in {layer}").collect():
            if not row["isTemporary"] and row["tableName"] not in present:
                spark.sql(f"drop table if exists {layer}.{row['tableName']}")
                log.info("spark catalog: %s.%s dropped (no longer in the lake)", layer,
                         row["tableName"])
        for log_dir in sorted((lake / layer).glob("*/_delta_log")):
            name = f"{layer}.{log_dir.parent.name}"
            spark.sql(f"create table if not exists {name} using delta location '{log_dir.parent}'")
            registered.append(name)
    log.info("spark catalog: %d lake tables registered", len(registered))
    return registered
