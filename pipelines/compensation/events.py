"""Disruption events per passenger, built from silver operations data (pure DataFrame transforms).

One event per passenger and journey: a cancelled leg (``cancellation``), an involuntary rebooking
off a flight that did operate (``denied_boarding``), a delayed or diverted leg (``delay``, with the
arrival delay at the journey's final destination, Folkerts C-11/11), and one per mishandled-bag
report (``baggage_*``). A delay of the replacement flight of a cancelled one is no event of its own:
it is part of the re-routing that the cancellation's decision already weighs (Art. 5, 7(2)).
Each event carries what the engine needs: journey ends, re-routing times, loyalty tier and what
Finance already paid for that flight.
"""

from __future__ import annotations

LEG_KEY = ["carrier", "flight_number", "flight_date"]
LEG_COLS = [*LEG_KEY, "origin", "destination", "scheduled_departure_at", "scheduled_arrival_at",
            "status", "arrival_delay_minutes", "delay_cause_code"]
PAX_COLS = [*LEG_KEY, "record_locator", "ticket_number", "flown_status", "rebooked_from",
            "loyalty_number", "bag_tags"]
PAYOUT_COLS = ["payout_id", "amount", "currency", "regime", "flight_number", "flight_date",
               "record_locator", "ticket_number"]


def decision_id(*cols):
    """Deterministic id of a decision: passenger + flight + event (+ bag tag for baggage)."""
    from pyspark.sql import functions as F

    parts = [F.coalesce(F.col(c).cast("string"), F.lit("")) for c in cols]
    return F.substring(F.sha2(F.concat_ws("|", *parts), 256), 1, 32)


def _minutes(later, earlier):
    from pyspark.sql import functions as F

    return ((F.unix_timestamp(later) - F.unix_timestamp(earlier)) / 60).cast("int")


def _reroutes(pax, legs):
    """Earliest later flight each passenger was moved to, keyed by the original flight date."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    moved = pax.where(F.col("rebooked_from").isNotNull()).join(legs, LEG_KEY).select(
        "record_locator", "ticket_number", F.col("rebooked_from").alias("from_date"),
        F.col("scheduled_departure_at").alias("new_dep"),
        (F.col("scheduled_arrival_at") + F.make_interval(
            mins=F.coalesce("arrival_delay_minutes", F.lit(0)))).alias("new_arr"))
    first = Window.partitionBy("record_locator", "ticket_number", "from_date").orderBy("new_dep")
    return moved.withColumn("_n", F.row_number().over(first)).where("_n = 1").drop("_n")


def _paid(payouts):
    """EUR already paid per passenger and flight, by regime (never pay twice)."""
    from pyspark.sql import functions as F

    eur = payouts.where(F.col("currency") == "EUR")
    return eur.groupBy("record_locator", "ticket_number", "flight_number", "flight_date").agg(
        F.sum(F.when(F.col("regime") == "eu261", F.col("amount"))).cast("double").alias(
            "eu261_paid"),
        F.sum(F.when(F.col("regime") == "goodwill", F.col("amount"))).cast("double").alias(
            "goodwill_paid"),
        F.concat_ws(",", F.sort_array(F.collect_set("payout_id"))).alias("payout_ids"))


def _final_delay(events, legs, pax):
    """Arrival delay at the final destination: this leg's when it is the last, else the delay
    of the journey's last leg if the passenger flew it; unknown (null) otherwise."""
    from pyspark.sql import functions as F

    last = legs.select(F.col("flight_number").alias("last_flight_number"),
                       F.col("flight_date").alias("last_flight_date"),
                       F.col("arrival_delay_minutes").alias("_last_delay"),
                       F.col("status").alias("_last_status"))
    flown = pax.where(F.col("flown_status") == "flown").select(
        "record_locator", "ticket_number", F.col("flight_number").alias("last_flight_number"),
        F.col("flight_date").alias("last_flight_date"), F.lit(True).alias("_flew_last"))
    joined = events.join(last, ["last_flight_number", "last_flight_date"], "left").join(
        flown, ["record_locator", "ticket_number", "last_flight_number", "last_flight_date"],
        "left")
    final = F.when(F.col("is_last_leg") | F.col("journey_no").isNull(),
                   F.col("arrival_delay_minutes")).when(
        F.col("_flew_last") & (F.col("_last_status") != "cancelled"), F.col("_last_delay"))
    return joined.withColumn("delay_min", final).drop("_last_delay", "_last_status", "_flew_last")


