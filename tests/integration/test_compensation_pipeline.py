"""A disruption lands in silver -> decisions in gold, the outbox and PostgreSQL; a replay adds
nothing; a Finance payout stops a second payment. Real Spark, Delta and PostgreSQL, tiny data.

The silver tables are written here to the silver contract (the silver builds have their own
tests), in a lake and checkpoint folder of this module only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pipelines.compensation.decide import build_compensation_decisions
from pipelines.compensation.rules import load_pipeline_conf
from pipelines.services import postgres
from pipelines.spark import table_path

DAY = date(2026, 1, 5)
LEGS = ("carrier string, flight_number string, flight_date date, origin string, "
        "destination string, scheduled_departure_at timestamp, scheduled_arrival_at timestamp, "
        "status string, arrival_delay_minutes int, delay_cause_code string, "
        "_ingested_at timestamp")
PAX = ("carrier string, flight_number string, flight_date date, record_locator string, "
       "ticket_number string, flown_status string, rebooked_from date, loyalty_number string, "
       "bag_tags array<string>, _ingested_at timestamp")
SEGS = ("record_locator string, flight_number string, origin string, destination string, "
        "departure_at_utc timestamp")
PAYOUTS = ("payout_id string, amount decimal(12,2), currency string, regime string, "
           "flight_number string, flight_date date, record_locator string, "
           "ticket_number string, _ingested_at timestamp")


def at(hour: int) -> datetime:
    return datetime(2026, 1, 5, hour)


@pytest.fixture(scope="module")
def env(postgres_service, spark, tmp_path_factory):
    """Settings with this module's own lake; silver flight ops with one long technical delay."""
    root = tmp_path_factory.mktemp("comp")
    settings = postgres_service.with_overrides({"paths.lake": str(root / "lake"),
                                                "paths.checkpoints": str(root / "ckpt")})
    conf = {**load_pipeline_conf(), "postgres_table": "compensation_decisions_it"}
    with postgres.connect(settings, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {conf['postgres_table']}")
    write(spark, settings, "pnr_segments", SEGS, [
        ("ITCMP1", "MR901", "AMS", "JFK", at(9)), ("ITCMP2", "MR901", "AMS", "JFK", at(9)),
        ("ITCMP3", "MR902", "AMS", "LHR", at(10))])
    write(spark, settings, "flight_legs", LEGS, [
        ("MR", "MR901", DAY, "AMS", "JFK", at(9), at(17), "delayed", 300, "41", at(18))])
    write(spark, settings, "flight_passengers", PAX, [
        ("MR", "MR901", DAY, "ITCMP1", "0741", "flown", None, None, [], at(18)),
        ("MR", "MR901", DAY, "ITCMP2", "0742", "flown", None, None, [], at(18)),
        ("MR", "MR902", DAY, "ITCMP3", "0743", "flown", None, None, [], at(18))])
    return settings, conf


def write(spark, settings, table, schema, rows, mode="overwrite"):
    (spark.createDataFrame(rows, schema).write.format("delta").mode(mode)
     .save(str(table_path(settings, "silver", table))))


def gold(spark, settings, conf, table="gold_table"):
    path = table_path(settings, "gold", conf[table])
    return {r["decision_id"] if table == "gold_table" else r["event_id"]: r.asDict()
            for r in spark.read.format("delta").load(str(path)).collect()}


def pg_rows(settings, conf):
    with postgres.connect(settings) as conn:
        return {r[0]: r[1:] for r in conn.execute(
            f"SELECT decision_id, status, amount, record_locator FROM {conf['postgres_table']}")}


@pytest.fixture(scope="module")
def first_run(env, spark):
    settings, conf = env
    return build_compensation_decisions(spark, settings, conf=conf, run_id="it-1")


def test_disruption_lands_in_gold_outbox_and_postgres(env, spark, first_run):
    settings, conf = env
    decisions = gold(spark, settings, conf)
    # AMS-JFK 5,848 km, 300 min late, technical fault: EUR 600 each (Art. 7(1)(c), Sturgeon)
    assert sorted((d["record_locator"], d["status"], float(d["amount"]))
                  for d in decisions.values()) == [("ITCMP1", "due", 600.0),
                                                   ("ITCMP2", "due", 600.0)]
    outbox = gold(spark, settings, conf, "outbox_table")
    assert sorted(o["decision_id"] for o in outbox.values()) == sorted(decisions)
    assert all(o["message"].startswith("compensation approved: EUR 600.00 (cash), because")
               for o in outbox.values())
    assert {k: (v[0], float(v[1])) for k, v in pg_rows(settings, conf).items()} == {
        k: ("due", 600.0) for k in decisions}
    assert first_run["mode"] == "full" and first_run["new"] == 2


def test_replaying_the_same_event_adds_nothing(env, spark, first_run):
    settings, conf = env
    before = (gold(spark, settings, conf), gold(spark, settings, conf, "outbox_table"))
    write(spark, settings, "flight_legs", LEGS, [  # the same leg lands again, later
        ("MR", "MR901", DAY, "AMS", "JFK", at(9), at(17), "delayed", 300, "41", at(19))])
    replay = build_compensation_decisions(spark, settings, conf=conf, run_id="it-2")
    assert replay["mode"] == "incremental" and replay["events"] == 2
    assert (replay["new"], replay["changed"], replay["outbox_events"]) == (0, 0, 0)
    assert replay["postgres"]["inserted"] == 0 and replay["postgres"]["updated"] == 0
    after = (gold(spark, settings, conf), gold(spark, settings, conf, "outbox_table"))
    assert after == before


def test_finance_payout_prevents_a_second_payment(env, spark, first_run):
    settings, conf = env
    write(spark, settings, "compensation_payouts", PAYOUTS, [
        ("POIT1", Decimal("600.00"), "EUR", "eu261", "MR901", DAY, "ITCMP1", "0741", at(20))])
    run = build_compensation_decisions(spark, settings, conf=conf, run_id="it-3")
    decisions = {d["record_locator"]: d for d in gold(spark, settings, conf).values()}
    assert (decisions["ITCMP1"]["status"], float(decisions["ITCMP1"]["amount"])) == (
        "not_due", 0.0)
    assert "already paid" in decisions["ITCMP1"]["reason"]
    assert (decisions["ITCMP2"]["status"], float(decisions["ITCMP2"]["amount"])) == ("due", 600)
    assert (run["changed"], run["new"], run["postgres"]["updated"]) == (1, 0, 1)
    notes = [o for o in gold(spark, settings, conf, "outbox_table").values()
             if o["decision_id"] == decisions["ITCMP1"]["decision_id"]]
    assert sorted(o["notification"] for o in notes) == ["compensation_due",
                                                        "compensation_not_due"]
    again = build_compensation_decisions(spark, settings, conf=conf, full=True, run_id="it-4")
    assert (again["new"], again["changed"], again["outbox_events"]) == (0, 0, 0)
