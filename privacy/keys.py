"""Per-subject data keys in the Delta key store ``ops.subject_keys``, and their destruction.

Schema: ``subject_id, key_version, wrapped_key (binary), created_at, destroyed_at``. At most one
live (non-null) key per subject; a subject whose key was destroyed and who comes back gets the
next ``key_version``, so their old ciphertext stays unreadable.

Why a Delta table rather than SQLite or PostgreSQL: encryption joins the key store with the data
on executors, so it has to be readable by Spark at any scale, and every store keeps old copies
somewhere (PostgreSQL dead tuples and WAL, SQLite free pages). Delta's old copies are explicit
files, which we remove ourselves: destroying a key nulls it *and* VACUUMs this one table with
zero retention, so no earlier version of the key store can be time-travelled back. The table is
created with deletion vectors and change data feed off (either would keep the old key bytes in
live files), and ``wrapped_key`` is binary, for which Delta writes no min/max stats into the log.

Caveats: the zero-retention VACUUM is safe only while nobody else writes the key store (silver
jobs and erasure run one at a time in the DAG); backups of this table must expire within the
erasure deadline, since a restored key would revive the subject's PII.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.config import Settings
from pipelines.spark import table_path
from privacy import delta_log
from privacy.crypto import generate_data_key, wrap_key
from privacy.master_key import load_master_key

log = logging.getLogger(__name__)
SCHEMA = ("subject_id string not null, key_version int not null, wrapped_key binary, "
          "created_at timestamp not null, destroyed_at timestamp")
PROPERTIES = {"delta.enableDeletionVectors": "false", "delta.enableChangeDataFeed": "false"}
# Zero retention is refused by default, rightly: only this single-writer table may be purged so.
# VACUUM lists files with 10,000 tasks by default; a key store needs two.
PURGE_CONF = {"spark.databricks.delta.retentionDurationCheck.enabled": "false",
              "spark.sql.sources.parallelPartitionDiscovery.parallelism": "2"}


def key_store_path(settings: Settings) -> str:
    layer, table = settings.get("privacy.key_store", "ops.subject_keys").split(".")
    return str(table_path(settings, layer, table))


def _ensure_table(spark, settings: Settings) -> str:
    from delta.tables import DeltaTable

    path = key_store_path(settings)
    if not DeltaTable.isDeltaTable(spark, path):
        schema = spark.createDataFrame([], SCHEMA).schema
        builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema)
        for key, value in PROPERTIES.items():
            builder = builder.property(key, value)
        builder.execute()
    return path


def live_keys(spark, settings: Settings):
    """DataFrame ``subject_id, key_version, wrapped_key`` of every subject with a live key."""
    path = _ensure_table(spark, settings)
    return (spark.read.format("delta").load(path).where("wrapped_key is not null")
            .select("subject_id", "key_version", "wrapped_key"))


def ensure_subject_keys(spark, settings: Settings, subjects_df) -> int:
    """Create a data key for every subject in ``subjects_df.subject_id`` without a live one.

    Keys are generated on the driver from ``os.urandom`` and only their wrapped form is written,
    so a recomputed Spark stage can never produce a second, different key for one subject.
    Returns the number of keys created.
    """
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    path = _ensure_table(spark, settings)
    store = spark.read.format("delta").load(path)
    missing = (subjects_df.select("subject_id").where("subject_id is not null").distinct()
               .join(live_keys(spark, settings), "subject_id", "left_anti")
               .join(store.groupBy("subject_id").agg(F.max("key_version").alias("last")),
                     "subject_id", "left").collect())
    if not missing:
        return 0
    master, now = load_master_key(settings), datetime.now(UTC)
    rows = []
    for row in missing:
        version = (row["last"] or 0) + 1
        rows.append((row["subject_id"], version,
                     wrap_key(master, generate_data_key(), row["subject_id"], version), now, None))
    new = spark.createDataFrame(rows, SCHEMA)
    (DeltaTable.forPath(spark, path).alias("t")
     .merge(new.alias("s"), "t.subject_id = s.subject_id and t.key_version = s.key_version")
     .whenNotMatchedInsertAll().execute())
    log.info("key store: %d data keys created", len(rows))
    return len(rows)


@contextmanager
def session_conf(spark, values: dict[str, str]):
    """Set session confs for one operation only, restoring the previous values afterwards."""
    previous = {key: spark.conf.get(key, None) for key in values}
    for key, value in values.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def destroy_subject_keys(spark, settings: Settings, subject_ids: Iterable[str]) -> int:
    """Crypto-shred subjects: null their wrapped keys and purge every older key-store file.

    After this, no version of any data table can be decrypted for these subjects. Returns the
    number of keys destroyed.
    """
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    ids = sorted(set(subject_ids))
    if not ids:
        return 0
    path = _ensure_table(spark, settings)
    table = DeltaTable.forPath(spark, path)
    target = F.col("subject_id").isin(ids) & F.col("wrapped_key").isNotNull()
    log_dir = Path(path) / "_delta_log"
    before = delta_log.version(log_dir)
    table.update(target, {"wrapped_key": F.lit(None).cast("binary"),
                          "destroyed_at": F.current_timestamp()})
    after = delta_log.version(log_dir)  # the update's own metrics: no extra scan
    destroyed = int(delta_log.operation_metrics(log_dir, after).get("numUpdatedRows", 0)) \
        if after > before else 0
    with session_conf(spark, PURGE_CONF):
        table.vacuum(0.0)
    log.info("key store: %d data keys destroyed and purged", destroyed)
    return destroyed


def destroy_subject_key(spark, settings: Settings, subject_id: str) -> int:
    """Crypto-shred one subject (see :func:`destroy_subject_keys`)."""
    return destroy_subject_keys(spark, settings, [subject_id])
