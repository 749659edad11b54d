"""Silver purchase lines: in-flight and web-shop order lines, one row per order and line.

Card data: only a payment token is kept, and only when it looks like one (``tok_<hex>``). A
value that is anything else (a PAN bronze redacted, a masked number) is dropped and the row is
flagged (``card_token_rejected``), so no card number can reach silver even if the source sends
one where the token belongs. Buyer name and email are stored encrypted under the order's subject
(``purchase_id``) with an email blind index; the loyalty number stays clear.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    clean,
    is_iso_currency,
    person_name,
    record_version,
    split_checks,
    utc_timestamp,
)
from pipelines.silver.flow import TableFlow, build_table

CHANNELS = ("inflight", "web")
TOKEN = r"^tok_[0-9a-f]{8,64}$"


def transform_purchase_lines(bronze_df):
    """Typed order lines with clear PII still in; ``(lines, rejects)``."""
    from pyspark.sql import functions as F

    token = clean("card_token")
    typed = bronze_df.select(
        F.upper(clean("purchase_id")).alias("purchase_id"),
        clean("line_no").try_cast("int").alias("line_no"),
        F.lower(clean("channel")).alias("channel"),
        utc_timestamp("purchased_at").alias("purchased_at"),
        F.upper(clean("loyalty_number")).alias("loyalty_number"),
        person_name(clean("customer_name")).alias("customer_name"),
        F.lower(clean("email")).alias("email"),
        F.upper(F.regexp_replace(clean("flight_number"), r"\s", "")).alias("flight_number"),
        F.try_to_date(clean("flight_date")).alias("flight_date"),
        F.upper(clean("seat")).alias("seat"), F.upper(clean("sku")).alias("sku"),
        clean("item_name").alias("item_name"),
        clean("quantity").try_cast("int").alias("quantity"),
        clean("unit_price").try_cast("decimal(12,2)").alias("unit_price"),
        clean("amount").try_cast("decimal(12,2)").alias("amount"),
        F.upper(clean("currency")).alias("currency"),
        F.when(token.rlike(TOKEN), token).alias("card_token"),
        (token.isNotNull() & ~token.rlike(TOKEN)).alias("card_token_rejected"),
        clean("shipment_carrier").alias("shipment_carrier"),
        F.upper(clean("tracking_number")).alias("tracking_number"),
        F.try_to_date(clean("shipped_at")).alias("shipped_on"),
        F.upper(clean("invoice_number")).alias("invoice_number"),
        F.upper(clean("promo_code")).alias("promo_code"),
        record_version().alias("_record_version"), "_source_file", "_line", "_ingested_at",
        "_batch_id")
    return split_checks(typed, [
        ("purchase_id_not_null", "purchase_id", F.col("purchase_id").isNull()),
        ("line_no_not_null", "line_no", F.col("line_no").isNull()),
        ("purchased_at_parseable", "purchased_at", F.col("purchased_at").isNull()),
        ("amount_parseable", "amount", F.col("amount").isNull()),
        ("currency_iso4217", "currency", ~is_iso_currency(F.col("currency"))),
    ], F.concat_ws("/", "purchase_id", F.col("line_no").cast("string")))


FLOW = TableFlow("purchases", "purchase_lines", "purchase_lines", ("purchase_id", "line_no"),
                 transform_purchase_lines, encrypted=True)


def build_silver_purchases(spark, settings: Settings) -> dict:
    """Stream new bronze purchase lines into ``silver.purchase_lines``."""
    return {FLOW.table: build_table(spark, settings, FLOW)}
