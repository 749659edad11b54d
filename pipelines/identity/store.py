"""The golden-customer tables: read the previous state, write the new one idempotently.

``silver.customer_xref`` (record -> customer), ``silver.golden_customers`` (one row per
customer, no clear PII), ``ops.identity_merges`` (every merge, refusal and split with its
evidence) and ``ops.identity_splits`` (what a steward split apart, so no run merges it back).
Every write is a Delta MERGE that changes only rows whose values differ, so a run that finds
nothing new commits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.config import Settings
from pipelines.identity.ids import id_number
from pipelines.spark import table_path

XREF = ("silver", "customer_xref")
GOLDEN = ("silver", "golden_customers")
MERGES = ("ops", "identity_merges")
SPLITS = ("ops", "identity_splits")
IDENTITY_TABLES = (XREF, GOLDEN, MERGES, SPLITS)  # what a clean identity state lacks
XREF_SCHEMA = ("source_table string, record_key string, customer_id string, matched_by string, "
               "match_weight double, subject_id string, first_seen_at timestamp, "
               "updated_at timestamp")
MERGES_SCHEMA = ("run_id string, decided_at timestamp, decision string, reason string, "
                 "matched_by string, match_weight double, left_source string, left_key string, "
                 "right_source string, right_key string, customer_id string, "
                 "other_customer_id string, absorbed_customer_id string")
SPLITS_SCHEMA = ("split_id string, customer_id string, new_customer_id string, "
                 "source_table string, record_key string, side string, reason string, "
                 "actor string, split_at timestamp")
MERGE_KEYS = ("left_source", "left_key", "right_source", "right_key", "matched_by", "decision")


def path(settings: Settings, table: tuple[str, str]) -> str:
    return str(table_path(settings, *table))


def exists(settings: Settings, table: tuple[str, str]) -> bool:
    return (table_path(settings, *table) / "_delta_log").exists()


def read(spark, settings: Settings, table: tuple[str, str]):
    return spark.read.format("delta").load(path(settings, table)) if exists(settings, table) \
        else None


@dataclass
class State:
    """What earlier runs decided, keyed by ``record_id`` (``<source_table>|<record_key>``)."""

    xref: dict[str, dict] = field(default_factory=dict)
    split_tags: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    last_number: int = 0


def load_state(spark, settings: Settings, prefix: str) -> State:
    state = State()
    numbers = [0]
    xref = read(spark, settings, XREF)
    if xref is not None:
        for r in xref.collect():
            state.xref[f"{r.source_table}|{r.record_key}"] = r.asDict()
            numbers.append(id_number(prefix, r.customer_id))
    splits = read(spark, settings, SPLITS)
    if splits is not None:
        for r in splits.collect():
            rid = f"{r.source_table}|{r.record_key}"
            state.split_tags.setdefault(rid, set()).add((r.split_id, r.side))
            numbers.append(id_number(prefix, r.new_customer_id))
    merges = read(spark, settings, MERGES)
    if merges is not None:
        numbers += [id_number(prefix, r[0]) for r in merges.where(
            "absorbed_customer_id is not null").select("absorbed_customer_id").collect()]
    state.last_number = max(numbers)
    return state


def _ensure(spark, settings: Settings, table: tuple[str, str], schema: str) -> str:
    from delta.tables import DeltaTable

    target = path(settings, table)
    if not DeltaTable.isDeltaTable(spark, target):
        (DeltaTable.createIfNotExists(spark).location(target)
         .addColumns(spark.createDataFrame([], schema).schema).execute())
    return target


def _differs(columns) -> str:
    return " or ".join(f"not (t.{c} <=> s.{c})" for c in columns)


def write_xref(spark, settings: Settings, rows: list[tuple]) -> None:
    """Upsert xref rows; a row changes only when its customer or evidence changed."""
    from delta.tables import DeltaTable

    target = _ensure(spark, settings, XREF, XREF_SCHEMA)
    df = spark.createDataFrame(rows, XREF_SCHEMA)
    changed = ("customer_id", "matched_by", "match_weight", "subject_id")
    (DeltaTable.forPath(spark, target).alias("t")
     .merge(df.alias("s"), "t.source_table = s.source_table and t.record_key = s.record_key")
     .whenMatchedUpdate(condition=_differs(changed),
                        set={**{c: f"s.{c}" for c in changed}, "updated_at": "s.updated_at"})
     .whenNotMatchedInsertAll().execute())


def append_decisions(spark, settings: Settings, rows: list[tuple]) -> None:
    """Insert merge / refusal / split rows not recorded before (same pair, rule and outcome)."""
    from delta.tables import DeltaTable

    target = _ensure(spark, settings, MERGES, MERGES_SCHEMA)
    if not rows:
        return
    df = spark.createDataFrame(rows, MERGES_SCHEMA).dropDuplicates(list(MERGE_KEYS))
    cond = " and ".join(f"t.{k} <=> s.{k}" for k in MERGE_KEYS)
    (DeltaTable.forPath(spark, target).alias("t").merge(df.alias("s"), cond)
     .whenNotMatchedInsertAll().execute())


def append_splits(spark, settings: Settings, rows: list[tuple]) -> None:
    target = _ensure(spark, settings, SPLITS, SPLITS_SCHEMA)
    spark.createDataFrame(rows, SPLITS_SCHEMA).write.format("delta").mode("append").save(target)


GOLDEN_FIELDS = ("loyalty_number", "record_count", "sources", "first_seen_at", "last_seen_at",
                 "country", "nationality", "age_band")


def golden_rows(xref, meta):
    """One row per customer from the xref and the sources' non-PII columns (Spark)."""
    from pyspark.sql import functions as F

    joined = xref.select("source_table", "record_key", "customer_id").join(
        meta, ["source_table", "record_key"], "left")
    recent = F.coalesce(F.unix_timestamp("last_seen_at"), F.lit(0)).cast("double")

    def preferred(col: str):  # loyalty profile first (source order), newest value first
        order = F.when(F.col(col).isNotNull(), F.col("source_rank") * 1e11 - recent)
        return F.min_by(col, order).alias(col)

    return joined.groupBy("customer_id").agg(
        F.max("loyalty_number").alias("loyalty_number"),
        F.count(F.lit(1)).alias("record_count"),
        F.array_sort(F.collect_set("source_table")).alias("sources"),
        F.min("first_seen_at").alias("first_seen_at"),
        F.max("last_seen_at").alias("last_seen_at"),
        preferred("country"), preferred("nationality"), preferred("age_band"))


def write_golden(spark, settings: Settings, golden, now) -> None:
    """MERGE customers: insert new, update changed, delete retired (merged or emptied) ones."""
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    df = golden.withColumns({"created_at": F.lit(now).cast("timestamp"),
                             "updated_at": F.lit(now).cast("timestamp")})
    target = path(settings, GOLDEN)
    if not DeltaTable.isDeltaTable(spark, target):
        df.limit(0).write.format("delta").save(target)
    (DeltaTable.forPath(spark, target).alias("t")
     .merge(df.alias("s"), "t.customer_id = s.customer_id")
     .whenMatchedUpdate(condition=_differs(GOLDEN_FIELDS),
                        set={**{c: f"s.{c}" for c in GOLDEN_FIELDS},
                             "updated_at": "s.updated_at"})
     .whenNotMatchedInsertAll().whenNotMatchedBySourceDelete().execute())


def rebuild_golden(spark, settings: Settings, meta, now) -> None:
    """Recompute golden_customers from the current xref (after a run or a split)."""
    write_golden(spark, settings, golden_rows(read(spark, settings, XREF), meta), now)
