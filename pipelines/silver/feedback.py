"""Silver feedback: each case event (``feedback_events``), one row per case (``feedback_cases``).

The feed sends one line per lifecycle event (opened, assigned, escalated, resolved), each on the
day it happens, so a case's events arrive over several files and batches. Events are MERGEd on
``(case_id, event)``. The case row is rebuilt for the cases a batch touches from *all* their
events in ``silver.feedback_events`` (status = the latest event by time; first response = the
first event after opening; resolved = the resolution's time), and MERGEd with ``coalesce(new,
old)`` per column, so an ``assigned`` line arriving days later updates the status without
wiping what only the ``opened`` line carried.

Priority is derived, since the feed has none: ``high`` once escalated, ``normal`` for a
complaint, ``low`` otherwise. The linked flight is the first designator in the case text (read
before the text is encrypted). The customer's name, email and social handle and the case text
are stored only encrypted under the case's subject (``case_id``), with email and social handle
blind indexes; the loyalty number and booking reference stay clear.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    ConformReport,
    clean,
    latest_by,
    merge_counting,
    person_name,
    quarantine_rows,
    record_version,
    split_checks,
    utc_timestamp,
)
from pipelines.silver.merge import SilverReport, append_quarantine, stream_bronze
from pipelines.silver.pii import protect_pii
from pipelines.silver.social import FLIGHT_MENTION
from pipelines.spark import table_path
from quality.gate import split_by_suite

EVENTS = ("opened", "assigned", "escalated", "resolved")
STATUS_OF = {"opened": "open", "assigned": "assigned", "escalated": "escalated",
             "resolved": "resolved"}
CUSTOMER = ("struct<first_name:string, last_name:string, email:string, loyalty_number:string, "
            "social_handle:string>")
EVENT_COLUMNS = ("case_id", "event", "event_at", "category", "channel", "team", "resolution",
                 "_record_version", "_source_file", "_line", "_ingested_at")
DETAIL_COLUMNS = ("case_id", "category", "channel", "loyalty_number", "record_locator",
                  "flight_number", "first_name", "last_name", "email", "social_handle", "text",
                  "_source_file", "_line")


def transform_feedback_events(bronze_df):
    """Typed case events, PII of ``opened`` lines still clear; ``(events, rejects)``."""
    from pyspark.sql import functions as F

    customer = F.from_json(clean("customer"), CUSTOMER)
    text = clean("text")
    typed = bronze_df.select(
        F.upper(clean("case_id")).alias("case_id"), F.lower(clean("event")).alias("event"),
        utc_timestamp("event_at").alias("event_at"), F.lower(clean("type")).alias("category"),
        F.lower(clean("channel")).alias("channel"), F.lower(clean("team")).alias("team"),
        F.lower(clean("resolution")).alias("resolution"),
        F.upper(F.nullif(F.trim(customer["loyalty_number"]), F.lit(""))).alias("loyalty_number"),
        F.upper(clean("record_locator")).alias("record_locator"),
        F.when(F.regexp_extract(text, FLIGHT_MENTION, 1) != "", F.concat(
            F.upper(F.regexp_extract(text, FLIGHT_MENTION, 1)),
            F.regexp_extract(text, FLIGHT_MENTION, 2).cast("int").cast("string"))).alias(
            "flight_number"),
        person_name(customer["first_name"]).alias("first_name"),
        person_name(customer["last_name"]).alias("last_name"),
        F.lower(F.nullif(F.trim(customer["email"]), F.lit(""))).alias("email"),
        F.lower(F.nullif(F.trim(customer["social_handle"]), F.lit(""))).alias("social_handle"),
        text.alias("text"), record_version().alias("_record_version"), "_source_file", "_line",
        "_ingested_at", "_batch_id")
    return split_checks(typed, [
        ("case_id_not_null", "case_id", F.col("case_id").isNull()),
        ("event_known", "event", ~F.col("event").isin(*EVENTS)),
        ("event_at_parseable", "event_at", F.col("event_at").isNull()),
    ], F.concat_ws("/", "case_id", "event"))


def latest_events(events_df):
    """One row per case and event: the copy landed last."""
    from pyspark.sql import functions as F

    return latest_by(events_df, ["case_id", "event"], F.col("_record_version").desc())


def case_status(all_events_df):
    """One row per case from all its events: status, timestamps, priority, team, resolution."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    def at(event: str):
        return F.min(F.when(F.col("event") == event, F.col("event_at")))

    order = Window.partitionBy("case_id").orderBy(F.col("event_at").desc(),
                                                  F.col("_record_version").desc())
    status = F.create_map(*[F.lit(x) for kv in STATUS_OF.items() for x in kv])
    last = all_events_df.withColumn("_rank", F.row_number().over(order)).where("_rank = 1") \
        .select("case_id", status[F.col("event")].alias("status"))
    cases = all_events_df.groupBy("case_id").agg(
        at("opened").alias("opened_at"),
        F.min(F.when(F.col("event") != "opened", F.col("event_at"))).alias("first_response_at"),
        at("resolved").alias("resolved_at"), at("escalated").alias("escalated_at"),
        F.max_by("team", F.when(F.col("team").isNotNull(), F.col("event_at"))).alias("team"),
        F.max("resolution").alias("resolution"),
        F.max(F.when(F.col("event") == "opened", F.col("category"))).alias("_category"),
        F.max("_ingested_at").alias("_ingested_at"))
    priority = (F.when(F.col("escalated_at").isNotNull(), F.lit("high"))
                .when(F.col("_category") == "complaint", F.lit("normal")).otherwise(F.lit("low")))
    return cases.join(last, "case_id").withColumn("priority", priority).drop("_category")


