"""Spark logic of the golden job on a handful of records: the verified-email rule and
households, and the birth years a booking's passenger type allows."""

import pytest

from pipelines.identity.rules import rule_edges

RULE = {"name": "verified_email", "keys": ["email"], "verified": "email",
        "first_name_agrees": True, "dob_agrees": True}
COLUMNS = ("record_id string, verified_email boolean, first_name_variants array<string>, "
           "loyalty_from_checkin boolean, dob string, email_bidx string")


def _edges(spark, rows):
    records = spark.createDataFrame(rows, COLUMNS)
    return sorted((r.left_id, r.right_id) for r in rule_edges(records, [RULE]).collect())


@pytest.mark.parametrize(("booking_dob", "linked"), [(None, True), ("1976-10-05", True),
                                                      ("2016-05-14", False)])
def test_a_mailbox_one_member_verified_links_a_booking_of_that_name(spark, booking_dob, linked):
    rows = [("a_member", True, ["bjork"], False, "1976-10-05", "E1"),
            ("b_booking", False, ["bjork"], False, booking_dob, "E1"),
            ("c_brother", False, ["soren"], False, None, "E1")]
    assert _edges(spark, rows) == ([("a_member", "b_booking")] if linked else [])


def test_a_mailbox_two_members_verified_links_nobody(spark):
    # mother and daughter, both named Bjork, both members with the family mailbox
    rows = [("a_mother", True, ["bjork"], False, "1976-10-05", "E1"),
            ("b_daughter", True, ["bjork"], False, "2016-05-14", "E1"),
            ("c_booking", False, ["bjork"], False, None, "E1")]
    assert _edges(spark, rows) == []


def test_passenger_type_bounds_the_birth_year_and_a_date_of_birth_fixes_it(spark):
    from pipelines.identity.sources import with_birth_years

    years = {"INF": [3, 0], "CHD": [13, 1], "ADT": [None, 11]}
    records = spark.createDataFrame([
        ("inf", "INF", None), ("adt", "ADT", None), ("dob", "INF", "1987-09-09"),
        ("none", None, None)],
        "record_id string, pax_type string, dob string").selectExpr(
        "*", "timestamp'2026-01-02 10:00:00' as first_seen_at")
    out = {r.record_id: (r.birth_year_min, r.birth_year_max)
           for r in with_birth_years(records, years).collect()}
    assert out == {"inf": (2023, 2026), "adt": (1800, 2015), "dob": (1987, 1987),
                   "none": (None, None)}
