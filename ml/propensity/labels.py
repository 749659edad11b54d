"""Who is scored at a cut-off, and what happened in the window after it (Spark).

- Ancillary models: customers with a segment booked on or before the cut-off that departs in
  (c, c + horizon]; label ``label_<type>`` = 1 if they had an ancillary of that type on a
  flight in the window (``gold.fct_ancillaries``), else 0 (bought nothing, or did not fly).
- Churn: customers who made a booking in (c - active_days, c]; label ``churn`` = 1 if they
  made no booking in (c, c + horizon].

Labels read only the window after the cut-off; features (``features.py``) only what precedes
it: the two never share an event.
"""

from __future__ import annotations

from ml.propensity.features import KEYS


def _between(column: str, start_offset: int, end_offset: int):
    """``cutoff + start_offset < column <= cutoff + end_offset`` (days)."""
    from pyspark.sql import functions as F

    return ((F.col(column) > F.date_add("cutoff", start_offset))
            & (F.col(column) <= F.date_add("cutoff", end_offset)))


def travellers(bookings, cutoffs, horizon: int):
    """``(cutoff, customer_id)`` with a segment booked by the cut-off departing in the window."""
    from pyspark.sql import functions as F

    booked = bookings.where(F.col("customer_id").isNotNull()).select(
        "customer_id", "departure_date", F.to_date("booked_at").alias("booked_date"))
    return (booked.crossJoin(cutoffs)
            .where((F.col("booked_date") <= F.col("cutoff")) & _between("departure_date", 0,
                                                                        horizon))
            .select(*KEYS).distinct())


def ancillary_labels(bookings, ancillaries, cutoffs, horizon: int, types: list[str]):
    """Travellers at each cut-off with ``label_<type>`` (0/1) for every type in ``types``."""
    from pyspark.sql import functions as F

    bought = (ancillaries.where(F.col("customer_id").isNotNull()).crossJoin(cutoffs)
              .where(_between("flight_date", 0, horizon))
              .groupBy(*KEYS).agg(*[F.max((F.col("ancillary_type") == t).cast("int"))
                                    .alias(f"label_{t}") for t in types]))
    labelled = travellers(bookings, cutoffs, horizon).join(bought, KEYS, "left")
    return labelled.fillna(0, [f"label_{t}" for t in types])


def booking_dates(timeline):
    """``customer_id, booking_date``: one row per booking event of the timeline."""
    from pyspark.sql import functions as F

    return (timeline.where((F.col("event_type") == "booking") & F.col("customer_id").isNotNull())
            .select("customer_id", F.to_date("event_at").alias("booking_date")))


def active_customers(timeline, cutoffs, active_days: int):
    """``(cutoff, customer_id)`` with a booking in (cutoff - active_days, cutoff]."""
    return (booking_dates(timeline).crossJoin(cutoffs)
            .where(_between("booking_date", -active_days, 0)).select(*KEYS).distinct())


def churn_labels(timeline, cutoffs, horizon: int, active_days: int):
    """Active customers at each cut-off with ``churn`` = no booking in the next ``horizon``."""
    from pyspark.sql import functions as F

    again = (booking_dates(timeline).crossJoin(cutoffs)
             .where(_between("booking_date", 0, horizon))
             .select(*KEYS).distinct().withColumn("_again", F.lit(1)))
    return (active_customers(timeline, cutoffs, active_days).join(again, KEYS, "left")
            .select(*KEYS, F.when(F.col("_again").isNull(), 1).otherwise(0).alias("churn")))
