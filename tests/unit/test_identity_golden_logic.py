"""Pure logic of the golden-customer job: guardrails in clustering, stable id assignment,
rule conditions, pairwise accuracy and the split's record picking."""

from __future__ import annotations

import pytest

from pipelines.errors import LakehouseError
from pipelines.identity.accuracy import pairwise_scores
from pipelines.identity.clustering import MERGED, REFUSED, Edge, Node, order_edges, resolve
from pipelines.identity.ids import assign_ids, format_id, id_number
from pipelines.identity.rules import rule_condition
from pipelines.identity.split import pick_records

RULES = ["same_loyalty_number", "passport_dob", "verified_email"]


def _order(records):
    return (min(records),)


def test_merge_joining_two_loyalty_numbers_is_refused():
    nodes = [Node("a", loyalty_number="L1"), Node("b"), Node("c", loyalty_number="L2")]
    edges = [Edge("a", "b", "splink", 20.0), Edge("b", "c", "splink", 15.0)]
    clusters, decisions = resolve(nodes, edges, RULES)
    assert sorted(map(sorted, clusters.values())) == [["a", "b"], ["c"]]
    assert [(d.decision, d.reason) for d in decisions] == [(MERGED, None),
                                                           (REFUSED, "two_loyalty_numbers")]


def test_stronger_evidence_wins_the_loyalty_conflict():
    # the rule edge b-c is applied before the stronger-looking splink edge a-b
    nodes = [Node("a", loyalty_number="L1"), Node("b"), Node("c", loyalty_number="L2")]
    edges = [Edge("a", "b", "splink", 30.0), Edge("b", "c", "same_loyalty_number")]
    clusters, _ = resolve(nodes, edges, RULES)
    assert sorted(map(sorted, clusters.values())) == [["a"], ["b", "c"]]


def test_two_passengers_of_one_booking_never_merge():
    nodes = [Node("p1", group="ABC123"), Node("p2", group="ABC123"), Node("m")]
    edges = [Edge("p1", "m", "splink", 12.0), Edge("p2", "m", "splink", 11.0)]
    clusters, decisions = resolve(nodes, edges, RULES)
    assert sorted(map(sorted, clusters.values())) == [["m", "p1"], ["p2"]]
    assert decisions[-1].reason == "same_group"


def test_split_sides_stay_apart_but_new_records_may_join_either():
    nodes = [Node("a", customer_id="C01", split_tags=frozenset({("s1", "kept")})),
             Node("b", customer_id="C02", split_tags=frozenset({("s1", "moved")})),
             Node("n")]
    edges = [Edge("a", "b", "verified_email"), Edge("n", "b", "splink", 9.0)]
    clusters, decisions = resolve(nodes, edges, RULES)
    assert sorted(map(sorted, clusters.values())) == [["a"], ["b", "n"]]
    assert decisions[0].reason == "split"


def test_existing_customers_are_seeds_and_a_merge_retires_the_newer_id():
    nodes = [Node("a", customer_id="C000000002"), Node("b", customer_id="C000000002"),
             Node("c", customer_id="C000000005")]
    clusters, decisions = resolve(nodes, [Edge("b", "c", "splink", 10.0)], RULES)
    assert len(clusters) == 1
    assert decisions[0].absorbed_customer_id == "C000000005"
    existing = {"a": "C000000002", "b": "C000000002", "c": "C000000005"}
    out = assign_ids(clusters, existing, 5, "C", 9, _order)
    assert set(out.customer_of.values()) == {"C000000002"}
    assert out.retired == {"C000000005": "C000000002"} and out.created == []


def test_edges_inside_one_cluster_leave_no_decision():
    nodes = [Node("a", customer_id="C1"), Node("b", customer_id="C1")]
    _, decisions = resolve(nodes, [Edge("a", "b", "splink", 10.0)], RULES)
    assert decisions == []


def test_rules_come_first_then_weights_descending():
    edges = [Edge("a", "b", "splink", 5.0), Edge("c", "d", "verified_email"),
             Edge("e", "f", "splink", 9.0), Edge("g", "h", "same_loyalty_number")]
    assert [e.left for e in order_edges(edges, RULES)] == ["g", "c", "e", "a"]


def test_new_clusters_continue_the_sequence_and_never_renumber_old_ones():
    clusters = {"x": ["r1", "r2"], "y": ["r3"], "z": ["r0"]}
    out = assign_ids(clusters, {"r1": "C000000007"}, 9, "C", 9, _order)
    assert out.customer_of == {"r1": "C000000007", "r2": "C000000007",
                               "r0": "C000000010", "r3": "C000000011"}
    assert out.created == ["C000000010", "C000000011"]


def test_id_round_trip_and_foreign_ids_rejected():
    assert id_number("C", format_id("C", 9, 42)) == 42
    with pytest.raises(LakehouseError):
        id_number("C", "P000000001")


def test_verified_email_rule_needs_a_verified_side_and_agreeing_first_names():
    sql = rule_condition({"name": "verified_email", "keys": ["email"], "verified": "email",
                          "first_name_agrees": True})
    assert "l.email_bidx = r.email_bidx" in sql
    assert "(l.verified_email or r.verified_email)" in sql
    assert "l.email_verifiers = 1" in sql  # a mailbox two members confirmed proves nothing
    assert "arrays_overlap(l.first_name_variants, r.first_name_variants)" in sql


def test_unknown_rule_key_is_a_readable_error():
    with pytest.raises(LakehouseError, match="unknown keys"):
        rule_condition({"name": "x", "keys": ["shoe_size"]})


