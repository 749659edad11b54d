"""Silver contact-centre interactions: calls, emails, chats and social DMs, one row per id.

What an analyst needs in clear is kept in clear: channel, start and end (UTC), duration, agent,
topic (the interaction's reason), CSAT, loyalty number and booking reference. The customer's
name, phone, email and social handle, and the transcript (free text that names people, numbers
and places), are stored only encrypted under the interaction's subject (``interaction_id``; a
per-record subject like ``pnr_passengers``' ``pax_key``), with blind indexes on email, phone
(E.164) and social handle so identity resolution can match the caller. Card numbers were
redacted from transcripts in bronze already.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    clean,
    person_name,
    phone_e164,
    record_version,
    split_checks,
    utc_timestamp,
)
from pipelines.silver.flow import TableFlow, build_table

CHANNELS = ("call", "email", "chat", "social")
CUSTOMER = ("struct<name:string, phone:string, email:string, loyalty_number:string, "
            "social_handle:string>")


def transform_contact_interactions(bronze_df):
    """Typed interactions with clear PII still in; ``(interactions, rejects)``."""
    from pyspark.sql import functions as F

    customer = F.from_json(clean("customer"), CUSTOMER)
    typed = bronze_df.select(
        F.upper(clean("interaction_id")).alias("interaction_id"),
        F.lower(clean("channel")).alias("channel"),
        utc_timestamp("started_at").alias("started_at"),
        utc_timestamp("ended_at").alias("ended_at"),
        F.upper(clean("agent_id")).alias("agent_id"), F.lower(clean("reason")).alias("topic"),
        clean("csat").try_cast("int").alias("csat"),
        F.upper(F.nullif(F.trim(customer["loyalty_number"]), F.lit(""))).alias("loyalty_number"),
        F.upper(clean("record_locator")).alias("record_locator"),
        person_name(customer["name"]).alias("customer_name"),
        F.nullif(F.trim(customer["phone"]), F.lit("")).alias("_raw_phone"),
        F.lower(F.nullif(F.trim(customer["email"]), F.lit(""))).alias("email"),
        F.lower(F.nullif(F.trim(customer["social_handle"]), F.lit(""))).alias("social_handle"),
        clean("transcript").alias("transcript"),
        record_version().alias("_record_version"), "_source_file", "_line", "_ingested_at",
        "_batch_id")
    e164 = phone_e164(F.col("_raw_phone"), F.lit(None).cast("string"))
    typed = typed.withColumn("_e164", e164).withColumns({
        "phone": F.coalesce("_e164", F.regexp_replace("_raw_phone", r"[^0-9+]", "")),
        "phone_is_e164": F.when(F.col("_raw_phone").isNotNull(), F.col("_e164").isNotNull()),
        "duration_seconds": F.col("ended_at").cast("long") - F.col("started_at").cast("long"),
        "has_transcript": F.col("transcript").isNotNull(),
    }).drop("_e164", "_raw_phone")
    return split_checks(typed, [
        ("interaction_id_not_null", "interaction_id", F.col("interaction_id").isNull()),
        ("started_at_parseable", "started_at", F.col("started_at").isNull()),
        ("channel_known", "channel", ~F.col("channel").isin(*CHANNELS)),
    ], F.col("interaction_id"))


FLOW = TableFlow("contact_centre", "contact_centre_interactions", "contact_interactions",
                 ("interaction_id",), transform_contact_interactions, encrypted=True)


def build_silver_contact_centre(spark, settings: Settings) -> dict:
    """Stream new bronze interactions into ``silver.contact_interactions``."""
    return {FLOW.table: build_table(spark, settings, FLOW)}
