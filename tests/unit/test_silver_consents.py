"""Pure transforms of silver consents on small DataFrames (shared Spark session)."""

from datetime import datetime

from pipelines.silver.consents import (
    current_state,
    latest_events,
    transform_consent_events,
    with_subject,
)

COLUMNS = ["event_id", "loyalty_number", "email", "purpose", "action", "event_at", "channel",
           "policy_version", "_source_file", "_line", "_ingested_at", "_batch_id"]


def _bronze(spark, rows):
    base = {"event_id": "CE1", "loyalty_number": "L1", "email": "a@x.com", "purpose": "sms",
            "action": "given", "event_at": "2026-01-01T10:00:00+01:00", "channel": "web",
            "policy_version": "2025-11", "_source_file": "f/consents_2026-01-01.jsonl",
            "_ingested_at": datetime(2026, 1, 1), "_batch_id": "b0"}
    data = [tuple({**base, "_line": i + 1, **r}[c] for c in COLUMNS) for i, r in enumerate(rows)]
    types = {"_ingested_at": "timestamp", "_line": "int"}
    return spark.createDataFrame(data, ", ".join(f"{c} {types.get(c, 'string')}"
                                                 for c in COLUMNS))


def _events(spark, rows):
    typed, _ = transform_consent_events(_bronze(spark, rows))
    return with_subject(typed.withColumn("email_bidx", typed.email))


def test_event_time_is_utc_and_values_conformed(spark):
    row = _events(spark, [{"purpose": " SMS ", "action": "Withdrawn"}]).first()
    assert (row.event_at, row.purpose, row.is_granted, row.subject_id) == (
        datetime(2026, 1, 1, 9, 0), "sms", False, "loyalty:L1")


def test_invalid_events_are_quarantined_with_the_check_name(spark):
    _, rejects = transform_consent_events(_bronze(spark, [
        {"event_id": "CE1", "purpose": "telepathy"}, {"event_id": "CE2", "action": "maybe"},
        {"event_id": "CE3", "loyalty_number": None, "email": None},
        {"event_id": "CE4", "event_at": "soon"}]))
    assert sorted((r.raw, r.reason) for r in rejects.collect()) == [
        ("CE1", "purpose_known"), ("CE2", "action_known"),
        ("CE3", "subject_identifier_present"), ("CE4", "event_at_parseable")]


def test_event_without_loyalty_number_is_keyed_by_email_index(spark):
    row = _events(spark, [{"loyalty_number": None}]).first()
    assert (row.subject_type, row.subject_id) == ("email_bidx", "email:a@x.com")


def test_duplicate_events_are_removed(spark):
    events = latest_events(_events(spark, [{}, {}, {"event_id": "CE2"}]))
    assert sorted(r.event_id for r in events.collect()) == ["CE1", "CE2"]


def test_current_state_is_the_latest_event_not_the_latest_landed(spark):
    events = _events(spark, [
        {"event_id": "CE1", "action": "withdrawn", "event_at": "2026-01-03T10:00:00+00:00"},
        {"event_id": "CE2", "action": "given", "event_at": "2026-01-02T10:00:00+00:00"},
        {"event_id": "CE3", "purpose": "profiling", "event_at": "2026-01-02T10:00:00+00:00"},
        {"event_id": "CE4", "purpose": "profiling", "action": "withdrawn",
         "event_at": "2026-01-02T10:00:00+00:00"},  # same instant: the withdrawal wins
    ])
    state = {r.purpose: (r.event_id, r.is_granted) for r in current_state(events).collect()}
    assert state == {"sms": ("CE1", False), "profiling": ("CE4", False)}


def test_late_older_event_does_not_overwrite_current_state(spark, tmp_path):
    from pipelines.silver.merge import merge_into

    path = str(tmp_path / "consents_current")
    newer = current_state(_events(spark, [{"event_id": "CE9", "action": "withdrawn",
                                           "event_at": "2026-01-05T10:00:00+00:00"}]))
    late = current_state(_events(spark, [{"event_id": "CE1", "action": "given",
                                          "event_at": "2026-01-01T10:00:00+00:00"}]))
    for batch in (newer, late, newer):
        merge_into(spark, batch, path, ["subject_id", "purpose"], newer_than="event_at")
    rows = spark.read.format("delta").load(path).collect()
    assert [(r.event_id, r.is_granted) for r in rows] == [("CE9", False)]
