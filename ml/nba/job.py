"""The ``nba`` step: decide for every customer, MERGE into gold, push to the CMP, evaluate.

``gold.next_best_action`` keeps one row per (customer_id, decided_on), where ``decided_on`` is
the data's as-of date: re-running on the same data MERGEs onto the same keys (and rewrites a row
only when the decision changed), so nothing is duplicated; earlier days stay as the history that
contact fatigue counts. The CMP's PostgreSQL copy holds only the latest decision per customer.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from ml.nba.catalogue import Catalogue, load_catalogue
from ml.nba.decide import decide_all
from ml.nba.eligibility import eligible_actions
from ml.nba.evaluate import evaluate_policies
from ml.nba.features import NBA_TABLE, _delta, build_decision_frame, data_as_of
from ml.nba.value import expected_values
from pipelines.config import Settings
from pipelines.spark import table_path

log = logging.getLogger(__name__)

GOLD_SCHEMA = ("customer_id string, decided_on date, action string, family string, "
               "channel string, expected_value double, p_accept double, p_source string, "
               "reason_codes array<string>, runners_up string, catalogue_version int, "
               "decided_at timestamp, run_id string")
_CHANGED = ("t.action <> s.action or t.expected_value <> s.expected_value or "
            "t.reason_codes <> s.reason_codes or t.runners_up <> s.runners_up")


def gold_rows(decisions: pd.DataFrame, catalogue: Catalogue, as_of: date,
              run_id: str) -> pd.DataFrame:
    """Decisions shaped like ``gold.next_best_action`` (runners-up as JSON text for Trino)."""
    rows = decisions.copy()
    rows["decided_on"] = as_of
    rows["runners_up"] = [json.dumps(r, sort_keys=True) for r in rows["runners_up"]]
    rows["catalogue_version"] = catalogue.version
    rows["decided_at"] = datetime.now(UTC).replace(tzinfo=None)
    rows["run_id"] = run_id
    return rows[[c.split()[0] for c in GOLD_SCHEMA.split(", ")]]


def merge_gold(spark, settings: Settings, rows: pd.DataFrame) -> None:
    """MERGE on (customer_id, decided_on); matched rows are rewritten only when they changed."""
    from delta.tables import DeltaTable

    path = str(table_path(settings, "gold", NBA_TABLE))
    updates = spark.createDataFrame(rows, schema=GOLD_SCHEMA)
    if not DeltaTable.isDeltaTable(spark, path):
        spark.createDataFrame([], GOLD_SCHEMA).write.format("delta").save(path)
    (DeltaTable.forPath(spark, path).alias("t")
     .merge(updates.alias("s"), "t.customer_id = s.customer_id and t.decided_on = s.decided_on")
     .whenMatchedUpdateAll(condition=_CHANGED).whenNotMatchedInsertAll().execute())


def memberships(spark, settings: Settings) -> pd.DataFrame:
    """Current segment members from ``gold.fct_segment_membership`` for the CMP snapshot."""
    return (_delta(spark, settings, "gold", "fct_segment_membership")
            .select("customer_id", "segment", "reason", "as_of_date").toPandas())


def holdout_outcomes(spark, settings: Settings, cutoff: date, as_of: date) -> pd.DataFrame:
    """Per customer: ancillary types on flights in (cutoff, as_of], and whether they booked."""
    from pyspark.sql import functions as F

    window = (F.col("flight_date") > F.lit(cutoff)) & (F.col("flight_date") <= F.lit(as_of))
    bought = (_delta(spark, settings, "gold", "fct_ancillaries").where(window)
              .where(F.col("customer_id").isNotNull())
              .groupBy("customer_id").agg(F.collect_set("ancillary_type").alias("bought")))
    booked_on = F.to_date("booked_at")
    booked = (_delta(spark, settings, "gold", "fct_bookings")
              .where((booked_on > F.lit(cutoff)) & (booked_on <= F.lit(as_of))
                     & F.col("customer_id").isNotNull())
              .select("customer_id", F.lit(True).alias("booked_again")).distinct())
    out = bought.join(booked, "customer_id", "full").toPandas()
    out["bought"] = [list(b) if b is not None else [] for b in out["bought"]]
    out["booked_again"] = out["booked_again"].eq(True)
    return out


def evaluate_offline(spark, settings: Settings, catalogue: Catalogue, as_of: date) -> dict:
    """Replay the policies on customers as of ``as_of - holdout_days`` against what followed."""
    cutoff = as_of - timedelta(days=catalogue.policy.holdout_days)
    customers = build_decision_frame(spark, settings, catalogue, cutoff, point_in_time=True)
    valued = expected_values(customers, eligible_actions(customers, catalogue), catalogue)
    report = evaluate_policies(valued, holdout_outcomes(spark, settings, cutoff, as_of),
                               catalogue)
    return {"cutoff": str(cutoff), "holdout_until": str(as_of), **report}


def run_nba(spark, settings: Settings, run_id: str, push: bool = True) -> dict:
    """Decide, MERGE into gold, push decisions and segment membership, evaluate; a summary."""
    from pipelines.publish.cmp_tables import push_decisions, push_memberships

    catalogue = load_catalogue(settings)
    as_of = data_as_of(spark, settings)
    customers = build_decision_frame(spark, settings, catalogue, as_of)
    decisions = decide_all(customers, catalogue)
    merge_gold(spark, settings, gold_rows(decisions, catalogue, as_of, run_id))
    report = {"as_of": str(as_of), "decisions": len(decisions),
              "by_action": decisions["action"].value_counts().to_dict()}
    if push:
        report["postgres"] = push_decisions(settings, decisions, run_id).__dict__
        report["segments_postgres"] = push_memberships(
            settings, memberships(spark, settings), run_id).__dict__
    report["evaluation"] = evaluate_offline(spark, settings, catalogue, as_of)
    log.info("nba: %d decisions as of %s %s; evaluation %s", len(decisions), as_of,
             report["by_action"], report["evaluation"])
    return report
