"""Feedback events and case rows on small DataFrames (shared Spark session)."""

import json
from datetime import datetime

from pipelines.silver.feedback import (
    case_rows,
    case_status,
    latest_events,
    transform_feedback_events,
)

COLUMNS = ["case_id", "event", "event_at", "type", "channel", "customer", "record_locator",
           "text", "team", "resolution", "_source_file", "_line", "_ingested_at", "_batch_id"]
OPENED = {"case_id": "CS-0060886536", "event": "opened", "event_at": "2026-01-03T10:54:33+01:00",
          "type": "complaint", "channel": "web_form",
          "customer": {"first_name": "Manuel", "last_name": "LÓPEZ", "email": "M.Lopez@x.fr",
                       "loyalty_number": None, "social_handle": None},
          "record_locator": "pgstut", "text": "The delay on MR1455 was 189 minutes.",
          "team": None, "resolution": None}


def bronze(spark, rows):
    data = []
    for i, row in enumerate(rows):
        r = {c: None for c in COLUMNS} | {"_source_file": "file:/l/feedback_2026-01-03.jsonl",
                                          "_line": i + 1, "_ingested_at": datetime(2026, 1, 3),
                                          "_batch_id": "b0"} | row
        data.append(tuple(json.dumps(r[c]) if isinstance(r[c], dict) else r[c]
                          for c in COLUMNS))
    types = {"_ingested_at": "timestamp", "_line": "int"}
    return spark.createDataFrame(data, ", ".join(f"{c} {types.get(c, 'string')}"
                                                 for c in COLUMNS))


def _event(event, at, **more):
    return {"case_id": "CS-0060886536", "event": event, "event_at": at, **more}


def test_opened_event_is_typed_and_names_the_flight_in_its_text(spark):
    events, rejects = transform_feedback_events(bronze(spark, [OPENED]))
    row = events.collect()[0]
    assert rejects.count() == 0
    assert (row.event_at, row.category, row.record_locator, row.flight_number) == (
        datetime(2026, 1, 3, 9, 54, 33), "complaint", "PGSTUT", "MR1455")
    assert (row.last_name, row.email) == ("López", "m.lopez@x.fr")


def test_case_status_follows_the_latest_event_and_escalation_raises_priority(spark):
    events, rejects = transform_feedback_events(bronze(spark, [
        OPENED, _event("assigned", "2026-01-03T14:04:38+01:00", team="customer_care"),
        _event("escalated", "2026-01-05T12:00:00+01:00", team="escalations"),
        _event("resolved", "2026-01-08T09:00:00+01:00", resolution="apology"),
        _event("reopened", "2026-01-09T09:00:00+01:00")]))
    assert [r.reason for r in rejects.collect()] == ["event_known"]
    case = case_rows(case_status(latest_events(events)), events).collect()[0]
    assert (case.status, case.priority, case.team, case.resolution) == (
        "resolved", "high", "escalations", "apology")
    assert (case.opened_at, case.first_response_at, case.resolved_at) == (
        datetime(2026, 1, 3, 9, 54, 33), datetime(2026, 1, 3, 13, 4, 38),
        datetime(2026, 1, 8, 8))
    assert (case.category, case.channel, case.record_locator) == (
        "complaint", "web_form", "PGSTUT")


def test_case_seen_before_its_opening_line_is_open_ended_and_low_priority(spark):
    events, _ = transform_feedback_events(bronze(spark, [
        _event("assigned", "2026-01-03T14:04:38+01:00", team="customer_care")]))
    case = case_rows(case_status(events), events).collect()[0]
    assert (case.status, case.priority, case.opened_at, case.first_name) == (
        "assigned", "low", None, None)
