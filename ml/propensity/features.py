"""Point-in-time customer features at a set of cut-off dates, from gold event tables (Spark).

A cut-off ``c`` means "what we knew at the end of day c": every input row is filtered on its
event date ``<= c`` before it is counted, so an event after the cut-off cannot change a
feature (tests plant one to prove it). Counts cover the fixed window (c - lookback, c], so old
and recent cut-offs see the same span of history. Nothing comes from tables that hold only the
current state (``dim_customer``'s tier, a segment's current status): those would leak the
future into past cut-offs. The tier is the last ``tier_change`` event on or before ``c``.

All cut-offs are computed in one pass (events cross-joined with the cut-off list), one row per
``(cutoff, customer_id)`` that had any history or an upcoming trip.
"""

from __future__ import annotations

from datetime import date

KEYS = ["cutoff", "customer_id"]


def cutoff_frame(spark, cutoffs: list[date]):
    """One-column DataFrame ``cutoff`` (date)."""
    return spark.createDataFrame([(c,) for c in cutoffs], "cutoff date")


def _rank(column, mapping: dict[str, int]):
    """``mapping[column]`` as an int column; unknown values become null."""
    from pyspark.sql import functions as F

    expr = F.lit(None).cast("int")
    for key, value in mapping.items():
        expr = F.when(column == F.lit(key), F.lit(value)).otherwise(expr)
    return expr


def known_at(df, cutoffs, date_col: str, lookback: int | None = None):
    """Rows of ``df`` on or before each cut-off (and after ``cutoff - lookback`` if given)."""
    from pyspark.sql import functions as F

    rows = df.crossJoin(cutoffs).where(F.col(date_col) <= F.col("cutoff"))
    if lookback is not None:
        rows = rows.where(F.col(date_col) > F.date_sub("cutoff", lookback))
    return rows


def timeline_features(timeline, cutoffs, conf: dict):
    """Event counts per type in the window, recency, and the tier as of each cut-off."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    fconf = conf["features"]
    events = (timeline.where(F.col("customer_id").isNotNull())
              .select("customer_id", "event_type", "summary", "event_at",
                      F.to_date("event_at").alias("event_date")))
    recent = known_at(events, cutoffs, "event_date", int(fconf["lookback_days"]))
    age = F.datediff("cutoff", "event_date")
    counts = recent.groupBy(*KEYS).agg(
        F.count("*").alias("n_events"),
        *[F.count_if(F.col("event_type") == t).cast("int").alias(f"n_{t}")
          for t in fconf["timeline_event_types"]],
        F.min(age).alias("days_since_last_event"),
        F.min(F.when(F.col("event_type") == "booking", age)).alias("days_since_last_booking"),
        F.min(F.when(F.col("event_type").isin("flight", "disruption"), age))
        .alias("days_since_last_flight"))
    tiers = known_at(events.where(F.col("event_type") == "tier_change"), cutoffs, "event_date")
    latest = Window.partitionBy(*KEYS).orderBy(F.col("event_at").desc(), F.col("summary").desc())
    tier = (tiers.withColumn("_n", F.row_number().over(latest)).where("_n = 1")
            .select(*KEYS, _rank(F.regexp_extract("summary", r"Tier (\w+)", 1),
                                 fconf["tier_rank"]).alias("tier_rank")))
    return counts.join(tier, KEYS, "full")


def ancillary_features(ancillaries, flights, cutoffs, conf: dict):
    """Ancillaries bought per type in the window, and per type on the last trip flown."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    fconf = conf["features"]
    lookback, types = int(fconf["lookback_days"]), fconf["ancillary_types"]
    bought = known_at(ancillaries.where(F.col("customer_id").isNotNull()), cutoffs,
                      "flight_date", lookback)
    counts = bought.groupBy(*KEYS).agg(
        *[F.count_if(F.col("ancillary_type") == t).cast("int").alias(f"n_anc_{t}")
          for t in types])
    flown = known_at(flights.where(F.col("customer_id").isNotNull()), cutoffs, "flight_date",
                     lookback)
    latest = Window.partitionBy(*KEYS).orderBy(F.col("flight_date").desc(),
                                               F.col("record_locator").desc())
    last_trip = (flown.withColumn("_n", F.row_number().over(latest)).where("_n = 1")
                 .select(*KEYS, "record_locator"))
    on_last = (last_trip.join(bought, [*KEYS, "record_locator"], "left")
               .groupBy(*KEYS).agg(
                   *[F.max((F.col("ancillary_type") == t).cast("int")).alias(f"last_trip_{t}")
                     for t in types]))
    on_last = on_last.fillna(0, [f"last_trip_{t}" for t in types])  # flew, bought nothing
    return on_last.join(counts, KEYS, "full")


def next_trip_features(bookings, cutoffs, conf: dict, upcoming_days: int):
    """The next booked trip after each cut-off (booked on or before it): segments, cabin,
    fare, party size, days booked ahead, days away; and how many segments depart within the
    window."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    booked = (bookings.where(F.col("customer_id").isNotNull())
              .select("customer_id", "record_locator", "departure_date", "cabin",
                      "fare_share_eur", "passenger_count",
                      F.to_date("booked_at").alias("booked_date")))
    ahead = (known_at(booked, cutoffs, "booked_date")
             .where((F.col("departure_date") > F.col("cutoff"))
                    & (F.col("departure_date") <= F.date_add("cutoff", upcoming_days))))
    first = Window.partitionBy(*KEYS).orderBy("departure_date", "record_locator")
    next_pnr = (ahead.withColumn("_n", F.row_number().over(first)).where("_n = 1")
                .select(*KEYS, "record_locator"))
    trip = ahead.join(next_pnr, [*KEYS, "record_locator"]).groupBy(*KEYS).agg(
        F.count("*").alias("next_trip_segments"),
        F.max(_rank(F.col("cabin"), conf["features"]["cabin_rank"])).alias("next_trip_cabin"),
        F.sum("fare_share_eur").cast("double").alias("next_trip_fare_eur"),
        F.max("passenger_count").alias("next_trip_passengers"),
        F.min(F.datediff("departure_date", "booked_date")).alias("next_trip_days_booked_ahead"),
        # first to last departure: a short stay hints at a business trip, a long one at leisure
        F.datediff(F.max("departure_date"), F.min("departure_date")).alias("next_trip_days_away"))
    upcoming = ahead.groupBy(*KEYS).agg(F.count("*").alias("upcoming_segments"))
    return upcoming.join(trip, KEYS, "left")


def build_features(tables: dict, cutoffs, conf: dict, upcoming_days: int):
    """Every feature per ``(cutoff, customer_id)``: timeline, ancillary and next-trip parts.

    Args:
        tables: DataFrames ``timeline``, ``ancillaries``, ``flights``, ``bookings`` (gold).
        cutoffs: :func:`cutoff_frame`.
        conf: the propensity conf (``features``).
        upcoming_days: how far ahead a booked segment counts as the next trip.
    """
    parts = [timeline_features(tables["timeline"], cutoffs, conf),
             ancillary_features(tables["ancillaries"], tables["flights"], cutoffs, conf),
             next_trip_features(tables["bookings"], cutoffs, conf, upcoming_days)]
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.join(part, KEYS, "full")
    return frame
