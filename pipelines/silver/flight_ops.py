"""Silver flight operations from the EDH extracts: legs, passengers flown, ancillaries, forecast.

Bronze keeps the fixed-width slices as text (types already checked per field); silver casts them.
Flights are named as in the PNR segments, carrier plus number without zeros (``MR1000``), so
gold joins a booked segment to its operated leg on ``(carrier, flight_number, flight_date)``.
EDH times are UTC already: a leg's departure is its date plus ``HHMM``; an arrival earlier in
the day than the departure is on the next day.

Passengers' names are PII: they are stored only encrypted under the passenger record's subject
``<record_locator>/<ticket_number>`` (``pax_key``; the same kind of per-record subject as
``pnr_passengers``), with the ``name`` blind index (surname + given name) for matching. The
loyalty number stays clear, a business identifier as in ``loyalty_members``.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.silver.conform import (
    blind_index_column,
    clean,
    is_iso_currency,
    is_known_airport,
    person_name,
    record_version,
    split_checks,
)
from pipelines.silver.flow import TableFlow, build_table

STATUSES = {"ON TIME": "on_time", "DELAY": "delayed", "DELAYED": "delayed",
            "CANCELLED": "cancelled", "DIVERTED": "diverted"}
FLOWN = {"FL": "flown", "NS": "no_show", "IR": "involuntarily_rebooked"}
CABINS = ("J", "W", "Y")
ANCILLARIES = ("SEAT", "XBAG", "LOUNGE", "WIFI", "MEAL", "UPGR")


def _lineage():
    return [record_version().alias("_record_version"), "_source_file", "_line", "_ingested_at",
            "_batch_id"]


def _flight():
    """``carrier``, ``flight_number`` (``MR1000``) and ``flight_date`` of an EDH row."""
    from pyspark.sql import functions as F

    carrier = F.upper(clean("carrier"))
    number = clean("flight_number").try_cast("int")
    return [carrier.alias("carrier"),
            F.concat(carrier, number.cast("string")).alias("flight_number"),
            F.try_to_date(clean("flight_date"), "yyyyMMdd").alias("flight_date")]


def _flight_checks():
    from pyspark.sql import functions as F

    return [("carrier_not_null", "carrier", F.col("carrier").isNull()),
            ("flight_number_not_null", "flight_number", F.col("flight_number").isNull()),
            ("flight_date_parseable", "flight_date", F.col("flight_date").isNull())]


def _airport_checks():
    from pyspark.sql import functions as F

    return [("origin_iata_known", "origin", ~is_known_airport(F.col("origin"))),
            ("destination_iata_known", "destination", ~is_known_airport(F.col("destination")))]


def _at(date_col: str, hhmm: str):
    from pyspark.sql import functions as F

    return F.try_to_timestamp(F.concat(F.date_format(date_col, "yyyyMMdd"), clean(hhmm)),
                              F.lit("yyyyMMddHHmm"))


def transform_flight_legs(bronze_df):
    """Typed flight legs with UTC schedule and normalised status; ``(legs, rejects)``."""
    from pyspark.sql import functions as F

    status = F.create_map(*[F.lit(x) for kv in STATUSES.items() for x in kv])[
        F.upper(clean("status"))]
    typed = bronze_df.select(
        *_flight(), F.upper(clean("origin")).alias("origin"),
        F.upper(clean("destination")).alias("destination"),
        clean("sched_dep").alias("_dep"), clean("sched_arr").alias("_arr"),
        status.alias("status"),
        clean("delay_minutes").try_cast("int").alias("arrival_delay_minutes"),
        clean("delay_cause").alias("delay_cause_code"), F.upper(clean("gate")).alias("gate"),
        F.upper(clean("diverted_to")).alias("diverted_to"),
        clean("seats").try_cast("int").alias("seats"), *_lineage())
    dep, arr = _at("flight_date", "_dep"), _at("flight_date", "_arr")
    typed = typed.withColumns({
        "scheduled_departure_at": dep,
        "scheduled_arrival_at": F.when(arr < dep, arr + F.expr("interval 1 day")).otherwise(arr),
    }).drop("_dep", "_arr")
    return split_checks(typed, [
        *_flight_checks(), *_airport_checks(),
        ("scheduled_departure_parseable", "sched_dep", F.col("scheduled_departure_at").isNull()),
        ("status_known", "status", F.col("status").isNull()),
        ("diverted_to_iata_known", "diverted_to", F.col("diverted_to").isNotNull()
         & ~is_known_airport(F.col("diverted_to"))),
    ], _flight_key())


def _flight_key(*more: str):
    from pyspark.sql import functions as F

    return F.concat_ws("/", "flight_number", F.col("flight_date").cast("string"),
                       *[F.col(c).cast("string") for c in more])


def _bag_tags():
    from pyspark.sql import functions as F

    tags = F.array(*[F.upper(clean(f"bag_tag_{i}")) for i in (1, 2, 3)])
    return F.filter(tags, lambda t: t.isNotNull())


def transform_flight_passengers(bronze_df):
    """Typed passengers per flown leg, names still clear; ``(passengers, rejects)``.

    The caller encrypts (``privacy.tables.silver.flight_passengers``) before writing.
    """
    from pyspark.sql import functions as F

    flown = F.create_map(*[F.lit(x) for kv in FLOWN.items() for x in kv])[
        F.upper(clean("flown_status"))]
    locator = F.upper(clean("record_locator"))
    ticket = F.nullif(F.regexp_replace(clean("ticket_number"), r"\D", ""), F.lit(""))
    typed = bronze_df.select(
        *_flight(), F.upper(clean("origin")).alias("origin"),
        F.upper(clean("destination")).alias("destination"),
        locator.alias("record_locator"), ticket.alias("ticket_number"),
        F.concat_ws("/", locator, ticket).alias("pax_key"),
        person_name(clean("surname")).alias("surname"),
        person_name(clean("given_name")).alias("given_name"),
        F.upper(clean("cabin")).alias("cabin"), F.upper(clean("rbd")).alias("rbd"),
        F.upper(clean("seat")).alias("seat"), flown.alias("flown_status"),
        F.try_to_date(clean("rebooked_from"), "yyyyMMdd").alias("rebooked_from"),
        clean("bag_count").try_cast("int").alias("bag_count"), _bag_tags().alias("bag_tags"),
        F.upper(clean("loyalty_number")).alias("loyalty_number"), *_lineage())
    return split_checks(typed, [
        *_flight_checks(),
        ("record_locator_not_null", "record_locator", F.col("record_locator").isNull()),
        ("ticket_number_not_null", "ticket_number", F.col("ticket_number").isNull()),
        ("surname_not_null", "surname", F.col("surname").isNull()),
        ("flown_status_known", "flown_status", F.col("flown_status").isNull()),
    ], _flight_key("record_locator", "ticket_number"))


def transform_ancillaries(bronze_df):
    """Typed ancillaries per passenger and leg, price in currency units; ``(rows, rejects)``."""
    from pyspark.sql import functions as F

    typed = bronze_df.select(
        F.upper(clean("record_locator")).alias("record_locator"),
        F.nullif(F.regexp_replace(clean("ticket_number"), r"\D", ""), F.lit("")).alias(
            "ticket_number"),
        *_flight(), F.upper(clean("ancillary_code")).alias("ancillary_code"),
        (clean("price").try_cast("decimal(9,0)") / 100).cast("decimal(9,2)").alias("price"),
        F.upper(clean("currency")).alias("currency"), F.lower(clean("status")).alias("status"),
        *_lineage())
    return split_checks(typed, [
        *_flight_checks(),
        ("record_locator_not_null", "record_locator", F.col("record_locator").isNull()),
        ("ticket_number_not_null", "ticket_number", F.col("ticket_number").isNull()),
        ("ancillary_code_not_null", "ancillary_code", F.col("ancillary_code").isNull()),
        ("currency_iso4217", "currency", F.col("price").isNotNull()
         & ~is_iso_currency(F.col("currency"))),
    ], _flight_key("record_locator", "ticket_number", "ancillary_code"))


def transform_cabin_forecast(bronze_df):
    """Typed forecast per flight, cabin, RBD and forecast date; ``(rows, rejects)``."""
    from pyspark.sql import functions as F

    typed = bronze_df.select(
        *_flight(), F.upper(clean("origin")).alias("origin"),
        F.upper(clean("destination")).alias("destination"),
        F.upper(clean("cabin")).alias("cabin"), F.upper(clean("rbd")).alias("rbd"),
        clean("capacity").try_cast("int").alias("capacity"),
        clean("expected_load").try_cast("int").alias("expected_load"),
        (clean("load_factor").try_cast("decimal(7,0)") / 100).cast("decimal(5,2)").alias(
            "load_factor_pct"),
        F.try_to_date(clean("forecast_date"), "yyyyMMdd").alias("forecast_date"), *_lineage())
    return split_checks(typed, [
        *_flight_checks(), *_airport_checks(),
        ("cabin_known", "cabin", ~F.col("cabin").isin(*CABINS)),
        ("rbd_not_null", "rbd", F.col("rbd").isNull()),
        ("forecast_date_parseable", "forecast_date", F.col("forecast_date").isNull()),
    ], _flight_key("cabin", "rbd", "forecast_date"))


def add_name_index(passengers_df, settings: Settings):
    """Add ``name_bidx`` from surname and given name under the name rules of the ``name``
    index (as ``baggage_reports``), so the two join; the clear names are encrypted after."""
    from pyspark.sql import functions as F

    named = passengers_df.withColumns({"last_name": F.col("surname"),
                                       "first_name": F.col("given_name")})
    return blind_index_column(named, "name", ["last_name", "first_name"], settings).drop(
        "last_name", "first_name")


FLOWS = (
    TableFlow("edh_flight_legs", "edh_flight_legs", "flight_legs",
              ("carrier", "flight_number", "flight_date"), transform_flight_legs),
    TableFlow("edh_pax", "edh_pax", "flight_passengers",
              ("carrier", "flight_number", "flight_date", "record_locator", "ticket_number"),
              transform_flight_passengers, encrypted=True, prepare=add_name_index),
    TableFlow("edh_ancillaries", "edh_ancillaries", "ancillaries",
              ("carrier", "flight_number", "flight_date", "record_locator", "ticket_number",
               "ancillary_code"), transform_ancillaries),
    TableFlow("edh_forecast", "edh_forecast", "cabin_forecast",
              ("carrier", "flight_number", "flight_date", "cabin", "rbd", "forecast_date"),
              transform_cabin_forecast),
)


def build_silver_flight_ops(spark, settings: Settings) -> dict:
    """Stream the four EDH bronze tables into their silver tables; return their counts."""
    return {flow.table: build_table(spark, settings, flow) for flow in FLOWS}
