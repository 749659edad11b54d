"""What a partner extract can be made of: named row sources over gold, plus the few PII fields
the generalisation and the free-text scan need, decrypted in memory only.

Gold holds no PII, so an extract's rows start there; but generalising age needs the date of
birth, and a partner's free text (a feedback case) is stored only encrypted in silver. A source
therefore has two parts: ``population`` (every customer's rows with their quasi-identifiers,
no free text: the extract is cut from it after the consent check, and the re-identification
risk is measured against all of it) and ``free_text`` (decrypts the text of the rows that are
actually shipped, and nobody else's). ``columns`` is the allow-list a spec may pick from, each
with its kind: a quasi-identifier the spec must generalise, free text it must anonymise, the
subject, or plain; direct identifiers (names, loyalty numbers, record locators) are never
offered.

Source ``trips``: one row per segment a resolved customer booked on or before the as-of date
(``gold.fct_bookings`` without cancelled segments; departure may lie ahead, which is what a
hotel partner plans with); ``flown_legs``: one row per leg flown (``gold.fct_flights``
without no-shows, cancelled and involuntarily rebooked legs) on or before the as-of date. Both
carry the customer's age at the as-of date, home city and country and nationality from the
loyalty profile (unknown for non-members), and the text of the first feedback case the customer
opened about that booking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pipelines.config import Settings
from pipelines.spark import table_path

NOT_FLOWN = ("no_show", "involuntarily_rebooked", "cancelled")  # fct_flights.outcome
CANCELLED = ("XX", "HX", "UN", "CANCELLED")  # fct_bookings.segment_status: no longer held


# Kinds of offered columns: the spec must generalise every QI and anonymise every FREE_TEXT.
SUBJECT, QI, FREE_TEXT, PLAIN = "subject", "quasi_identifier", "free_text", "plain"


@dataclass(frozen=True)
class ExtractSource:
    description: str
    subject: str  # the customer id column: consent is checked and pseudonyms are made on it
    columns: Mapping[str, str]  # offered column -> its kind
    population: Callable  # (spark, settings, as_of) -> pandas frame, one row per extract row
    free_text: Callable  # (spark, settings, rows) -> rows with the text columns added


def _delta(spark, settings: Settings, layer: str, table: str):
    return spark.read.format("delta").load(str(table_path(settings, layer, table)))


def _members(spark, settings: Settings, as_of: date):
    """Per loyalty number: age at ``as_of`` (from the decrypted birth date), city, country,
    nationality."""
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns

    subject = settings.get("privacy.tables.silver.loyalty_members.subject")
    members = _delta(spark, settings, "silver", "loyalty_members").select(
        "loyalty_number", "date_of_birth_enc", "city_enc", "country", "nationality")
    opened = decrypt_columns(members, subject, ["date_of_birth", "city"], settings)
    age = F.floor(F.months_between(F.lit(as_of), F.to_date("date_of_birth")) / 12)
    return opened.select("loyalty_number", age.cast("int").alias("age"),
                         F.col("city").alias("home_city"), F.col("country").alias("home_country"),
                         "nationality")


def _with_profile(spark, settings: Settings, rows, as_of: date) -> pd.DataFrame:
    """Rows (``customer_id``, ``record_locator``, ``travel_date``, ...) joined with each
    customer's loyalty profile quasi-identifiers, as pandas, in a stable order."""
    customers = _delta(spark, settings, "gold", "dim_customer").select("customer_id",
                                                                       "loyalty_number")
    profile = customers.join(_members(spark, settings, as_of), "loyalty_number", "left")
    joined = rows.join(profile.drop("loyalty_number"), "customer_id", "left")
    frame = joined.orderBy("customer_id", "travel_date", "route", "record_locator").toPandas()
    frame["travel_date"] = frame["travel_date"].astype("string")
    return frame


def trips_population(spark, settings: Settings, as_of: date) -> pd.DataFrame:
    """Every resolved customer's booked segments (booked by ``as_of``) with profile QIs."""
    from pyspark.sql import functions as F

    segments = (_delta(spark, settings, "gold", "fct_bookings")
                .where(F.col("customer_id").isNotNull()
                       & ~F.upper(F.coalesce("segment_status", F.lit(""))).isin(*CANCELLED)
                       & (F.to_date("booked_at") <= F.lit(as_of)))
                .select("customer_id", "record_locator",
                        F.col("departure_date").alias("travel_date"), "route", "cabin"))
    return _with_profile(spark, settings, segments, as_of)


