"""Purpose-level consent of golden customers as of any moment, from the consent ledger.

``silver.consent_events`` is the ledger (every given / withdrawn event with its time), so the
state at a moment is the latest event at or before it per subject and purpose; at equal times a
withdrawal wins. Consent subjects are ``loyalty:<number>`` or ``email:<blind index>`` (see
``pipelines.silver.consents``); a customer holds
every subject of their records (``silver.customer_xref``), and their consent is the latest event
across those subjects: a withdrawal through any channel is honoured.
"""

from __future__ import annotations

from datetime import datetime

from pipelines.config import Settings
from pipelines.spark import table_path


def _delta(spark, settings: Settings, layer: str, table: str):
    return spark.read.format("delta").load(str(table_path(settings, layer, table)))


def customer_subjects(spark, settings: Settings):
    """``customer_id, subject_id`` for every consent subject a customer can be known by."""
    from pyspark.sql import functions as F

    xref = _delta(spark, settings, "silver", "customer_xref")
    loyalty = xref.where(F.col("source_table") == "silver.loyalty_members").select(
        "customer_id", F.concat(F.lit("loyalty:"), "record_key").alias("subject_id"))
    members = _delta(spark, settings, "silver", "loyalty_members").select(
        F.col("loyalty_number").alias("record_key"), "email_bidx")
    passengers = _delta(spark, settings, "silver", "pnr_passengers").select(
        F.col("pax_key").alias("record_key"), "email_bidx")
    emails = (xref.join(members.unionByName(passengers), "record_key")
              .where(F.col("email_bidx").isNotNull())
              .select("customer_id", F.concat(F.lit("email:"), "email_bidx").alias("subject_id")))
    return loyalty.unionByName(emails).dropDuplicates()


def consent_in_force(spark, settings: Settings, purpose: str, as_of: datetime | None = None):
    """``customer_id, is_granted, event_at`` per customer with any event for ``purpose``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    events = _delta(spark, settings, "silver", "consent_events").where(
        F.col("purpose") == purpose)
    if as_of is not None:
        events = events.where(F.col("event_at") <= F.lit(as_of))
    mapped = customer_subjects(spark, settings).join(events, "subject_id")
    latest = Window.partitionBy("customer_id").orderBy(
        F.col("event_at").desc(), F.col("is_granted").asc(), F.col("event_id").desc())
    return (mapped.withColumn("_n", F.row_number().over(latest)).where("_n = 1")
            .select("customer_id", "is_granted", "event_at"))
