"""Gold compensation decisions from silver operations data: events -> engine -> MERGE -> outbox.

``build_compensation_decisions`` reads the silver tables, builds one event per passenger disruption
(:mod:`.events`), evaluates each with the rule engine (in ``mapInPandas``, so it scales with the
executors) and MERGEs the decisions into ``gold.fct_compensation_decisions`` on ``decision_id``
(passenger + flight + event). A row changes only when its content hash changes, so replaying the
same event changes nothing; what Finance already paid (``silver.compensation_payouts``) is
deducted by the engine, so a paid claim is never paid again. Every new or changed decision adds
one notification to ``gold.compensation_outbox`` (:mod:`.outbox`).

Incremental: the hourly run only re-decides flights whose legs, passengers, payouts or bag reports
landed in silver after the last run's watermark (the max ``_ingested_at`` it saw, kept in
``<checkpoints>/compensation/watermark.json``); the daily run (``full=True``) re-decides every
flight and so catches late connections and corrections.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from pipelines.compensation.events import LEG_KEY
from pipelines.config import Settings
from pipelines.spark import table_path

log = logging.getLogger(__name__)
SILVER = ("flight_legs", "flight_passengers", "pnr_segments", "baggage_reports",
          "compensation_payouts", "loyalty_members")
OUTPUT_SCHEMA = (
    "decision_id string, record_locator string, ticket_number string, carrier string, "
    "flight_number string, flight_date date, event string, journey_origin string, "
    "journey_destination string, regime string, amount double, currency string, miles int, "
    "payment string, status string, rule_version string, reason string, explanation string, "
    "content_hash string")


def _read(spark, settings: Settings, table: str):
    """A silver table, or None while it does not exist yet (its source has not landed)."""
    path = table_path(settings, "silver", table)
    return spark.read.format("delta").load(str(path)) if (path / "_delta_log").exists() else None


def _empty(spark, schema: str):
    return spark.createDataFrame([], schema)


def read_inputs(spark, settings: Settings) -> dict:
    """The silver inputs by name; missing optional tables become empty frames of the contract."""
    frames = {name: _read(spark, settings, name) for name in SILVER}
    defaults = {
        "pnr_segments": "record_locator string, flight_number string, origin string, "
                        "destination string, departure_at_utc timestamp",
        "baggage_reports": "report_id string, reported_at timestamp, station string, "
                           "report_type string, bag_tag string, record_locator string, "
                           "flight_number string, flight_date date, _ingested_at timestamp",
        "compensation_payouts": "payout_id string, amount decimal(12,2), currency string, "
                                "regime string, flight_number string, flight_date date, "
                                "record_locator string, ticket_number string, "
                                "_ingested_at timestamp",
        "loyalty_members": "loyalty_number string, tier string",
    }
    for name, schema in defaults.items():
        if frames[name] is None:
            frames[name] = _empty(spark, schema)
    return frames


def transform_events(frames: dict, conf: dict):
    """All passenger events (disruptions and bag reports) with the engine's input columns."""
    from pipelines.compensation.events import transform_baggage_events, transform_disruption_events
    from pipelines.compensation.journeys import transform_journeys

    journeys = transform_journeys(frames["pnr_segments"], int(conf["max_connection_hours"]))
    disruptions = transform_disruption_events(
        frames["flight_legs"], frames["flight_passengers"], journeys,
        frames["compensation_payouts"], frames["loyalty_members"], int(conf["min_delay_min"]))
    bags = transform_baggage_events(frames["baggage_reports"], frames["flight_passengers"],
                                    frames["flight_legs"])
    return disruptions.unionByName(bags).dropDuplicates(["decision_id"])


def changed_flights(frames: dict, since):
    """Flights (carrier, number, date) with any input row ingested after ``since``."""
    from pyspark.sql import functions as F

    def keys(df, carrier=None):
        df = df.where(F.col("_ingested_at") > F.lit(since))
        carrier = carrier if carrier is not None else F.col("carrier")
        return df.select(carrier.alias("carrier"), "flight_number", "flight_date")

    by_number = F.substring("flight_number", 1, 2)
    return (keys(frames["flight_legs"]).unionByName(keys(frames["flight_passengers"]))
            .unionByName(keys(frames["compensation_payouts"], by_number))
            .unionByName(keys(frames["baggage_reports"], by_number)).distinct())


def max_ingested(frames: dict):
    from pyspark.sql import functions as F

    values = [frames[name].agg(F.max("_ingested_at")).first()[0] for name in
              ("flight_legs", "flight_passengers", "compensation_payouts", "baggage_reports")]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def decide_events(events):
    """Run the engine over the events (pandas batches on the executors) -> decision rows."""
    from pyspark.sql import functions as F

    from pipelines.compensation.batch import decide_batches

    return events.mapInPandas(decide_batches, OUTPUT_SCHEMA).withColumn(
        "amount", F.col("amount").cast("decimal(12,2)"))


def _watermark_path(settings: Settings):
    return settings.path("paths.checkpoints") / "compensation" / "watermark.json"


def read_watermark(settings: Settings):
    path = _watermark_path(settings)
    return datetime.fromisoformat(json.loads(path.read_text())["ingested_at"]) if (
        path.exists()) else None


def write_watermark(settings: Settings, value) -> None:
    if value is None:
        return
    path = _watermark_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"ingested_at": value.isoformat()}) + "\n")


def build_compensation_decisions(spark, settings: Settings, full: bool = False,
                                 push: bool = True, run_id: str | None = None,
                                 conf: dict | None = None) -> dict:
    """Decide, MERGE into gold, write the outbox and push to PostgreSQL; return counts.

    Args:
        full: re-decide every flight (daily catch-up) instead of those changed since the
            watermark (hourly run). The first run is always full.
        push: also push the decisions to PostgreSQL ``compensation_decisions``.
        conf: ``conf/compensation/pipeline.yaml`` by default (tests use their own tables).
    """
    from pyspark.sql import functions as F

    from pipelines.compensation.outbox import merge_decisions
    from pipelines.compensation.rules import load_pipeline_conf

    conf = conf or load_pipeline_conf()
    frames = read_inputs(spark, settings)
    if frames["flight_legs"] is None or frames["flight_passengers"] is None:
        log.warning("compensation: silver flight_legs/flight_passengers not there yet")
        return {"mode": "skipped", "reason": "silver flight ops missing"}
    since = None if full else read_watermark(settings)
    events = transform_events(frames, conf)
    if since is not None:
        events = events.join(changed_flights(frames, since), LEG_KEY, "left_semi")
    high = max_ingested(frames)
    decisions = decide_events(events).withColumn("decided_at", F.current_timestamp())
    report = merge_decisions(spark, settings, decisions, conf)
    report.update(mode="full" if since is None else "incremental",
                  since=None if since is None else since.isoformat())
    if push:
        from pipelines.compensation.publish import push_decisions

        gold = spark.read.format("delta").load(str(table_path(settings, "gold",
                                                              conf["gold_table"])))
        report["postgres"] = push_decisions(settings, gold.toPandas(), conf["postgres_table"],
                                            run_id or "compensation").__dict__
    write_watermark(settings, high)
    log.info("compensation: %s", report)
    return report
