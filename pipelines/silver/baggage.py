"""Silver baggage reports: one row per mishandled-bag report (delayed, damaged, lost).

The station is an IATA airport, checked like every airport in silver. The passenger's name
(``LAST/FIRST`` as baggage systems write it), phone, email and delivery address are stored only
encrypted under the report's subject (``report_id``), with email, phone (E.164) and name blind
indexes for matching; bag tag, booking reference and flight stay clear to link the report to
``flight_passengers`` and the PNR.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    clean,
    is_known_airport,
    person_name,
    phone_e164,
    record_version,
    split_checks,
    utc_timestamp,
)
from pipelines.silver.flow import TableFlow, build_table

REPORT_TYPES = ("DELAYED", "DAMAGED", "LOST")


def transform_baggage_reports(bronze_df):
    """Typed reports with clear PII still in; ``(reports, rejects)``."""
    from pyspark.sql import functions as F

    name = F.split(clean("passenger_name"), "/")
    typed = bronze_df.select(
        F.upper(clean("report_id")).alias("report_id"),
        utc_timestamp("reported_at").alias("reported_at"),
        F.upper(clean("station")).alias("station"),
        F.upper(clean("report_type")).alias("report_type"),
        F.upper(clean("bag_tag")).alias("bag_tag"),
        F.upper(clean("record_locator")).alias("record_locator"),
        F.upper(F.regexp_replace(clean("flight_number"), r"\s", "")).alias("flight_number"),
        F.try_to_date(clean("flight_date")).alias("flight_date"),
        person_name(F.element_at(name, 1)).alias("last_name"),
        person_name(F.element_at(name, 2)).alias("first_name"),
        clean("phone").alias("_raw_phone"), F.lower(clean("email")).alias("email"),
        clean("delivery_address").alias("delivery_address"),
        clean("bag_description").alias("bag_description"),
        F.upper(clean("status")).alias("status"),
        record_version().alias("_record_version"), "_source_file", "_line", "_ingested_at",
        "_batch_id")
    e164 = phone_e164(F.col("_raw_phone"), F.lit(None).cast("string"))
    typed = typed.withColumn("_e164", e164).withColumns({
        "phone": F.coalesce("_e164", F.regexp_replace("_raw_phone", r"[^0-9+]", "")),
        "phone_is_e164": F.when(F.col("_raw_phone").isNotNull(), F.col("_e164").isNotNull()),
    }).drop("_e164", "_raw_phone")
    return split_checks(typed, [
        ("report_id_not_null", "report_id", F.col("report_id").isNull()),
        ("reported_at_parseable", "reported_at", F.col("reported_at").isNull()),
        ("station_iata_known", "station", ~is_known_airport(F.col("station"))),
        ("report_type_known", "report_type", ~F.col("report_type").isin(*REPORT_TYPES)),
    ], F.col("report_id"))


FLOW = TableFlow("baggage", "baggage_reports", "baggage_reports", ("report_id",),
                 transform_baggage_reports, encrypted=True)


def build_silver_baggage(spark, settings: Settings) -> dict:
    """Stream new bronze baggage reports into ``silver.baggage_reports``."""
    return {FLOW.table: build_table(spark, settings, FLOW)}
