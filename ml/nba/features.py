"""Spark edge: the per-customer frame the NBA rules read, built from gold and silver.

``customer_360`` gives the profile; this module adds what the rules need beyond it:

- ``scores``: the propensity scores of this run (``gold.customer_scores``, model -> score);
- ``next_flight_cabin`` and ``upgrade_seats_free``: the customer's next booked segment after the
  as-of date (``gold.fct_bookings``) and the free seats the latest cabin forecast at or before
  the as-of date (``silver.cabin_forecast``) leaves in the next higher cabin (Y -> W -> J);
- ``bought_<type>``: ancillaries of each type the customer had on flights up to the as-of date;
- ``consent_<purpose>``: the consent ledger's state at the end of the as-of date, for every
  purpose an action needs (``pipelines.segments.consent.consent_in_force``);
- ``contacts_in_window``: earlier decisions in ``gold.next_best_action`` within the fatigue
  window that contacted the customer (not do_nothing, not an exempt family).

For the offline evaluation (``point_in_time=True``) the time-dependent profile columns are
recomputed at the cut-off from the facts (flights, last flight, last disruption, upcoming
flights), so nothing after the cut-off leaks into the policies' inputs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from ml.nba.catalogue import Catalogue
from pipelines.config import Settings
from pipelines.spark import table_path

HIGHER_CABIN = {"Y": "W", "W": "J"}
CANCELLED = ("XX", "HX", "UN", "UC", "NO")  # PNR segment statuses that are not a trip
NBA_TABLE = "next_best_action"


def _delta(spark, settings: Settings, layer: str, table: str):
    return spark.read.format("delta").load(str(table_path(settings, layer, table)))


def _exists(settings: Settings, layer: str, table: str) -> bool:
    return (table_path(settings, layer, table) / "_delta_log").is_dir()


def data_as_of(spark, settings: Settings) -> date:
    """The data's as-of date as customer_360 computed it (replayable, unlike today's date)."""
    return _delta(spark, settings, "gold", "customer_360").agg({"as_of_date": "max"}).first()[0]


def rule_columns(catalogue: Catalogue) -> set[str]:
    columns = {c.column for a in catalogue.actions for c in a.eligible}
    return columns | {c.column for rule in catalogue.policy.suppression for c in rule.when}


def next_flights(spark, settings: Settings, as_of: date):
    """``customer_id, next_flight_cabin, upgrade_seats_free`` for customers with a next flight."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    booked = (_delta(spark, settings, "gold", "fct_bookings")
              .where(F.col("customer_id").isNotNull() & (F.col("departure_date") > F.lit(as_of))
                     & ~F.coalesce(F.col("segment_status"), F.lit("")).isin(*CANCELLED)))
    first = Window.partitionBy("customer_id").orderBy("departure_date", "departs_at",
                                                      "flight_number")
    nxt = (booked.withColumn("_n", F.row_number().over(first)).where("_n = 1")
           .select("customer_id", "flight_number", F.col("departure_date").alias("flight_date"),
                   F.col("cabin").alias("next_flight_cabin")))
    higher = F.create_map(*[F.lit(x) for kv in HIGHER_CABIN.items() for x in kv])
    nxt = nxt.withColumn("upgrade_cabin", higher[F.col("next_flight_cabin")])
    if not _exists(settings, "silver", "cabin_forecast"):
        return nxt.select("customer_id", "next_flight_cabin",
                          F.lit(None).cast("int").alias("upgrade_seats_free"))
    latest = Window.partitionBy("flight_number", "flight_date", "cabin").orderBy(
        F.col("forecast_date").desc())
    forecast = (_delta(spark, settings, "silver", "cabin_forecast")
                .where(F.col("forecast_date") <= F.lit(as_of))
                .withColumn("_n", F.row_number().over(latest)).where("_n = 1")
                .select("flight_number", "flight_date", F.col("cabin").alias("upgrade_cabin"),
                        (F.col("capacity") - F.col("expected_load")).alias("upgrade_seats_free")))
    return (nxt.join(forecast, ["flight_number", "flight_date", "upgrade_cabin"], "left")
            .select("customer_id", "next_flight_cabin", "upgrade_seats_free"))


def ancillary_counts(spark, settings: Settings, types: list[str], until: date):
    """``customer_id, bought_<type>...``: ancillaries per type on flights up to ``until``."""
    from pyspark.sql import functions as F

    rows = (_delta(spark, settings, "gold", "fct_ancillaries")
            .where(F.col("customer_id").isNotNull() & (F.col("flight_date") <= F.lit(until))
                   & F.col("ancillary_type").isin(*types)))
    return rows.groupBy("customer_id").agg(*[
        F.count(F.when(F.col("ancillary_type") == t, 1)).alias(f"bought_{t}") for t in types])


