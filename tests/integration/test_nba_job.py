"""The nba step on a tiny hand-made lake: Spark features, gold MERGE, CMP push, evaluation.

Three customers as of 2026-01-10: ``up`` has an economy flight on the 12th with room in premium
economy (a forecast dated after the as-of date says the cabin is full and must be ignored),
``dis`` had a disrupted flight two days ago, ``off`` withdrew marketing consent.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipelines.publish import cmp_tables
from pipelines.services import postgres

pytestmark = pytest.mark.integration
AS_OF = date(2026, 1, 10)


def _write(spark, settings, layer, table, rows, schema):
    from pipelines.spark import table_path

    spark.createDataFrame(rows, schema).write.format("delta").mode("overwrite").save(
        str(table_path(settings, layer, table)))


def _lake(spark, settings, members):
    c360 = [(c, "SILVER", 4, 1 if c == "up" else 0, 20, 2 if c == "dis" else None, 0, 0,
             None, AS_OF) for c in ("up", "dis", "off")]
    _write(spark, settings, "gold", "customer_360", c360,
           "customer_id string, tier string, flights_total int, upcoming_flights int, "
           "days_since_last_flight int, days_since_last_disruption int, open_cases int, "
           "complaints int, scores map<string,double>, as_of_date date")
    _write(spark, settings, "gold", "fct_bookings", [
        ("up", "MR100", date(2026, 1, 12), datetime(2026, 1, 12, 8), "Y", "HK",
         datetime(2026, 1, 1, 9)),
        ("dis", "MR200", date(2026, 1, 8), datetime(2026, 1, 8, 8), "Y", "HK",
         datetime(2026, 1, 9, 9))],
        "customer_id string, flight_number string, departure_date date, departs_at timestamp, "
        "cabin string, segment_status string, booked_at timestamp")
    _write(spark, settings, "silver", "cabin_forecast", [
        ("MR100", date(2026, 1, 12), "W", 30, 20, date(2026, 1, 9)),
        ("MR100", date(2026, 1, 12), "W", 30, 30, date(2026, 1, 11))],  # after as-of: ignored
        "flight_number string, flight_date date, cabin string, capacity int, expected_load int, "
        "forecast_date date")
    _write(spark, settings, "gold", "fct_ancillaries", [
        ("up", date(2026, 1, 2), "upgrade"), ("dis", date(2026, 1, 10), "seat")],
        "customer_id string, flight_date date, ancillary_type string")
    _write(spark, settings, "gold", "fct_flights", [
        ("up", date(2026, 1, 2), False), ("dis", date(2026, 1, 8), True)],
        "customer_id string, flight_date date, is_disrupted boolean")
    _write(spark, settings, "gold", "fct_segment_membership",
           [(c, s, f"{s} because", AS_OF) for c, s in members],
           "customer_id string, segment string, reason string, as_of_date date")
    _write(spark, settings, "silver", "customer_xref",
           [(c, "silver.loyalty_members", f"L{c}") for c in ("up", "dis", "off")],
           "customer_id string, source_table string, record_key string")
    _write(spark, settings, "silver", "loyalty_members",
           [(f"L{c}", None) for c in ("up", "dis", "off")],
           "loyalty_number string, email_bidx string")
    _write(spark, settings, "silver", "pnr_passengers", [], "pax_key string, email_bidx string")
    _write(spark, settings, "silver", "consent_events", [
        (f"loyalty:L{c}", "marketing_email", datetime(2026, 1, 1), True, f"e{c}")
        for c in ("up", "dis", "off")] + [
        ("loyalty:Loff", "marketing_email", datetime(2026, 1, 5), False, "e2")],
        "subject_id string, purpose string, event_at timestamp, is_granted boolean, "
        "event_id string")


@pytest.fixture(scope="module")
def lake(spark, settings, postgres_service, tmp_path_factory):
    local = settings.with_overrides({"paths.lake": str(tmp_path_factory.mktemp("nba_lake"))})
    _lake(spark, local, [("up", "a"), ("dis", "a"), ("off", "b")])
    with postgres.connect(local, autocommit=True) as conn:
        cmp_tables.ensure_tables(conn)
        conn.execute("TRUNCATE next_best_action, segment_membership")
    return local


@pytest.fixture(scope="module")
def first(spark, lake):
    from ml.nba.job import run_nba

    return run_nba(spark, lake, "nba-1")


def _gold(spark, settings):
    from pipelines.spark import table_path

    path = str(table_path(settings, "gold", "next_best_action"))
    rows = spark.read.format("delta").load(path).collect()
    return {r["customer_id"]: r for r in rows}, path


def test_each_customer_gets_the_decision_its_situation_calls_for(spark, lake, first):
    gold, _ = _gold(spark, lake)
    assert {c: r["action"] for c, r in gold.items()} == {
        "up": "upgrade", "dis": "apology_miles", "off": "do_nothing"}
    assert "forecast_room>=2" in gold["up"]["reason_codes"]
    assert "promoted:recent_disruption" in gold["dis"]["reason_codes"]
    assert {r["decided_on"] for r in gold.values()} == {AS_OF}
    assert first["postgres"]["inserted"] == 3
    assert first["segments_postgres"]["inserted"] == 3


def test_rerun_duplicates_nothing_and_rewrites_nothing(spark, lake, first):
    from delta.tables import DeltaTable

    from ml.nba.job import run_nba

    again = run_nba(spark, lake, "nba-2")
    gold, path = _gold(spark, lake)
    assert len(gold) == 3 and {r["run_id"] for r in gold.values()} == {"nba-1"}
    metrics = DeltaTable.forPath(spark, path).history(1).first()["operationMetrics"]
    assert (metrics["numTargetRowsInserted"], metrics["numTargetRowsUpdated"]) == ("0", "0")
    assert (again["postgres"]["inserted"], again["postgres"]["updated"]) == (0, 0)
    assert again["segments_postgres"]["unchanged"] == 3


def test_leaving_a_segment_deletes_the_cmp_row(spark, lake, first):
    from ml.nba.job import run_nba

    _lake(spark, lake, [("up", "a"), ("dis", "a")])
    result = run_nba(spark, lake, "nba-3")
    assert result["segments_postgres"]["deleted"] == 1
    with postgres.connect(lake) as conn:
        left = conn.execute("SELECT customer_id, segment FROM segment_membership"
                            " ORDER BY 1").fetchall()
    assert left == [("dis", "a"), ("up", "a")]


def test_offline_evaluation_replays_the_held_out_day(first):
    report = first["evaluation"]
    assert (report["cutoff"], report["holdout_until"]) == ("2026-01-09", "2026-01-10")
    assert report["customers"] == 3
    assert set(report["mean_reward_eur"]) == {"nba", "random_eligible", "rule_based"}
