"""NBA eligibility rules on small customer frames: consent, fatigue, suppression, cabin room."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.nba.catalogue import load_catalogue, parse_catalogue
from ml.nba.eligibility import context_codes, eligible_actions
from pipelines.errors import LakehouseError


@pytest.fixture(scope="module")
def catalogue(settings):
    return load_catalogue(settings)


def _customer(customer_id="c1", **overrides):
    """A member with an upcoming economy flight, marketing consent and nothing wrong."""
    row = {"customer_id": customer_id, "tier": "SILVER", "flights_total": 4,
           "upcoming_flights": 1, "next_flight_cabin": "Y", "upgrade_seats_free": 10,
           "days_since_last_flight": 20, "days_since_last_disruption": None, "open_cases": 0,
           "complaints": 0, "consent_marketing_email": True, "contacts_in_window": 0,
           "scores": None}
    return {**row, **overrides}


def _eligible(catalogue, *rows):
    pairs = eligible_actions(pd.DataFrame(list(rows)), catalogue)
    return {c: set(g["action"]) for c, g in pairs.groupby("customer_id")}


def test_member_with_an_upcoming_economy_flight_gets_every_sales_offer(catalogue):
    assert _eligible(catalogue, _customer())["c1"] == {
        "upgrade", "extra_bag", "lounge_pass", "seat", "do_nothing"}


def test_without_marketing_consent_only_do_nothing_is_left(catalogue):
    withdrawn = _eligible(catalogue, _customer(consent_marketing_email=False),
                          _customer("c2", consent_marketing_email=None))
    assert withdrawn == {"c1": {"do_nothing"}, "c2": {"do_nothing"}}


def test_fatigue_blocks_offers_at_the_cap_but_not_below(catalogue):
    cap = catalogue.policy.fatigue.max_contacts
    got = _eligible(catalogue, _customer("below", contacts_in_window=cap - 1),
                    _customer("at", contacts_in_window=cap))
    assert "extra_bag" in got["below"]
    assert got["at"] == {"do_nothing"}


def test_fatigue_does_not_block_service_recovery(catalogue):
    got = _eligible(catalogue, _customer(contacts_in_window=99, days_since_last_disruption=2))
    assert got["c1"] == {"apology_miles", "do_nothing"}


def test_open_complaint_suppresses_sales_and_retention_and_promotes_recovery(catalogue):
    row = _customer(open_cases=1, complaints=1, tier="GOLD", upcoming_flights=0,
                    days_since_last_flight=200)
    pairs = eligible_actions(pd.DataFrame([row]), catalogue)
    assert set(pairs["action"]) == {"voucher", "call_back", "do_nothing"}
    recovery = pairs[pairs["family"] == "recovery"]
    assert recovery["promoted"].all()
    assert all("promoted:open_complaint" in r for r in recovery["reasons"])
    assert not pairs.loc[pairs["action"] == "do_nothing", "promoted"].any()


def test_recent_disruption_suppresses_sales_but_an_old_one_does_not(catalogue):
    got = _eligible(catalogue, _customer("recent", days_since_last_disruption=3),
                    _customer("old", days_since_last_disruption=60))
    assert got["recent"] == {"apology_miles", "do_nothing"}
    assert "apology_miles" not in got["old"] and "extra_bag" in got["old"]


def test_upgrade_needs_room_in_the_higher_cabin_forecast(catalogue):
    room = catalogue.policy.upgrade.min_free_seats
    got = _eligible(catalogue, _customer("room", upgrade_seats_free=room),
                    _customer("full", upgrade_seats_free=room - 1),
                    _customer("no_forecast", upgrade_seats_free=None),
                    _customer("business", next_flight_cabin="J", upgrade_seats_free=50))
    assert "upgrade" in got["room"]
    assert "upgrade" not in got["full"] | got["no_forecast"] | got["business"]


def test_null_rule_column_never_qualifies(catalogue):
    got = _eligible(catalogue, _customer(upcoming_flights=None))
    assert got["c1"] == {"do_nothing"}


def test_context_codes_name_the_suppression_and_the_fatigue(catalogue):
    frame = pd.DataFrame([_customer(days_since_last_disruption=1, contacts_in_window=5)])
    cap = catalogue.policy.fatigue.max_contacts
    assert context_codes(frame, catalogue).iloc[0] == [
        "suppressed:recent_disruption", f"fatigue:5/{cap}"]


def test_rule_on_an_unknown_column_is_a_clear_error(catalogue):
    frame = pd.DataFrame([_customer()]).drop(columns="upcoming_flights")
    with pytest.raises(LakehouseError, match="upcoming_flights"):
        eligible_actions(frame, catalogue)


def test_catalogue_without_do_nothing_is_rejected(catalogue):
    data = catalogue.model_dump()
    data["actions"] = [a for a in data["actions"] if a["name"] != "do_nothing"]
    data["rule_order"].remove("do_nothing")
    with pytest.raises(LakehouseError, match="do_nothing"):
        parse_catalogue(data)


def test_catalogue_rejects_sql_in_a_column_name(catalogue):
    data = catalogue.model_dump()
    data["actions"][0]["eligible"] = [{"column": "tier; drop table x", "op": "=", "value": 1}]
    with pytest.raises(LakehouseError, match="not a column name"):
        parse_catalogue(data)
