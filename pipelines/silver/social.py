"""Silver social posts: public posts about the airline, one row per post.

Public is not the same as free to keep: a handle and a display name identify a person, and the
text can too. They are stored only encrypted under the post's subject (``post_id``) with a
``social_handle`` blind index (the same index as contact interactions and feedback cases, so a
handle given in a chat links the post). What analysts need is derived before encryption: the
flight the post mentions (``MR1234``), if any, and its length; platform, time and reach stay
clear.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import clean, record_version, split_checks, utc_timestamp
from pipelines.silver.flow import TableFlow, build_table

PLATFORMS = ("x", "instagram", "threads", "bluesky", "facebook", "tiktok")
FLIGHT_MENTION = r"\b([A-Za-z]{2})(\d{2,4})\b"  # "MR1763", "mr1507"; not "is 5"


def mentioned_flight():
    """Column: the first flight designator in the post's text, as ``MR1234``, else null."""
    from pyspark.sql import functions as F

    carrier = F.regexp_extract(clean("text"), FLIGHT_MENTION, 1)
    number = F.regexp_extract(clean("text"), FLIGHT_MENTION, 2)
    return F.when(carrier != "", F.concat(F.upper(carrier), number.cast("int").cast("string")))


def transform_social_posts(bronze_df):
    """Typed posts with clear PII still in; ``(posts, rejects)``."""
    from pyspark.sql import functions as F

    typed = bronze_df.select(
        clean("post_id").alias("post_id"), F.lower(clean("platform")).alias("platform"),
        utc_timestamp("posted_at").alias("posted_at"),
        F.lower(clean("handle")).alias("social_handle"),
        clean("display_name").alias("display_name"), clean("text").alias("text"),
        mentioned_flight().alias("mentioned_flight_number"),
        F.length(clean("text")).alias("text_length"),
        clean("likes").try_cast("int").alias("likes"),
        clean("reposts").try_cast("int").alias("reposts"),
        record_version().alias("_record_version"), "_source_file", "_line", "_ingested_at",
        "_batch_id")
    return split_checks(typed, [
        ("post_id_not_null", "post_id", F.col("post_id").isNull()),
        ("posted_at_parseable", "posted_at", F.col("posted_at").isNull()),
        ("social_handle_not_null", "handle", F.col("social_handle").isNull()),
    ], F.col("post_id"))


FLOW = TableFlow("social", "social_posts", "social_posts", ("post_id",), transform_social_posts,
                 encrypted=True)


def build_silver_social(spark, settings: Settings) -> dict:
    """Stream new bronze posts into ``silver.social_posts``."""
    return {FLOW.table: build_table(spark, settings, FLOW)}