def case_rows(status_df, opened_df):
    """Case rows: status from all events, details from this batch's ``opened`` lines (or null,
    which the MERGE's coalesce turns into the stored value)."""
    details = opened_df.where("event = 'opened'").select(*DETAIL_COLUMNS)
    return status_df.join(details, "case_id", "left")


def merge_cases(spark, df, path) -> int:
    """Upsert cases keeping stored values where the new row has none; return rows inserted."""
    from delta.tables import DeltaTable

    if not DeltaTable.isDeltaTable(spark, str(path)):
        df.limit(0).write.format("delta").save(str(path))
    target = DeltaTable.forPath(spark, str(path))
    update = {c: f"coalesce(s.{c}, t.{c})" for c in df.columns if c != "case_id"}
    (target.alias("t").merge(df.alias("s"), "t.case_id = s.case_id")
     .whenMatchedUpdate(set=update).whenNotMatchedInsertAll().execute())
    metrics = target.history(1).first().operationMetrics
    return int(metrics.get("numTargetRowsInserted", 0))


def build_silver_feedback(spark, settings: Settings) -> dict[str, ConformReport]:
    """Stream new bronze case events into ``feedback_events`` and ``feedback_cases``."""
    from pyspark.sql import functions as F

    reports = {t: ConformReport(table=t) for t in ("feedback_events", "feedback_cases")}
    events_path = table_path(settings, "silver", "feedback_events")

    def handle(batch_df, batch_id: int, _: SilverReport) -> None:
        typed, rejects = transform_feedback_events(batch_df)
        kept = latest_events(typed).persist()
        events, bad_events, cached = split_by_suite(
            kept.select(*EVENT_COLUMNS, "_batch_id"), "silver__feedback_events",
            F.concat_ws("/", "case_id", "event"))
        events = events.drop("_batch_id")
        read, n_events, n_bad = batch_df.count(), events.count(), rejects.count()
        ev = reports["feedback_events"]
        ev.inserted += merge_counting(spark, events, events_path, ["case_id", "event"],
                                      newer_than="_record_version")
        touched = events.select("case_id").distinct()
        stored = spark.read.format("delta").load(str(events_path)).join(touched, "case_id")
        opened = kept.join(events.select("case_id", "event"), ["case_id", "event"])
        cases = protect_pii(case_rows(case_status(stored), opened), settings, "silver",
                            "feedback_cases")
        cs = reports["feedback_cases"]
        cs.read += n_events
        cs.merged += touched.count()
        cs.inserted += merge_cases(spark, cases, table_path(settings, "silver", "feedback_cases"))
        quarantine = quarantine_rows(rejects.unionByName(bad_events), "feedback",
                                     "feedback_events")
        append_quarantine(settings, quarantine, "silver.feedback", batch_id)
        n_bad += bad_events.count()
        ev.read, ev.merged, ev.quarantined = ev.read + read, ev.merged + n_events, \
            ev.quarantined + n_bad
        ev.duplicates += read - n_events - n_bad
        cached.unpersist()
        kept.unpersist()

    stream_bronze(spark, settings, "feedback_events", "feedback", handle)
    return reports
