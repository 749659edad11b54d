"""Silver compensation payouts from Finance: one row per payout.

Finance writes the reason as ``<REGIME>_<CAUSE>`` (``EU261_CANCELLATION``, ``EU261_DELAY``) or
``GOODWILL_VOUCHER``; silver splits it into ``regime`` (``eu261`` | ``goodwill``) and ``cause``
so gold can sum payouts per regulation. Finance pays on a day (``paid_on``); ``paid_at`` is that
day's start in UTC, the instant every other silver table uses. The beneficiary's name and IBAN
are stored only encrypted under the payout's subject (``payout_id``), with a name blind index;
booking reference, ticket and flight stay clear to link the payout to the passenger.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    clean,
    is_iso_currency,
    person_name,
    record_version,
    split_checks,
)
from pipelines.silver.flow import TableFlow, build_table

REGIMES = ("eu261", "goodwill")


def transform_compensation_payouts(bronze_df):
    """Typed payouts with clear PII still in; ``(payouts, rejects)``."""
    from pyspark.sql import functions as F

    reason = F.upper(clean("reason"))
    regime = F.lower(F.split(reason, "_")[0])
    typed = bronze_df.select(
        F.upper(clean("payout_id")).alias("payout_id"),
        F.try_to_date(clean("paid_on")).alias("paid_on"),
        person_name(clean("beneficiary_name")).alias("beneficiary_name"),
        F.upper(F.regexp_replace(clean("iban"), r"\s", "")).alias("iban"),
        clean("amount").try_cast("decimal(12,2)").alias("amount"),
        F.upper(clean("currency")).alias("currency"),
        reason.alias("reason_code"), regime.alias("regime"),
        F.lower(F.regexp_extract(reason, r"^[A-Z0-9]+_(.+)$", 1)).alias("cause"),
        F.upper(F.regexp_replace(clean("flight_number"), r"\s", "")).alias("flight_number"),
        F.try_to_date(clean("flight_date")).alias("flight_date"),
        F.upper(clean("record_locator")).alias("record_locator"),
        F.nullif(F.regexp_replace(clean("ticket_number"), r"\D", ""), F.lit("")).alias(
            "ticket_number"),
        record_version().alias("_record_version"), "_source_file", "_line", "_ingested_at",
        "_batch_id",
    ).withColumn("paid_at", F.to_timestamp("paid_on"))
    return split_checks(typed, [
        ("payout_id_not_null", "payout_id", F.col("payout_id").isNull()),
        ("paid_on_parseable", "paid_on", F.col("paid_on").isNull()),
        ("amount_parseable", "amount", F.col("amount").isNull()),
        ("currency_iso4217", "currency", ~is_iso_currency(F.col("currency"))),
        ("regime_known", "reason", ~F.col("regime").isin(*REGIMES)),
    ], F.col("payout_id"))


FLOW = TableFlow("compensation", "compensation_payouts", "compensation_payouts", ("payout_id",),
                 transform_compensation_payouts, encrypted=True)


def build_silver_compensation(spark, settings: Settings) -> dict:
    """Stream new bronze payouts into ``silver.compensation_payouts``."""
    return {FLOW.table: build_table(spark, settings, FLOW)}
