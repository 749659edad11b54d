"""MERGE decisions into gold and write one outbox notification per new or changed decision.

The outbox (``gold.compensation_outbox``) is what the CMP sends to customers: "compensation
approved / not due / under review, because ...". Its ``event_id`` is derived from the decision and
its content hash, so a replayed decision can never queue the same notification twice.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.spark import table_path

HEADLINES = {"due": "compensation approved", "not_due": "compensation not due",
             "needs_review": "compensation claim under review"}


def _ensure(spark, path, df) -> None:
    from delta.tables import DeltaTable

    if not DeltaTable.isDeltaTable(spark, str(path)):
        df.limit(0).write.format("delta").save(str(path))


def changed_decisions(spark, path, decisions):
    """Decisions that are new or whose content hash differs from the stored one."""
    from pyspark.sql import functions as F

    current = spark.read.format("delta").load(str(path)).select(
        "decision_id", F.col("content_hash").alias("_stored_hash"))
    return decisions.join(current, "decision_id", "left").where(
        F.col("_stored_hash").isNull() | (F.col("_stored_hash") != F.col("content_hash"))
    ).withColumn("is_new", F.col("_stored_hash").isNull()).drop("_stored_hash")


def transform_outbox(changed):
    """One notification per changed decision: headline + the decisive reason."""
    from pyspark.sql import functions as F

    headline = F.create_map(*[F.lit(x) for kv in HEADLINES.items() for x in kv])[F.col("status")]
    what = F.when(F.col("status") != "due", F.lit("")).when(
        F.col("payment") == "miles", F.format_string(": %,d miles", F.col("miles"))).otherwise(
        F.format_string(": EUR %.2f (%s)", F.col("amount").cast("double"), F.col("payment")))
    return changed.select(
        F.substring(F.sha2(F.concat_ws("|", "decision_id", "content_hash"), 256), 1, 32).alias(
            "event_id"),
        "decision_id", "record_locator", "ticket_number", "flight_number", "flight_date",
        F.concat(F.lit("compensation_"), F.col("status")).alias("notification"),
        F.concat(headline, what, F.lit(", because "), F.col("reason")).alias("message"),
        "regime", "amount", "currency", "miles", "payment", "explanation", "rule_version",
        F.when(F.col("is_new"), "new").otherwise("changed").alias("change"),
        F.current_timestamp().alias("created_at"), F.lit("pending").alias("delivery_status"))


def merge_decisions(spark, settings: Settings, decisions, conf: dict) -> dict:
    """Upsert decisions (only changed content), append their notifications; return counts.

    Both frames are checkpointed first: the changed set is computed against gold *before* the
    MERGE, and recomputing it after would find nothing changed and lose the notifications.
    """
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    gold = table_path(settings, "gold", conf["gold_table"])
    outbox = table_path(settings, "gold", conf["outbox_table"])
    decisions = decisions.localCheckpoint()  # evaluate once: the MERGE must not re-run it
    _ensure(spark, gold, decisions)
    changed = changed_decisions(spark, gold, decisions).localCheckpoint()
    notes = transform_outbox(changed)
    _ensure(spark, outbox, notes)
    counts = {r["status"]: r["count"] for r in decisions.groupBy("status").count().collect()}
    new = changed.where(F.col("is_new")).count()
    report = {"events": decisions.count(), "new": new, "changed": changed.count() - new,
              "by_status": counts}
    (DeltaTable.forPath(spark, str(gold)).alias("t")
     .merge(decisions.alias("s"), "t.decision_id = s.decision_id")
     .whenMatchedUpdateAll(condition="t.content_hash <> s.content_hash")
     .whenNotMatchedInsertAll().execute())
    (DeltaTable.forPath(spark, str(outbox)).alias("t")
     .merge(notes.alias("s"), "t.event_id = s.event_id").whenNotMatchedInsertAll().execute())
    report["outbox_events"] = report["new"] + report["changed"]
    report["unchanged"] = report["events"] - report["outbox_events"]
    return report