def transform_disruption_events(legs, pax, journeys, payouts, tiers, min_delay_min: int):
    """Passenger disruption events, one per passenger, journey and event type."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    legs, pax = legs.select(*LEG_COLS), pax.select(*PAX_COLS)
    payouts, tiers = payouts.select(*PAYOUT_COLS), tiers.select("loyalty_number", "tier")

    event = (F.when(F.col("status") == "cancelled", "cancellation")
             .when(F.col("flown_status") == "involuntarily_rebooked", "denied_boarding")
             .when(F.col("status").isin("delayed", "diverted")
                   & (F.col("flown_status") == "flown") & F.col("rebooked_from").isNull()
                   & ~(F.coalesce("arrival_delay_minutes", F.lit(min_delay_min))
                       < min_delay_min), "delay"))
    base = pax.join(legs, LEG_KEY).withColumn("event", event).where(F.col("event").isNotNull())
    base = base.join(journeys, ["record_locator", "flight_number", "flight_date"], "left")
    base = _final_delay(base, legs, pax)
    reroutes = _reroutes(pax, legs).withColumnRenamed("from_date", "flight_date")
    base = base.join(reroutes, ["record_locator", "ticket_number", "flight_date"], "left")
    first = Window.partitionBy("record_locator", "ticket_number", "journey_no", "event").orderBy(
        "scheduled_departure_at")
    base = base.withColumn("_n", F.when(F.col("journey_no").isNull(), 1).otherwise(
        F.row_number().over(first))).where("_n = 1")
    paid = _paid(payouts)
    return base.join(paid, ["record_locator", "ticket_number", "flight_number", "flight_date"],
                     "left").join(tiers, "loyalty_number", "left").select(
        decision_id("record_locator", "ticket_number", *LEG_KEY, "event").alias("decision_id"),
        "record_locator", "ticket_number", *LEG_KEY, "event",
        F.coalesce("journey_origin", "origin").alias("origin"),
        F.coalesce("journey_destination", "destination").alias("dest"),
        F.coalesce("journey_via", F.array().cast("array<string>")).alias("via"),
        F.col("journey_no").isNotNull().alias("journey_known"), "delay_min",
        F.col("delay_cause_code").alias("cause"),
        _minutes("scheduled_departure_at", "new_dep").alias("reroute_dep_earlier_min"),
        _minutes("new_arr", "scheduled_arrival_at").alias("reroute_arr_later_min"),
        F.col("tier"), F.col("flight_date").alias("on_date"),
        F.lit(None).cast("string").alias("bag_tag"),
        "eu261_paid", "goodwill_paid", "payout_ids")


def transform_baggage_events(reports, pax, legs):
    """One event per mishandled-bag report, linked to the passenger by booking and bag tag."""
    from pyspark.sql import functions as F

    pax = pax.select(*PAX_COLS)

    owners = pax.select(*LEG_KEY, "record_locator", "ticket_number",
                        F.explode("bag_tags").alias("bag_tag"))
    legs = legs.select(*LEG_KEY, "origin", "destination")
    reports = reports.select(  # reports name the flight as MR1000: the carrier is its prefix
        "report_id", "reported_at", "station", "report_type", "bag_tag", "record_locator",
        "flight_number", "flight_date", F.substring("flight_number", 1, 2).alias("carrier"))
    rep = reports.join(owners, ["record_locator", *LEG_KEY, "bag_tag"], "left").join(
        legs, LEG_KEY, "left")
    event = F.concat(F.lit("baggage_"), F.lower("report_type"))
    return rep.withColumn("event", event).select(
        decision_id("record_locator", "ticket_number", *LEG_KEY, "event", "bag_tag").alias(
            "decision_id"),
        "record_locator", "ticket_number", "carrier", "flight_number", "flight_date", "event",
        F.coalesce("origin", "station").alias("origin"),
        F.coalesce("destination", "station").alias("dest"),
        F.array().cast("array<string>").alias("via"), F.lit(True).alias("journey_known"),
        F.lit(None).cast("int").alias("delay_min"), F.lit(None).cast("string").alias("cause"),
        F.lit(None).cast("int").alias("reroute_dep_earlier_min"),
        F.lit(None).cast("int").alias("reroute_arr_later_min"),
        F.lit(None).cast("string").alias("tier"), F.to_date("reported_at").alias("on_date"),
        "bag_tag", F.lit(None).cast("double").alias("eu261_paid"),
        F.lit(None).cast("double").alias("goodwill_paid"),
        F.lit(None).cast("string").alias("payout_ids"))