def consents(spark, settings: Settings, purposes: list[str], as_of: date):
    """``customer_id, consent_<purpose>...`` at the end of the as-of day."""
    from pipelines.segments.consent import consent_in_force

    end = datetime.combine(as_of + timedelta(days=1), time.min)
    frame = None
    for purpose in purposes:
        state = consent_in_force(spark, settings, purpose, end).selectExpr(
            "customer_id", f"is_granted as consent_{purpose}")
        frame = state if frame is None else frame.join(state, "customer_id", "full")
    return frame


def contacts(spark, settings: Settings, catalogue: Catalogue, as_of: date):
    """``customer_id, contacts_in_window``: earlier contacting decisions within the window."""
    from pyspark.sql import functions as F

    if not _exists(settings, "gold", NBA_TABLE):
        return None
    fatigue = catalogue.policy.fatigue
    quiet = ["none", *fatigue.exempt_families]
    start = as_of - timedelta(days=fatigue.window_days)
    return (_delta(spark, settings, "gold", NBA_TABLE)
            .where((F.col("decided_on") >= F.lit(start)) & (F.col("decided_on") < F.lit(as_of))
                   & ~F.col("family").isin(*quiet))
            .groupBy("customer_id").agg(F.count("*").alias("contacts_in_window")))


def point_in_time_profile(spark, settings: Settings, cutoff: date):
    """Time-dependent customer_360 columns recomputed at ``cutoff`` from the facts."""
    from pyspark.sql import functions as F

    flights = (_delta(spark, settings, "gold", "fct_flights")
               .where(F.col("customer_id").isNotNull() & (F.col("flight_date") <= F.lit(cutoff)))
               .groupBy("customer_id").agg(
                   F.count("*").alias("flights_total"),
                   F.datediff(F.lit(cutoff), F.max("flight_date")).alias("days_since_last_flight"),
                   F.datediff(F.lit(cutoff), F.max(F.when(F.col("is_disrupted"),
                                                          F.col("flight_date"))))
                   .alias("days_since_last_disruption")))
    upcoming = (_delta(spark, settings, "gold", "fct_bookings")
                .where(F.col("customer_id").isNotNull()
                       & (F.col("departure_date") > F.lit(cutoff))
                       & (F.to_date("booked_at") <= F.lit(cutoff))
                       & ~F.coalesce(F.col("segment_status"), F.lit("")).isin(*CANCELLED))
                .groupBy("customer_id").agg(F.count("*").alias("upcoming_flights")))
    return flights.join(upcoming, "customer_id", "full")


def latest_scores(spark, settings: Settings):
    """``customer_id, scores`` (model name -> score) from ``gold.customer_scores``, or None.

    Read here rather than from ``customer_360.scores``: the 360 is built before the scoring
    step, so its map would hand NBA the previous run's scores.
    """
    from pyspark.sql import functions as F

    if not _exists(settings, "gold", "customer_scores"):
        return None
    rows = _delta(spark, settings, "gold", "customer_scores")
    return rows.groupBy("customer_id").agg(F.map_from_entries(F.collect_list(
        F.struct("model_name", F.col("score").cast("double")))).alias("scores"))


def build_decision_frame(spark, settings: Settings, catalogue: Catalogue, as_of: date,
                         point_in_time: bool = False) -> pd.DataFrame:
    """One pandas row per customer with every column the catalogue's rules and values read."""
    c360 = _delta(spark, settings, "gold", "customer_360")
    wanted = (rule_columns(catalogue) | {"customer_id", "flights_total"}) & set(c360.columns)
    frame = c360.select(*sorted(wanted))
    scores = latest_scores(spark, settings)
    if scores is not None:
        frame = frame.join(scores, "customer_id", "left")
    if point_in_time:
        profile = point_in_time_profile(spark, settings, as_of)
        frame = frame.drop(*[c for c in profile.columns if c != "customer_id"]).join(
            profile, "customer_id", "left").fillna(0, ["flights_total", "upcoming_flights"])
    types = sorted({a.history for a in catalogue.actions if a.history})
    purposes = sorted({a.consent for a in catalogue.actions if a.consent})
    parts = [next_flights(spark, settings, as_of), ancillary_counts(spark, settings, types, as_of),
             consents(spark, settings, purposes, as_of),
             None if point_in_time else contacts(spark, settings, catalogue, as_of)]
    for part in parts:
        if part is not None:
            frame = frame.join(part, "customer_id", "left")
    frame = frame.fillna(0, [f"bought_{t}" for t in types])
    pdf = frame.orderBy("customer_id").toPandas()
    if "scores" in pdf.columns:
        pdf["scores"] = [dict(s) if isinstance(s, dict | list) else None for s in pdf["scores"]]
    return pdf
