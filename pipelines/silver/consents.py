"""Silver consents: every event (``consent_events``) and the state per subject and purpose
(``consents_current``).

The CMP must never act on a consent that was withdrawn, so the current state is what the latest
event *by event time* says, not the latest one landed: ``consents_current`` is MERGEd with an
``event_at`` guard, and a late event older than the stored state leaves it untouched. Within a
batch the latest event per subject and purpose wins; at equal times a withdrawal wins.

Subjects: the loyalty number when the event has one, else the email's blind index (the same
``email`` index as loyalty and PNRs, so identity resolution can join it). The email itself is
not kept: consents only need to be matched, not to be sent anywhere.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    ConformReport,
    blind_index_column,
    clean,
    latest_by,
    merge_counting,
    quarantine_rows,
    record_version,
    split_checks,
    utc_timestamp,
)
from pipelines.silver.merge import SilverReport, append_quarantine, stream_bronze
from pipelines.spark import table_path

PURPOSES = ("marketing_email", "sms", "profiling", "partner_sharing")
ACTIONS = ("given", "withdrawn")
EVENT_COLUMNS = ("event_id", "subject_id", "subject_type", "loyalty_number", "email_bidx",
                 "purpose", "action", "is_granted", "event_at", "channel", "policy_version",
                 "_record_version", "_source_file", "_ingested_at")
CURRENT_COLUMNS = ("subject_id", "subject_type", "loyalty_number", "email_bidx", "purpose",
                   "is_granted", "event_at", "event_id", "channel", "policy_version",
                   "_source_file", "_ingested_at")


def transform_consent_events(bronze_df):
    """Type and check bronze consent events; return ``(events, rejects)`` (email still clear)."""
    from pyspark.sql import functions as F

    typed = bronze_df.select(
        F.upper(clean("event_id")).alias("event_id"),
        F.upper(clean("loyalty_number")).alias("loyalty_number"),
        F.lower(clean("email")).alias("email"),
        F.lower(clean("purpose")).alias("purpose"),
        F.lower(clean("action")).alias("action"),
        utc_timestamp("event_at").alias("event_at"),
        F.lower(clean("channel")).alias("channel"),
        clean("policy_version").alias("policy_version"),
        record_version().alias("_record_version"),
        "_source_file", "_line", "_ingested_at", "_batch_id",
    ).withColumn("is_granted", F.col("action") == "given")
    return split_checks(typed, [
        ("event_id_not_null", "event_id", F.col("event_id").isNull()),
        ("subject_identifier_present", "loyalty_number",
         F.col("loyalty_number").isNull() & F.col("email").isNull()),
        ("purpose_known", "purpose", ~F.col("purpose").isin(*PURPOSES)),
        ("action_known", "action", ~F.col("action").isin(*ACTIONS)),
        ("event_at_parseable", "event_at", F.col("event_at").isNull()),
    ], F.col("event_id"))


def with_subject(events_df):
    """Add ``subject_id``/``subject_type`` from the loyalty number, else the email index."""
    from pyspark.sql import functions as F

    loyalty = F.col("loyalty_number").isNotNull()
    return events_df.withColumns({
        "subject_type": F.when(loyalty, F.lit("loyalty_number")).otherwise(F.lit("email_bidx")),
        "subject_id": F.when(loyalty, F.concat(F.lit("loyalty:"), "loyalty_number"))
        .otherwise(F.concat(F.lit("email:"), "email_bidx")),
    })


def index_emails(events_df, settings: Settings):
    """Replace the clear email by its blind index (``email_bidx``)."""
    return blind_index_column(events_df, "email", ["email"], settings).drop("email")


def latest_events(events_df):
    """One row per event id: the copy landed last."""
    from pyspark.sql import functions as F

    return latest_by(events_df, ["event_id"], F.col("_record_version").desc())


def current_state(events_df):
    """The latest event per subject and purpose (a withdrawal wins a tie)."""
    from pyspark.sql import functions as F

    return latest_by(events_df, ["subject_id", "purpose"], F.col("event_at").desc(),
                     F.col("is_granted").asc(), F.col("event_id").desc())


def build_silver_consents(spark, settings: Settings) -> dict[str, ConformReport]:
    """Stream new bronze consent events into ``consent_events`` and ``consents_current``."""
    reports = {t: ConformReport(table=t) for t in ("consent_events", "consents_current")}

    def handle(batch_df, batch_id: int, _: SilverReport) -> None:
        typed, rejects = transform_consent_events(batch_df)
        events = with_subject(index_emails(latest_events(typed), settings)).persist()
        read, kept, bad = batch_df.count(), events.count(), rejects.count()
        report = reports["consent_events"]
        report.inserted += merge_counting(
            spark, events.select(*EVENT_COLUMNS), table_path(settings, "silver", "consent_events"),
            ["event_id"], newer_than="_record_version")
        current = current_state(events).select(*CURRENT_COLUMNS)
        state = reports["consents_current"]
        state.read += kept
        state.merged += current.count()
        state.inserted += merge_counting(
            spark, current, table_path(settings, "silver", "consents_current"),
            ["subject_id", "purpose"], newer_than="event_at")
        append_quarantine(settings, quarantine_rows(rejects, "consents", "consent_events"),
                          "silver.consents", batch_id)
        report.read, report.merged = report.read + read, report.merged + kept
        report.quarantined += bad
        report.duplicates += read - kept - bad
        events.unpersist()

    stream_bronze(spark, settings, "consent_events", "consents", handle)
    return reports
