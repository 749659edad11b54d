"""Retention policy: the shipped YAML is valid; cut-offs are calendar arithmetic; bad entries
are refused with the class named."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pipelines.errors import LakehouseError
from privacy.retention import cutoff, load_policy, needs_vacuum, parse_policy


def test_shipped_policy_covers_the_data_classes_of_the_issue():
    classes, hours = load_policy()
    by_name = {c.name: c for c in classes}
    assert {"chat_transcripts", "contact_centre_transcripts", "social_posts",
            "bronze_raw_payloads", "quarantine"} <= set(by_name)
    assert by_name["chat_transcripts"].keep == "2 years"
    assert by_name["chat_transcripts"].match == {"channel": ["chat"]}
    assert by_name["bronze_raw_payloads"].tables == ["bronze.*"]
    assert hours >= 0


@pytest.mark.parametrize(("as_of", "keep", "first_kept"), [
    (date(2026, 3, 15), "2 years", date(2024, 3, 15)),
    (date(2028, 2, 29), "1 year", date(2027, 2, 28)),      # no 29 Feb in 2027
    (date(2026, 3, 31), "1 month", date(2026, 2, 28)),
    (date(2026, 1, 15), "2 months", date(2025, 11, 15)),
    (date(2026, 1, 10), "30 days", date(2025, 12, 11)),
    (date(2026, 1, 10), "0 days", date(2026, 1, 10)),
    (date(2026, 1, 10), " 1 day ", date(2026, 1, 9)),
])
def test_cutoff_is_calendar_arithmetic(as_of, keep, first_kept):
    assert cutoff(as_of, keep) == first_kept


@pytest.mark.parametrize("keep", ["2y", "two years", "-3 days", "1 week", ""])
def test_period_that_is_not_days_months_or_years_is_refused(keep):
    with pytest.raises(LakehouseError, match="is not a period"):
        cutoff(date(2026, 1, 1), keep)


def _policy(**cls):
    base = {"tables": ["silver.social_posts"], "timestamp": "posted_at", "keep": "1 year"}
    return {"vacuum_retain_hours": 0, "classes": {"posts": {**base, **cls}}}


@pytest.mark.parametrize(("raw", "words"), [
    ({"vacuum_retain_hours": 1}, "classes"),
    (_policy(timestamp=None), "class posts: no timestamp"),
    (_policy(tables=["social_posts"]), "not layer.table"),
    (_policy(keep="forever"), "not a period"),
    ({**_policy(), "vacuum_retain_hours": -1}, "vacuum_retain_hours"),
])
def test_bad_policy_is_refused_naming_the_entry(raw, words):
    with pytest.raises(LakehouseError, match=words):
        parse_policy(raw)


def test_single_match_value_and_single_table_become_lists():
    classes, hours = parse_policy(_policy(tables="bronze.*", match={"channel": "chat"}))
    assert classes[0].tables == ["bronze.*"]
    assert classes[0].match == {"channel": ["chat"]}
    assert hours == 0


T0 = datetime(2026, 1, 1, 3)


@pytest.mark.parametrize(("history", "hours", "needed"), [
    ([("WRITE", T0)], 24, False),                                        # nothing deleted
    ([("DELETE", T0)], 24, True),                                        # never vacuumed
    ([("DELETE", T0), ("VACUUM END", T0 + timedelta(minutes=1))], 0, False),   # done at once
    ([("DELETE", T0), ("VACUUM END", T0 + timedelta(minutes=1))], 24, True),   # files kept
    ([("DELETE", T0), ("VACUUM END", T0 + timedelta(hours=25))], 24, False),   # taken next day
    ([("DELETE", T0), ("VACUUM END", T0 + timedelta(hours=25)),
      ("REORG", T0 + timedelta(hours=26))], 24, True),                   # a later purge
])
def test_vacuum_only_while_deleted_files_may_still_be_there(history, hours, needed):
    assert needs_vacuum(history, hours) is needed
