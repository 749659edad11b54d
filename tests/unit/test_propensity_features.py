"""Point-in-time features and labels on small Spark frames: nothing after the cut-off leaks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ml.propensity import features, labels
from ml.propensity.config import load_conf

CUTOFF = date(2026, 1, 10)
TIMELINE = "customer_id string, event_at timestamp, event_type string, summary string"
BOOKINGS = ("customer_id string, record_locator string, booked_at timestamp, "
            "departure_date date, cabin string, fare_share_eur double, passenger_count int")
ANCILLARIES = "customer_id string, record_locator string, flight_date date, ancillary_type string"
FLIGHTS = "customer_id string, record_locator string, flight_date date"


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 1, day, hour)


def _tables(spark, extra: dict | None = None) -> dict:
    rows = {
        "timeline": [("c1", _at(3), "booking", "PNR AAA111"),
                     ("c1", _at(5), "flight", "flight"),
                     ("c1", _at(2), "tier_change", "Tier SILVER"),
                     ("c1", datetime(2025, 6, 1), "tier_change", "Tier BLUE"),
                     ("c2", _at(9), "call", "call")],
        "bookings": [("c1", "AAA111", _at(3), date(2026, 1, 5), "Y", 120.0, 1),
                     ("c1", "BBB222", _at(8), date(2026, 1, 20), "J", 900.0, 2)],
        "ancillaries": [("c1", "AAA111", date(2026, 1, 5), "seat")],
        "flights": [("c1", "AAA111", date(2026, 1, 5))],
    }
    for key, more in (extra or {}).items():
        rows[key] = rows[key] + more
    schemas = {"timeline": TIMELINE, "bookings": BOOKINGS, "ancillaries": ANCILLARIES,
               "flights": FLIGHTS}
    return {key: spark.createDataFrame(rows[key], schemas[key]) for key in rows}


def _features(spark, tables) -> dict[str, dict]:
    cutoffs = features.cutoff_frame(spark, [CUTOFF])
    frame = features.build_features(tables, cutoffs, load_conf(), upcoming_days=45)
    return {r["customer_id"]: r.asDict() for r in frame.collect()}


@pytest.fixture(scope="module")
def before(spark):
    return _features(spark, _tables(spark))


def test_features_count_the_window_and_read_the_tier_and_next_trip_at_the_cutoff(before):
    c1 = before["c1"]
    assert (c1["n_booking"], c1["n_flight"], c1["n_events"]) == (1, 1, 3)
    assert c1["days_since_last_booking"] == 7 and c1["days_since_last_event"] == 5
    assert c1["tier_rank"] == 1  # SILVER since Jan 2, not the older BLUE
    assert (c1["n_anc_seat"], c1["last_trip_seat"], c1["last_trip_extra_bag"]) == (1, 1, 0)
    assert (c1["next_trip_cabin"], c1["next_trip_fare_eur"], c1["upcoming_segments"]) == (
        2, 900.0, 1)
    assert c1["next_trip_days_booked_ahead"] == 12
    assert before["c2"]["n_call"] == 1 and before["c2"]["tier_rank"] is None


def test_a_planted_event_after_the_cutoff_changes_no_feature(spark, before):
    later = {
        "timeline": [("c1", _at(11), "booking", "PNR CCC333"),
                     ("c1", _at(11), "tier_change", "Tier PLATINUM"),
                     ("c1", datetime(2026, 1, 11, 0, 5), "flight", "flight"),
                     ("c2", _at(12), "case_opened", "complaint")],
        "bookings": [("c1", "CCC333", _at(11), date(2026, 1, 15), "W", 300.0, 3)],
        "ancillaries": [("c1", "BBB222", date(2026, 1, 20), "lounge"),
                        ("c1", "CCC333", date(2026, 1, 15), "extra_bag")],
        "flights": [("c1", "CCC333", date(2026, 1, 15))],
    }
    assert _features(spark, _tables(spark, later)) == before


def test_an_event_on_the_cutoff_day_itself_is_known(spark, before):
    same_day = {"timeline": [("c2", datetime(2026, 1, 10, 23, 59), "email", "email")]}
    after = _features(spark, _tables(spark, same_day))
    assert after["c2"]["n_email"] == before["c2"]["n_email"] + 1


def test_ancillary_labels_cover_travellers_booked_by_the_cutoff_departing_in_the_window(spark):
    tables = _tables(spark, {
        "bookings": [("c3", "DDD444", _at(9), date(2026, 1, 11), "Y", 80.0, 1),
                     ("c4", "EEE555", _at(11), date(2026, 1, 11), "Y", 80.0, 1),
                     ("c5", "FFF666", _at(9), date(2026, 1, 12), "Y", 80.0, 1)],
        "ancillaries": [("c3", "DDD444", date(2026, 1, 11), "seat"),
                        ("c4", "EEE555", date(2026, 1, 11), "seat")]})
    cutoffs = features.cutoff_frame(spark, [CUTOFF])
    rows = labels.ancillary_labels(tables["bookings"], tables["ancillaries"], cutoffs, 1,
                                   ["extra_bag", "seat"]).collect()
    # c4 booked after the cut-off, c5 departs after the window: neither is in the population
    assert [(r.customer_id, r.label_seat, r.label_extra_bag) for r in rows] == [("c3", 1, 0)]


def test_churn_is_no_booking_in_the_horizon_among_recently_active_customers(spark):
    timeline = spark.createDataFrame([
        ("a", _at(5), "booking", ""), ("a", _at(14), "booking", ""),   # active, books again
        ("b", _at(8), "booking", ""), ("b", _at(20), "booking", ""),   # active, later than N
        ("c", datetime(2025, 12, 1), "booking", ""),                    # not active
        ("d", _at(9), "call", "")], TIMELINE)
    cutoffs = features.cutoff_frame(spark, [CUTOFF])
    rows = labels.churn_labels(timeline, cutoffs, horizon=7, active_days=14).collect()
    assert sorted((r.customer_id, r.churn) for r in rows) == [("a", 0), ("b", 1)]