def flown_legs_population(spark, settings: Settings, as_of: date) -> pd.DataFrame:
    """Every resolved customer's flown legs up to ``as_of`` with profile QIs."""
    from pyspark.sql import functions as F

    flights = (_delta(spark, settings, "gold", "fct_flights")
               .where(F.col("customer_id").isNotNull() & ~F.col("outcome").isin(*NOT_FLOWN)
                      & (F.col("flight_date") <= F.lit(as_of)))
               .select("customer_id", "record_locator", F.col("flight_date").alias("travel_date"),
                       "route", "cabin"))
    return _with_profile(spark, settings, flights, as_of)


def trips_feedback_text(spark, settings: Settings, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` plus ``feedback_text``: the first case each customer opened on that booking."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns

    out = rows.copy()
    out["feedback_text"] = None
    pairs = rows[["customer_id", "record_locator"]].dropna().drop_duplicates()
    if pairs.empty:
        return out
    wanted = spark.createDataFrame(pairs)
    first = Window.partitionBy("customer_id", "record_locator").orderBy("opened_at", "case_id")
    cases = (_delta(spark, settings, "gold", "fct_feedback")
             .join(wanted, ["customer_id", "record_locator"])
             .withColumn("_n", F.row_number().over(first)).where("_n = 1")
             .select("customer_id", "record_locator", "case_id"))
    subject = settings.get("privacy.tables.silver.feedback_cases.subject")
    texts = cases.join(_delta(spark, settings, "silver", "feedback_cases")
                       .select("case_id", "text_enc"), "case_id")
    opened = decrypt_columns(texts, subject, ["text"], settings).toPandas()
    text = {(r.customer_id, r.record_locator): r.text for r in opened.itertuples()}
    out["feedback_text"] = [text.get(key) for key in zip(rows["customer_id"],
                                                         rows["record_locator"], strict=True)]
    return out


TRIP_COLUMNS = {"customer_id": SUBJECT, "age": QI, "home_city": QI, "home_country": QI,
                "nationality": QI, "travel_date": QI, "route": QI, "cabin": PLAIN,
                "feedback_text": FREE_TEXT}
SOURCES: dict[str, ExtractSource] = {
    "trips": ExtractSource(
        description="one row per booked segment: customer, age, home, nationality, departure "
                    "date, route, cabin, feedback text on the booking",
        subject="customer_id", columns=TRIP_COLUMNS, population=trips_population,
        free_text=trips_feedback_text),
    "flown_legs": ExtractSource(
        description="one row per flown leg: customer, age, home, nationality, flight date, "
                    "route, cabin, feedback text on the booking",
        subject="customer_id", columns=TRIP_COLUMNS, population=flown_legs_population,
        free_text=trips_feedback_text),
}

# Whose names the PERSON deny-list knows: every person profile in silver (table, its subject
# column unless conf/base.yaml privacy.tables names another, first-name and last-name
# columns). All of them, not only the extracted people: a text may name a travel companion.
NAME_SOURCES = (("loyalty_members", "loyalty_number", "first_name", "last_name"),
                ("pnr_passengers", "pax_key", "first_name", "last_name"),
                ("flight_passengers", "pax_key", "given_name", "surname"),
                ("feedback_cases", "case_id", "first_name", "last_name"))


def known_names(spark, settings: Settings, tables: Iterable[tuple] = NAME_SOURCES) -> set[str]:
    """Full names of every person in silver profiles, decrypted in memory for the deny-list."""
    from privacy.columns import decrypt_columns
    from privacy.recognizers.person_deny_list import known_names_from_rows

    names: set[str] = set()
    for table, default_subject, first, last in tables:
        path = table_path(settings, "silver", table)
        if not (path / "_delta_log").exists():
            continue
        subject = settings.get(f"privacy.tables.silver.{table}.subject", default_subject)
        rows = _delta(spark, settings, "silver", table).select(
            subject, f"{first}_enc", f"{last}_enc")
        opened = decrypt_columns(rows, subject, [first, last], settings).collect()
        names |= known_names_from_rows((r.asDict() for r in opened), first, last)
    return names
