"""Journeys cut out of PNR segments: first origin -> final destination, for connections.

EU261 measures distance and delay on the journey, not the leg (Art. 7(1) last sentence, Folkerts
C-11/11, Bossen C-559/16). A booking's segments form one journey while each segment leaves from
where the previous one arrived within ``max_connection_hours``; an outbound and its return are two
journeys.
"""

from __future__ import annotations


def transform_journeys(segments_df, max_connection_hours: int):
    """One row per segment with its journey's origin, destination, connections and last flight.

    Columns: record_locator, flight_number, flight_date (UTC departure date), journey_no,
    journey_origin, journey_destination, journey_via (array), last_flight_number,
    last_flight_date, is_last_leg.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    seg = segments_df.where(F.col("departure_at_utc").isNotNull()).select(
        "record_locator", "flight_number", "origin", "destination", "departure_at_utc",
        F.to_date("departure_at_utc").alias("flight_date"))
    order = Window.partitionBy("record_locator").orderBy("departure_at_utc", "flight_number")
    gap_h = (F.unix_timestamp("departure_at_utc")
             - F.unix_timestamp(F.lag("departure_at_utc").over(order))) / 3600
    starts = (F.lag("destination").over(order).isNull()
              | (F.lag("destination").over(order) != F.col("origin"))
              | (gap_h > max_connection_hours))
    seg = seg.withColumn("journey_no", F.sum(starts.cast("int")).over(order))
    journey = Window.partitionBy("record_locator", "journey_no")
    ordered = journey.orderBy("departure_at_utc", "flight_number")
    whole = ordered.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    legs = F.collect_list(F.struct("departure_at_utc", "origin", "destination")).over(whole)
    return seg.select(
        "record_locator", "flight_number", "flight_date", "journey_no",
        F.first("origin").over(whole).alias("journey_origin"),
        F.last("destination").over(whole).alias("journey_destination"),
        F.slice(F.transform(legs, lambda leg: leg["origin"]), 2, 100).alias("journey_via"),
        F.last("flight_number").over(whole).alias("last_flight_number"),
        F.to_date(F.last("departure_at_utc").over(whole)).alias("last_flight_date"),
        (F.row_number().over(ordered) == F.count("*").over(journey)).alias("is_last_leg"))
