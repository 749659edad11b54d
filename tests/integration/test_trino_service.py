"""Trino end to end: Delta tables written by Spark (Delta 4.4) are registered and read by Trino 476.

Uses the real server started by the ``trino_service`` fixture and the process's Spark session.
Tables are rewritten with ``overwrite`` (not deleted) so Trino's snapshot cache sees a newer
version of the same table, which is how the pipeline rebuilds gold tables too.
"""

from __future__ import annotations

import shutil
import socket

import pytest

from pipelines.errors import LakehouseError
from pipelines.services import trino

pytestmark = pytest.mark.integration

SCHEMA = "gold"


@pytest.fixture(scope="module")
def delta_spark(request, settings):
    """The shared ``spark`` fixture when tests/conftest.py has one, else pipelines.spark's."""
    try:
        return request.getfixturevalue("spark")
    except pytest.FixtureLookupError:
        from pipelines.spark import get_spark

        return get_spark(settings)


@pytest.fixture(scope="module", autouse=True)
def _drop_test_tables(settings):
    """Leave no ``trino_it_*`` tables behind in the gold layer other tests may enumerate."""
    yield
    if not trino.status(settings)["healthy"]:
        return
    for path in sorted((settings.path("paths.lake") / SCHEMA).glob("trino_it_*")):
        _unregister(settings, path.name)
        shutil.rmtree(path, ignore_errors=True)


def _lake_table(settings, name):
    return settings.path("paths.lake") / SCHEMA / name


def _unregister(settings, table):
    if trino.table_location(settings, SCHEMA, table) is not None:
        catalog = settings.get("trino.catalog")
        trino.query(settings, f"CALL {catalog}.system.unregister_table("
                              f"schema_name => '{SCHEMA}', table_name => '{table}')")


def _write_customers(spark, path, rows, tier="silver"):
    frame = spark.range(rows).selectExpr(
        "id AS customer_id", f"'{tier}' AS tier", "CAST(id * 10 AS BIGINT) AS miles"
    )
    frame.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(str(path))
    return spark.read.format("delta").load(str(path)).count()


def _trino_count(settings, table):
    return trino.query(settings, f"SELECT count(*) FROM {SCHEMA}.{table}")[0][0]


def test_status_reports_a_healthy_server(trino_service):
    state = trino.status(trino_service)
    assert state["running"] and state["healthy"]
    assert state["port"] == 8092 and state["url"] == "https://127.0.0.1:8092"
    assert trino.query(trino_service, "SELECT node_version FROM system.runtime.nodes") == [("476",)]


def test_start_is_a_no_op_when_healthy(trino_service):
    before = trino.status(trino_service)["pid"]
    assert trino.start(trino_service)["pid"] == before


def test_trino_counts_what_spark_wrote_and_sees_a_later_merge(trino_service, delta_spark):
    settings, table = trino_service, "trino_it_customers"
    path = _lake_table(settings, table)
    spark_count = _write_customers(delta_spark, path, 200)
    _unregister(settings, table)

    assert trino.register_delta_table(settings, SCHEMA, table, path) is True
    assert _trino_count(settings, table) == spark_count == 200

    delta_spark.sql(f"""
        MERGE INTO delta.`{path}` AS t
        USING (SELECT id AS customer_id, 'gold' AS tier, CAST(id AS BIGINT) AS miles
               FROM range(150, 250)) AS s
        ON t.customer_id = s.customer_id
        WHEN MATCHED THEN UPDATE SET *
        WHEN NOT MATCHED THEN INSERT *
    """)
    spark_after = delta_spark.read.format("delta").load(str(path))
    assert _trino_count(settings, table) == spark_after.count() == 250
    gold_in_trino = trino.query(
        settings, f"SELECT count(*) FROM {SCHEMA}.{table} WHERE tier = 'gold'")[0][0]
    assert gold_in_trino == spark_after.where("tier = 'gold'").count() == 100
    latest = delta_spark.sql(f"DESCRIBE HISTORY delta.`{path}` LIMIT 1").first()["version"]
    trino_latest = trino.query(
        settings, f'SELECT max(version) FROM {SCHEMA}."{table}$history"')[0][0]
    assert trino_latest == latest


def test_register_is_idempotent_and_repoints_a_moved_table(trino_service, delta_spark):
    settings, table = trino_service, "trino_it_moving"
    first, second = _lake_table(settings, table), _lake_table(settings, f"{table}_v2")
    _write_customers(delta_spark, first, 10)
    _write_customers(delta_spark, second, 25)

    trino.register_delta_table(settings, SCHEMA, table, first)
    assert trino.register_delta_table(settings, SCHEMA, table, first) is False
    assert _trino_count(settings, table) == 10

    assert trino.register_delta_table(settings, SCHEMA, table, second) is True
    assert trino.table_location(settings, SCHEMA, table) == f"local:///lake/{SCHEMA}/{table}_v2"
    assert _trino_count(settings, table) == 25
    assert trino.register_delta_table(settings, SCHEMA, table, second) is False


def test_a_table_rewritten_from_scratch_is_not_served_stale(trino_service, delta_spark):
    """Deleting a table folder and writing anew (version 0 again) must not show old rows."""
    settings, table = trino_service, "trino_it_rebuilt"
    path = _lake_table(settings, table)
    shutil.rmtree(path, ignore_errors=True)
    for rows in (10, 20, 30):
        _write_customers(delta_spark, path, rows)
    trino.register_delta_table(settings, SCHEMA, table, path)
    assert _trino_count(settings, table) == 30

    shutil.rmtree(path)
    assert _write_customers(delta_spark, path, 7) == 7
    assert trino.register_delta_table(settings, SCHEMA, table, path) is False
    assert _trino_count(settings, table) == 7


def test_trino_reads_deletion_vectors_and_column_mapping(trino_service, delta_spark):
    """Delta 4.4 table features a gold table may use: DVs, column mapping by name, CDF."""
    settings, table = trino_service, "trino_it_features"
    path = _lake_table(settings, table)
    _unregister(settings, table)
    shutil.rmtree(path, ignore_errors=True)
    delta_spark.sql(f"""
        CREATE TABLE delta.`{path}` (customer_id BIGINT, tier STRING) USING delta
        TBLPROPERTIES ('delta.enableDeletionVectors' = 'true',
                       'delta.columnMapping.mode' = 'name',
                       'delta.enableChangeDataFeed' = 'true')
    """)
    delta_spark.sql(f"INSERT INTO delta.`{path}` SELECT id, 'silver' FROM range(40)")
    delta_spark.sql(f"DELETE FROM delta.`{path}` WHERE customer_id < 5")
    delta_spark.sql(f"ALTER TABLE delta.`{path}` RENAME COLUMN tier TO loyalty_tier")
    expected = delta_spark.read.format("delta").load(str(path)).count()
    assert any(p.name.startswith("deletion_vector_") for p in path.iterdir())

    trino.register_delta_table(settings, SCHEMA, table, path)
    assert _trino_count(settings, table) == expected == 35
    assert trino.query(
        settings, f"SELECT count(loyalty_tier) FROM {SCHEMA}.{table}")[0][0] == 35


def test_start_refuses_a_port_held_by_a_foreign_socket(trino_service, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        other = trino_service.with_overrides({"paths.var": str(tmp_path / "var"),
                                              "trino.port": port})
        with pytest.raises(LakehouseError) as caught:
            trino.start(other, timeout=10)
    assert f"port {port}" in caught.value.what
    assert f"trino.port in conf/{trino_service.env}.yaml" in caught.value.fix
    assert trino.status(trino_service)["healthy"], "our own server is untouched"
