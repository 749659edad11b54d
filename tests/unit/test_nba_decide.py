"""NBA expected value, ranking, runners-up and the offline evaluation on a fixed small history."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.nba.catalogue import load_catalogue
from ml.nba.decide import decide_all
from ml.nba.eligibility import eligible_actions
from ml.nba.evaluate import evaluate_policies, realised_reward
from ml.nba.value import expected_values, p_accept


@pytest.fixture(scope="module")
def catalogue(settings):
    return load_catalogue(settings)


def _customer(customer_id="c1", **overrides):
    row = {"customer_id": customer_id, "tier": "SILVER", "flights_total": 4,
           "upcoming_flights": 1, "next_flight_cabin": "Y", "upgrade_seats_free": 10,
           "days_since_last_flight": 20, "days_since_last_disruption": None, "open_cases": 0,
           "complaints": 0, "consent_marketing_email": True, "contacts_in_window": 0,
           "scores": None}
    return {**row, **overrides}


def _ev(catalogue, name, p):
    action = catalogue.action(name)
    return round(p * action.value_eur - action.cost_eur, 2)


def test_p_accept_prefers_model_then_history_then_prior(catalogue):
    bag, k = catalogue.action("extra_bag"), catalogue.policy.history_strength
    model = pd.Series(_customer(scores={"ancillary_extra_bag": 0.7}, bought_extra_bag=4))
    assert p_accept(model, bag, k) == (0.7, "model:ancillary_extra_bag")
    history = pd.Series(_customer(bought_extra_bag=3))
    assert p_accept(history, bag, k) == ((3 + k * bag.prior) / (4 + k), "history")
    newcomer = pd.Series(_customer(flights_total=0))
    assert p_accept(newcomer, bag, k) == (bag.prior, "prior")


def test_history_estimate_is_shrunk_towards_the_prior(catalogue):
    bag, k = catalogue.action("extra_bag"), catalogue.policy.history_strength
    one_of_one, _ = p_accept(pd.Series(_customer(flights_total=1, bought_extra_bag=1)), bag, k)
    many, _ = p_accept(pd.Series(_customer(flights_total=200, bought_extra_bag=200)), bag, k)
    assert bag.prior < one_of_one < many < 1


def test_expected_value_is_p_times_value_minus_cost(catalogue):
    frame = pd.DataFrame([_customer(scores={"ancillary_seat": 0.5})])
    valued = expected_values(frame, eligible_actions(frame, catalogue), catalogue)
    seat = valued.set_index("action").loc["seat"]
    assert seat["expected_value"] == _ev(catalogue, "seat", 0.5)
    assert valued.set_index("action").loc["do_nothing", "expected_value"] == 0


def test_best_action_has_the_highest_ev_and_runners_up_follow_in_order(catalogue):
    frame = pd.DataFrame([_customer(scores={"ancillary_seat": 0.9, "ancillary_upgrade": 0.01})])
    [decision] = decide_all(frame, catalogue).to_dict("records")
    assert decision["action"] == "seat"
    assert decision["expected_value"] == _ev(catalogue, "seat", 0.9)
    evs = [r["expected_value"] for r in decision["runners_up"]]
    assert len(evs) == 3 and evs == sorted(evs, reverse=True)
    assert evs[0] <= decision["expected_value"]
    assert "p:model:ancillary_seat" in decision["reason_codes"]
    assert "consent:marketing_email" in decision["reason_codes"]


def test_negative_ev_loses_to_do_nothing(catalogue):
    frame = pd.DataFrame([_customer(scores={f"ancillary_{t}": 0.0 for t in
                                            ("seat", "upgrade", "extra_bag", "lounge")})])
    assert decide_all(frame, catalogue)["action"].item() == "do_nothing"


def test_promoted_recovery_wins_even_below_do_nothing(catalogue):
    frame = pd.DataFrame([_customer(days_since_last_disruption=1, contacts_in_window=9)])
    [decision] = decide_all(frame, catalogue).to_dict("records")
    assert decision["action"] == "apology_miles"
    assert {"promoted:recent_disruption", "suppressed:recent_disruption"} <= set(
        decision["reason_codes"])
    assert [r["action"] for r in decision["runners_up"]] == ["do_nothing"]


def _history():
    """Three customers described at the cut-off, and what they did in the held-out days."""
    customers = pd.DataFrame([
        _customer("bag_buyer", flights_total=5, bought_extra_bag=5),
        _customer("seat_buyer", flights_total=5, bought_seat=5),
        _customer("no_consent", consent_marketing_email=False),
    ])
    outcomes = pd.DataFrame([
        {"customer_id": "bag_buyer", "bought": ["extra_bag"], "booked_again": False},
        {"customer_id": "seat_buyer", "bought": ["seat"], "booked_again": False},
        {"customer_id": "no_consent", "bought": ["extra_bag"], "booked_again": True},
    ])
    return customers, outcomes


def test_evaluation_reports_lift_over_both_baselines_on_a_fixed_history(catalogue):
    customers, outcomes = _history()
    valued = expected_values(customers, eligible_actions(customers, catalogue), catalogue)
    report = evaluate_policies(valued, outcomes, catalogue, seed=1)
    bag, seat = catalogue.action("extra_bag"), catalogue.action("seat")
    nba = ((bag.value_eur - bag.cost_eur) + (seat.value_eur - seat.cost_eur) + 0) / 3
    assert report["nba_actions"] == {"extra_bag": 1, "seat": 1, "do_nothing": 1}
    assert report["mean_reward_eur"]["nba"] == pytest.approx(nba, abs=1e-3)
    upgrade = catalogue.action("upgrade")
    rule = (-upgrade.cost_eur * 2 + 0) / 3  # rule_order puts upgrade first; nobody took one
    assert report["mean_reward_eur"]["rule_based"] == pytest.approx(rule, abs=1e-3)
    assert report["lift_vs_rule_based"] is None  # a non-positive baseline has no ratio
    assert report["gain_eur_per_customer_vs_rule_based"] == pytest.approx(nba - rule, abs=1e-3)
    assert 0 < report["mean_reward_eur"]["random_eligible"] < nba
    assert report["lift_vs_random_eligible"] > 0


def test_recovery_reward_is_its_expectation_for_every_policy(catalogue):
    apology = catalogue.action("apology_miles")
    expected = apology.prior * apology.value_eur - apology.cost_eur
    assert realised_reward("apology_miles", None, catalogue) == pytest.approx(expected)
    assert realised_reward("do_nothing", None, catalogue) == 0
