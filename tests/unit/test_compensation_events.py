"""Events and decisions from small silver-shaped DataFrames (the silver contract, no files)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pipelines.compensation.decide import decide_events, transform_events

D1, D2 = date(2026, 1, 5), date(2026, 1, 6)
LEGS = "carrier string, flight_number string, flight_date date, origin string, " \
       "destination string, scheduled_departure_at timestamp, scheduled_arrival_at timestamp, " \
       "status string, arrival_delay_minutes int, delay_cause_code string, " \
       "_ingested_at timestamp"
PAX = "carrier string, flight_number string, flight_date date, record_locator string, " \
      "ticket_number string, flown_status string, rebooked_from date, loyalty_number string, " \
      "bag_tags array<string>, _ingested_at timestamp"
SEGS = "record_locator string, flight_number string, origin string, destination string, " \
       "departure_at_utc timestamp"
PAYOUTS = "payout_id string, amount decimal(12,2), currency string, regime string, " \
          "flight_number string, flight_date date, record_locator string, " \
          "ticket_number string, _ingested_at timestamp"
BAGS = "report_id string, reported_at timestamp, station string, report_type string, " \
       "bag_tag string, record_locator string, flight_number string, flight_date date, " \
       "_ingested_at timestamp"
T0 = datetime(2026, 1, 5, 12)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


@pytest.fixture(scope="module")
def frames(spark):
    legs = [
        ("MR", "MR10", D1, "HAM", "AMS", at(D1, 7), at(D1, 8), "delayed", 200, "41", T0),
        ("MR", "MR20", D1, "AMS", "JFK", at(D1, 12), at(D1, 20), "delayed", 190, "41", T0),
        ("MR", "MR30", D1, "AMS", "FCO", at(D1, 9), at(D1, 11), "cancelled", 0, "46", T0),
        ("MR", "MR30", D2, "AMS", "FCO", at(D2, 9), at(D2, 11), "delayed", 200, "41", T0),
        ("MR", "MR40", D1, "AMS", "LHR", at(D1, 9), at(D1, 10), "delayed", 60, "93", T0),
        ("MR", "MR50", D1, "AMS", "LIS", at(D1, 9), at(D1, 12), "delayed", 200, None, T0),
        ("MR", "MR60", D1, "AMS", "NBO", at(D1, 9), at(D1, 17), "delayed", 300, "41", T0),
    ]
    pax = [
        ("MR", "MR10", D1, "CONN01", "111", "flown", None, "L1", ["TAG1"], T0),
        ("MR", "MR20", D1, "CONN01", "111", "flown", None, "L1", ["TAG1"], T0),
        ("MR", "MR30", D1, "CANC01", "222", "involuntarily_rebooked", None, None, [], T0),
        ("MR", "MR30", D2, "CANC01", "222", "flown", D1, None, [], T0),
        ("MR", "MR40", D1, "SHRT01", "333", "flown", None, None, [], T0),
        ("MR", "MR50", D1, "NOCA01", "444", "flown", None, None, [], T0),
        ("MR", "MR60", D1, "PAID01", "555", "flown", None, None, [], T0),
    ]
    segs = [("CONN01", "MR10", "HAM", "AMS", at(D1, 7)), ("CONN01", "MR20", "AMS", "JFK",
                                                          at(D1, 12)),
            ("CANC01", "MR30", "AMS", "FCO", at(D1, 9)), ("SHRT01", "MR40", "AMS", "LHR",
                                                          at(D1, 9)),
            ("NOCA01", "MR50", "AMS", "LIS", at(D1, 9)), ("PAID01", "MR60", "AMS", "NBO",
                                                          at(D1, 9))]
    payouts = [("PO1", Decimal(600), "EUR", "eu261", "MR60", D1, "PAID01", "555", T0)]
    bags = [("JFKMR1", at(D1, 21), "JFK", "DELAYED", "TAG1", "CONN01", "MR20", D1, T0)]
    return {
        "flight_legs": spark.createDataFrame(legs, LEGS),
        "flight_passengers": spark.createDataFrame(pax, PAX),
        "pnr_segments": spark.createDataFrame(segs, SEGS),
        "compensation_payouts": spark.createDataFrame(payouts, PAYOUTS),
        "baggage_reports": spark.createDataFrame(bags, BAGS),
        "loyalty_members": spark.createDataFrame([("L1", "GOLD")], "loyalty_number string, "
                                                                     "tier string"),
    }


@pytest.fixture(scope="module")
def events(frames):
    conf = {"min_delay_min": 120, "max_connection_hours": 24}
    return {(r["record_locator"], r["event"]): r.asDict()
            for r in transform_events(frames, conf).collect()}


@pytest.fixture(scope="module")
def decisions(frames):
    conf = {"min_delay_min": 120, "max_connection_hours": 24}
    rows = decide_events(transform_events(frames, conf)).collect()
    return {(r["record_locator"], r["event"]): r.asDict() for r in rows}


def test_connection_is_one_journey_with_delay_at_final_destination(events):
    """Folkerts C-11/11: two delayed legs of one journey give one event, measured at JFK."""
    conn = [k for k in events if k[0] == "CONN01" and k[1] == "delay"]
    assert len(conn) == 1
    event = events[("CONN01", "delay")]
    assert (event["origin"], event["dest"], list(event["via"])) == ("HAM", "JFK", ["AMS"])
    assert event["delay_min"] == 190 and event["flight_number"] == "MR10"
    assert event["tier"] == "GOLD"


def test_cancellation_carries_the_rerouting_flown_next_day(events):
    event = events[("CANC01", "cancellation")]
    assert event["reroute_dep_earlier_min"] == -1440  # left a day later, not earlier
    assert event["reroute_arr_later_min"] == 1440 + 200  # replacement arrived 200 min late
    # the late replacement flight is part of the cancellation, not a second claim
    assert ("CANC01", "delay") not in events


def test_delay_under_the_pipeline_minimum_gives_no_event(events):
    assert not [k for k in events if k[0] == "SHRT01"]


def test_finance_payout_is_attached_to_its_passenger_and_flight(events):
    assert events[("PAID01", "delay")]["eu261_paid"] == 600.0


def test_bag_report_is_linked_to_the_ticket_by_bag_tag(events):
    assert events[("CONN01", "baggage_delayed")]["ticket_number"] == "111"


def test_decisions_from_events(decisions):
    # HAM-JFK 6,118 km, 190 min at JFK, technical: Art. 7(1)(c) halved by Art. 7(2)(c) = 300
    assert (decisions[("CONN01", "delay")]["status"],
            float(decisions[("CONN01", "delay")]["amount"])) == ("due", 300.0)
    # AMS-FCO 1,297 km, cancelled on the day (no notice record, Art. 5(4)), technical: 250
    assert float(decisions[("CANC01", "cancellation")]["amount"]) == 250.0
    # missing delay cause: never guessed
    assert decisions[("NOCA01", "delay")]["status"] == "needs_review"
    # Finance already paid EUR 600 for AMS-NBO: not paid twice
    paid = decisions[("PAID01", "delay")]
    assert (paid["status"], float(paid["amount"])) == ("not_due", 0.0)
    assert "already paid" in paid["reason"]
    assert decisions[("CONN01", "baggage_delayed")]["regime"] == "montreal"


def test_decision_ids_are_deterministic(events, decisions):
    """Two separate evaluations of the same input give the same ids, one per event."""
    first = sorted(e["decision_id"] for e in events.values())
    assert first == sorted(d["decision_id"] for d in decisions.values())
    assert len(set(first)) == len(first)
