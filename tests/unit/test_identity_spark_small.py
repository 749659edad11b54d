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


def test_travel_party_lists_the_other_passengers_of_the_booking(spark):
    from pipelines.identity.party import with_travel_party

    records = spark.createDataFrame([
        ("p1", "PNR1", "louis thomas", "l@x", None), ("p2", "PNR1", "philippe thomas", "l@x",
                                                      "+331"),
        ("p3", "PNR1", "catherine thomas", None, None), ("solo", "PNR2", "anna berg", "a@x", None),
        ("member", None, "louis thomas", "l@x", "+332")],
        "record_id string, group_key string, full_name string, email string, phone string")
    out = {r.record_id: (r.party_names, r.party_contacts)
           for r in with_travel_party(records).collect()}
    assert out == {"p1": (["catherine thomas", "philippe thomas"], ["+331", "l@x"]),
                   "p2": (["catherine thomas", "louis thomas"], ["l@x"]),
                   "p3": (["louis thomas", "philippe thomas"], ["+331", "l@x"]),
                   "solo": (None, None), "member": (None, None)}


PAIR = ("record_id_l string, record_id_r string, group_key_l string, group_key_r string, "
        "full_name_l string, full_name_r string, email_l string, email_r string, "
        "phone_l string, phone_r string, party_names_l array<string>, "
        "party_names_r array<string>, party_contacts_l array<string>, "
        "party_contacts_r array<string>")
FAMILY = (["louis thomas", "philippe thomas"], ["l@x"])  # catherine's booking: son, grandson


@pytest.mark.parametrize(("left", "right", "level"), [
    # a maiden-name booking alone with the family mailbox vs her booking with the family
    (("G1", "catherine lefevre", "l@x", None, None, None), ("G2", "catherine thomas", None,
                                                           None, *FAMILY), "contact"),
    # the son's own record carries that mailbox too, but he is one of her companions
    ((None, "louis thomas", "l@x", None, None, None), ("G2", "catherine thomas", None, None,
                                                      *FAMILY), "null"),
    # two bookings with the same companion
    (("G1", "catherine thomas", None, None, ["louis thomas"], None), ("G2", "catherine thomas",
                                                                      None, None, *FAMILY),
     "companion"),
    # both travel with others and share nobody
    (("G1", "catherine thomas", None, None, ["john doe"], ["j@x"]), ("G2", "catherine thomas",
                                                                     None, None, *FAMILY),
     "else"),
    # passengers of one booking share each other's party: no evidence
    (("G2", "louis thomas", None, None, ["catherine thomas"], ["l@x"]),
     ("G2", "catherine thomas", None, None, *FAMILY), "null"),
    # one side travels alone and shares nothing
    (("G1", "anna berg", "a@x", None, None, None), ("G2", "catherine thomas", None, None,
                                                   *FAMILY), "null"),
])
def test_co_travel_levels(spark, left, right, level):
    from pipelines.identity.settings import _co_travel_comparison

    comparison = _co_travel_comparison({"email", "phone"}).get_comparison("spark")
    labels = ["null", "companion", "contact", "else"]
    (gl, nl, el, pl, pnl, pcl), (gr, nr, er, pr, pnr, pcr) = left, right
    pair = spark.createDataFrame([("l", "r", gl, gr, nl, nr, el, er, pl, pr, pnl, pnr, pcl, pcr)],
                                 PAIR)
    for label, comp_level in zip(labels, comparison.comparison_levels, strict=True):
        sql = comp_level._sql_condition if label != "else" else "true"
        if pair.where(sql).count():
            assert label == level
            return