def test_pairwise_scores_count_pairs():
    # customer A holds p1,p1,p2 ; customer B holds p2 -> predicted 3, true 2, correct 1
    scores = pairwise_scores([("A", "p1"), ("A", "p1"), ("A", "p2"), ("B", "p2")])
    assert (scores["predicted_pairs"], scores["true_pairs"], scores["correct_pairs"]) == (3, 2, 1)
    assert scores["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(0.4, abs=1e-4)


def test_pick_records_by_key_or_table_and_key():
    rows = [{"source_table": "silver.loyalty_members", "record_key": "123"},
            {"source_table": "silver.pnr_passengers", "record_key": "ABC123/1"},
            {"source_table": "silver.pnr_passengers", "record_key": "ABC123/2"}]
    assert pick_records(rows, ["ABC123/1"]) == [rows[1]]
    assert pick_records(rows, ["silver.loyalty_members:123"]) == [rows[0]]
    with pytest.raises(LakehouseError, match="not a record"):
        pick_records(rows, ["ZZZ999/1"])
    with pytest.raises(LakehouseError, match="every record"):
        pick_records(rows, ["123", "ABC123/1", "ABC123/2"])


def test_loyalty_rules_tell_own_numbers_from_check_in_numbers():
    own = rule_condition({"name": "same_loyalty_number", "keys": ["loyalty_number"],
                          "loyalty_source": "own"})
    checkin = rule_condition({"name": "checkin_loyalty_number", "keys": ["loyalty_number"],
                              "loyalty_source": "checkin"})
    assert "l.loyalty_number = r.loyalty_number" in own
    assert "not l.loyalty_from_checkin and not r.loyalty_from_checkin" in own
    assert "(l.loyalty_from_checkin or r.loyalty_from_checkin)" in checkin
    with pytest.raises(LakehouseError, match="loyalty_source"):
        rule_condition({"name": "x", "keys": ["loyalty_number"], "loyalty_source": "gate"})


def test_verified_email_rule_can_require_birth_dates_not_to_disagree():
    sql = rule_condition({"name": "verified_email", "keys": ["email"], "verified": "email",
                          "dob_agrees": True})
    assert "(l.dob is null or r.dob is null or l.dob = r.dob)" in sql
    assert "dob" not in rule_condition({"name": "verified_email", "keys": ["email"]})


def _susans(second_weight: float):
    # x: a name-only booking; a and b: two passengers of another booking, so two people
    nodes = [Node("x", group="PNR1"), Node("a", group="PNR2"), Node("b", group="PNR2")]
    edges = [Edge("x", "a", "splink", -1.0), Edge("x", "b", "splink", second_weight)]
    return nodes, edges


def test_a_record_matching_two_people_about_equally_joins_neither():
    nodes, edges = _susans(-1.0)
    clusters, decisions = resolve(nodes, edges, RULES, ambiguity_margin=2.0)
    assert sorted(map(sorted, clusters.values())) == [["a"], ["b"], ["x"]]
    assert {(d.edge.right, d.decision, d.reason) for d in decisions} == {
        ("a", REFUSED, "ambiguous"), ("b", REFUSED, "ambiguous")}


def test_a_clearly_better_partner_still_wins():
    nodes, edges = _susans(-4.0)
    clusters, _ = resolve(nodes, edges, RULES, ambiguity_margin=2.0)
    assert sorted(map(sorted, clusters.values())) == [["a", "x"], ["b"]]


def test_two_partners_that_may_be_one_person_are_not_ambiguous():
    nodes = [Node("x"), Node("a", loyalty_number="L1"), Node("b", loyalty_number="L1")]
    edges = [Edge("x", "a", "splink", 3.0), Edge("x", "b", "splink", 3.0),
             Edge("a", "b", "same_loyalty_number")]
    clusters, _ = resolve(nodes, edges, RULES, ambiguity_margin=2.0)
    assert sorted(map(sorted, clusters.values())) == [["a", "b", "x"]]


def test_without_a_margin_the_first_edge_wins_as_before():
    nodes, edges = _susans(-1.0)
    clusters, _ = resolve(nodes, edges, RULES)
    assert sorted(map(sorted, clusters.values())) == [["a", "x"], ["b"]]


def test_a_third_partner_scoring_like_two_different_people_is_refused_too():
    # x and c: name-only bookings of "Pawel Wojcik"; a and b: two members of that name
    nodes = [Node("x", group="PNR1"), Node("c", group="PNR2"),
             Node("a", loyalty_number="L1"), Node("b", loyalty_number="L2")]
    edges = [Edge(x, y, "splink", -1.7) for x, y in
             (("x", "a"), ("x", "b"), ("x", "c"), ("c", "a"), ("c", "b"))]
    clusters, decisions = resolve(nodes, edges, RULES, ambiguity_margin=2.0)
    assert sorted(map(sorted, clusters.values())) == [["a"], ["b"], ["c"], ["x"]]
    assert {d.reason for d in decisions} == {"ambiguous"}


def test_a_partner_well_above_the_ambiguous_ones_still_joins():
    nodes = [Node("x", group="PNR1"), Node("c", group="PNR2"),
             Node("a", loyalty_number="L1"), Node("b", loyalty_number="L2")]
    edges = [Edge("x", "a", "splink", -1.7), Edge("x", "b", "splink", -1.7),
             Edge("x", "c", "splink", 6.0)]
    clusters, _ = resolve(nodes, edges, RULES, ambiguity_margin=2.0)
    assert sorted(map(sorted, clusters.values())) == [["a"], ["b"], ["c", "x"]]
