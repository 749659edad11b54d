"""Silver loyalty members: typed and normalised, one row per loyalty number, plus tier history.

Rows whose business key or change timestamp cannot be read are rejected to quarantine with the
field and reason; impossible dates of birth become null and are quarantined as a warning record
so data stewards see them, while the member still lands.

Names, date of birth, email, phone, address and passport are stored only encrypted under the
member's data key (``<c>_enc``) with blind indexes for matching (``pipelines.silver.pii``). What
gold needs from them is derived first, from the clear values: ``age_band`` and
``has_valid_email``.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import latest_by, quarantine_rows
from pipelines.silver.merge import SilverReport, append_quarantine, merge_into, stream_bronze
from pipelines.silver.pii import protect_pii
from pipelines.spark import table_path

TIERS = ("BLUE", "SILVER", "GOLD", "PLATINUM")
MEMBER_COLUMNS = (
    "loyalty_number", "tier", "tier_since", "points_balance", "first_name", "last_name",
    "date_of_birth", "email", "phone", "street", "city", "postcode", "country", "nationality",
    "passport_number", "enrolled_at", "updated_at",
)
DERIVED_COLUMNS = ("age_band", "has_valid_email")
AGE_BANDS = ((18, "0-17"), (25, "18-24"), (35, "25-34"), (50, "35-49"), (65, "50-64"))
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def transform_loyalty_members(bronze_df):
    """Type and normalise bronze loyalty rows; return ``(typed, rejects)`` DataFrames."""
    from pyspark.sql import functions as F

    def clean(col: str):
        return F.nullif(F.trim(F.col(col)), F.lit(""))

    typed = bronze_df.select(
        F.upper(clean("loyalty_number")).alias("loyalty_number"),
        F.upper(clean("tier")).alias("tier"),
        F.to_date(clean("tier_since")).alias("tier_since"),
        clean("points_balance").try_cast("long").alias("points_balance"),
        F.initcap(clean("first_name")).alias("first_name"),
        F.initcap(clean("last_name")).alias("last_name"),
        F.try_to_date(clean("date_of_birth")).alias("date_of_birth"),
        F.lower(clean("email")).alias("email"),
        F.regexp_replace(clean("phone"), r"[^0-9+]", "").alias("phone"),
        clean("street").alias("street"),
        clean("city").alias("city"),
        clean("postcode").alias("postcode"),
        F.upper(clean("country")).alias("country"),
        F.upper(clean("nationality")).alias("nationality"),
        F.upper(F.regexp_replace(clean("passport_number"), r"\s", "")).alias("passport_number"),
        F.try_to_timestamp(clean("enrolled_at")).alias("enrolled_at"),
        F.try_to_timestamp(clean("updated_at")).alias("updated_at"),
        "_source_file", "_line", "_ingested_at", "_batch_id",
        clean("date_of_birth").alias("_raw_dob"),
    )
    problem = (
        F.when(F.col("loyalty_number").isNull(), F.lit("loyalty_number|missing business key"))
        .when(F.col("updated_at").isNull(), F.lit("updated_at|missing or unreadable timestamp"))
        .when(~F.col("tier").isin(*TIERS), F.lit("tier|unknown tier"))
    )
    flagged = typed.withColumn("_problem", problem)
    good = flagged.where("_problem is null").drop("_problem")
    rejects = flagged.where("_problem is not null").select(
        F.split("_problem", r"\|")[0].alias("field"),
        F.split("_problem", r"\|")[1].alias("reason"),
        "_source_file", "_line", "_ingested_at", "_batch_id",
    )
    bad_dob = good.where(F.col("date_of_birth").isNull() & F.col("_raw_dob").isNotNull()).select(
        F.lit("date_of_birth").alias("field"),
        F.lit("impossible date of birth, stored as null").alias("reason"),
        "_source_file", "_line", "_ingested_at", "_batch_id",
    )
    return good.drop("_raw_dob"), rejects.unionByName(bad_dob)


def latest_per_member(typed_df):
    """Keep the most recent change of each member within a batch."""
    from pyspark.sql import functions as F

    return latest_by(typed_df, ["loyalty_number"], F.col("updated_at").desc(),
                     F.col("_source_file").desc(), F.col("_line").desc())


def add_derived_fields(members_df):
    """Add the non-PII fields gold needs from PII, before that PII is encrypted.

    ``age_band`` is the age at the profile's ``updated_at`` (not at run time), so re-running a
    batch gives the same row; children (the generator has some) get their own ``0-17`` band.
    ``has_valid_email`` keeps the email-format quality check possible without the email.
    """
    from pyspark.sql import functions as F

    age = F.floor(F.months_between(F.to_date("updated_at"), F.col("date_of_birth")) / 12)
    band = F.when(F.col("date_of_birth").isNull(), F.lit("unknown"))
    for upper, label in AGE_BANDS:
        band = band.when(age < upper, F.lit(label))
    return members_df.withColumns({
        "age_band": band.otherwise(F.lit("65+")),
        "has_valid_email": F.col("email").rlike(EMAIL_PATTERN),
    })


def build_silver_loyalty(spark, settings: Settings) -> SilverReport:
    """Stream new bronze loyalty rows into ``silver.loyalty_members`` and ``tier_history``."""
    from pyspark.sql import functions as F

    def handle(batch_df, batch_id: int, report: SilverReport) -> None:
        typed, rejects = transform_loyalty_members(batch_df)
        typed = typed.persist()
        members = add_derived_fields(latest_per_member(typed)).select(
            *MEMBER_COLUMNS, *DERIVED_COLUMNS, "_source_file", "_ingested_at")
        members = protect_pii(members, settings, "silver", "loyalty_members").persist()
        merge_into(spark, members, table_path(settings, "silver", "loyalty_members"),
                   ["loyalty_number"], newer_than="updated_at")
        history = typed.select("loyalty_number", "tier", "tier_since").dropDuplicates()
        merge_into(spark, history, table_path(settings, "silver", "loyalty_tier_history"),
                   ["loyalty_number", "tier", "tier_since"])
        quarantine = quarantine_rows(rejects.withColumn("raw", F.lit(None).cast("string")),
                                     "loyalty", "loyalty_members")
        append_quarantine(settings, quarantine, "silver.loyalty_members", batch_id)
        report.read += batch_df.count()
        report.merged += members.count()
        report.quarantined += rejects.count()
        members.unpersist()
        typed.unpersist()

    return stream_bronze(spark, settings, "loyalty_members", "loyalty_members", handle)
