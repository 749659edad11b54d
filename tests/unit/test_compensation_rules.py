"""Worked compensation cases, one row per rule, each citing the article or ruling it checks.

Expected amounts are worked out by hand from the Regulation and the Convention (distances from
the airport reference: AMS-LHR 370 km, AMS-FCO 1,297, AMS-LIS 1,846, AMS-IST 2,184, AMS-JFK 5,848,
AMS-NBO 6,677, HAM-JFK 6,118, FCO-IST 1,374, CDG-RUN ~9,350 km), never read back from the engine.
"""

from __future__ import annotations

import shutil

import pytest

from pipelines.compensation.case import Case
from pipelines.compensation.engine import decide
from pipelines.compensation.rules import AIRPORTS_CSV, RULES_DIR, load_rules

TECH = "41"  # IATA delay code: aircraft defects


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    """The real rule files; airports = the reference plus Réunion (an EU outermost region)."""
    path = tmp_path_factory.mktemp("ref") / "airports.csv"
    shutil.copy(AIRPORTS_CSV, path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("RUN,Roland Garros Airport,St.-denis,France,-20.8871,55.5103,"
                     "Indian/Reunion\n")
    return load_rules(RULES_DIR, path)


def case(**kw) -> Case:
    kw.setdefault("id", "t")
    kw.setdefault("eu_carrier", True)
    return Case(**kw)


# (name, facts, expected regime, status, amount_eur, miles, text the explanation must cite)
CASES = [
    # --- scope, Art. 3(1) -------------------------------------------------------------------
    ("scope_departure_eu_any_carrier",
     dict(origin="AMS", dest="JFK", eu_carrier=False, event="delay", delay_min=300, cause=TECH),
     "eu261", "due", 600, 0, "Art. 3(1)(a)"),
    ("scope_arrival_eu_on_community_carrier",
     dict(origin="JFK", dest="AMS", event="delay", delay_min=300, cause=TECH),
     "eu261", "due", 600, 0, "Art. 3(1)(b)"),
    ("scope_arrival_eu_on_non_community_carrier_goodwill_only",
     dict(origin="JFK", dest="AMS", eu_carrier=False, event="delay", delay_min=300, cause=TECH),
     "goodwill", "due", 50, 0, "Art. 3(1)(b)"),
    ("scope_neither_end_in_eu",
     dict(origin="JFK", dest="NRT", event="delay", delay_min=60, cause=TECH),
     "eu261", "not_due", 0, 0, "Art. 3(1)"),
    ("scope_uk_departure_not_member_state_since_2021",
     dict(origin="LHR", dest="JFK", eu_carrier=False, event="delay", delay_min=60, cause=TECH),
     "eu261", "not_due", 0, 0, "Art. 3(1)"),
    ("scope_switzerland_by_air_transport_agreement",
     dict(origin="ZRH", dest="JFK", eu_carrier=False, event="delay", delay_min=300, cause=TECH),
     "eu261", "due", 600, 0, "Art. 3(1)(a)"),
    ("scope_third_country_journey_via_eu_hub_needs_review",
     dict(origin="ORD", via="AMS", dest="ABZ", event="delay", delay_min=300, cause=TECH),
     "eu261", "needs_review", 0, 0, "Wegener C-537/17"),
    ("scope_unknown_carrier_inbound_needs_review",
     dict(origin="JFK", dest="AMS", eu_carrier=None, event="delay", delay_min=300, cause=TECH),
     "eu261", "needs_review", 0, 0, "Art. 3(1)(b)"),
    # --- bands, Art. 7(1) and 7(4) ---------------------------------------------------------
    ("band_short_250", dict(origin="AMS", dest="LHR", event="delay", delay_min=200, cause=TECH),
     "eu261", "due", 250, 0, "Art. 7(1)(a)"),
    ("band_intra_eu_over_1500_is_400",
     dict(origin="AMS", dest="LIS", event="delay", delay_min=200, cause=TECH),
     "eu261", "due", 400, 0, "intra-Community flights of more than 1,500 km"),
    ("band_intra_eu_over_3500_still_400",
     dict(origin="CDG", dest="RUN", event="delay", delay_min=300, cause=TECH),
     "eu261", "due", 400, 0, "Art. 7(1)(b)"),
    ("band_other_1500_3500_is_400",
     dict(origin="AMS", dest="IST", event="delay", delay_min=200, cause=TECH),
     "eu261", "due", 400, 0, "between 1,500 and 3,500 km"),
    ("band_long_600", dict(origin="AMS", dest="NBO", event="delay", delay_min=300, cause=TECH),
     "eu261", "due", 600, 0, "Art. 7(1)(c)"),
    ("distance_great_circle_first_origin_to_final_destination",
     dict(origin="FCO", via=["AMS"], dest="IST", event="delay", delay_min=200, cause=TECH),
     "eu261", "due", 250, 0, "Bossen C-559/16"),
    # --- delay: Sturgeon threshold, Folkerts final destination, Art. 7(2)(c) reduction -------
    ("delay_179_min_below_threshold",
     dict(origin="AMS", dest="LHR", event="delay", delay_min=179, cause=TECH, tier="none"),
     "goodwill", "due", 50, 0, "Sturgeon C-402/07"),
    ("delay_exactly_3h_compensated", dict(origin="AMS", dest="LHR", event="delay",
                                          delay_min=180, cause=TECH),
     "eu261", "due", 250, 0, "Sturgeon C-402/07"),
    ("connection_delay_measured_at_final_destination",
     dict(origin="HAM", via="AMS", dest="JFK", event="delay", delay_min=300, cause=TECH),
     "eu261", "due", 600, 0, "Folkerts C-11/11"),
    ("long_band_delay_3_to_4h_halved",
     dict(origin="AMS", dest="JFK", event="delay", delay_min=240, cause=TECH),
     "eu261", "due", 300, 0, "Sturgeon C-402/07 para. 63"),
    ("long_band_delay_over_4h_full",
     dict(origin="AMS", dest="JFK", event="delay", delay_min=241, cause=TECH),
     "eu261", "due", 600, 0, "Art. 7(1)(c)"),
    ("medium_band_delay_not_halved",
     dict(origin="AMS", dest="IST", event="delay", delay_min=185, cause=TECH),
     "eu261", "due", 400, 0, "Art. 7(1)(b)"),
    # --- cancellation notice, Art. 5(1)(c) -------------------------------------------------
    ("cancellation_notice_14_days_not_due",
     dict(origin="AMS", dest="FCO", event="cancellation", notice_days=14, cause=TECH),
     "eu261", "not_due", 0, 0, "Art. 5(1)(c)(i)"),
    ("cancellation_7_to_14_days_rerouted_within_2h_4h_not_due",
     dict(origin="AMS", dest="FCO", event="cancellation", notice_days=7, cause=TECH,
          reroute_dep_earlier_min=120, reroute_arr_later_min=239),
     "eu261", "not_due", 0, 0, "Art. 5(1)(c)(ii)"),
    ("cancellation_7_to_14_days_reroute_too_early_due",
     dict(origin="AMS", dest="FCO", event="cancellation", notice_days=13, cause=TECH,
          reroute_dep_earlier_min=121, reroute_arr_later_min=239),
     "eu261", "due", 250, 0, "Art. 5(1)(c)(ii)"),
    ("cancellation_under_7_days_rerouted_within_1h_2h_not_due",
     dict(origin="AMS", dest="FCO", event="cancellation", notice_days=6, cause=TECH,
          reroute_dep_earlier_min=60, reroute_arr_later_min=119),
     "eu261", "not_due", 0, 0, "Art. 5(1)(c)(iii)"),
    ("cancellation_under_7_days_arrival_2h_later_due_reduced_on_medium_band",
     dict(origin="AMS", dest="LIS", event="cancellation", notice_days=2, cause=TECH,
          reroute_dep_earlier_min=0, reroute_arr_later_min=120),
     "eu261", "due", 200, 0, "Art. 7(2)"),
    ("cancellation_no_notice_record_counts_as_day_of_departure",
     dict(origin="AMS", dest="JFK", event="cancellation", cause=TECH),
     "eu261", "due", 600, 0, "Art. 5(4)"),
    ("cancellation_rerouted_within_4h_on_long_band_halved",
     dict(origin="AMS", dest="JFK", event="cancellation", notice_days=0, cause=TECH,
          reroute_dep_earlier_min=0, reroute_arr_later_min=230),
     "eu261", "due", 300, 0, "Art. 7(2)(a)-(c)"),
    # --- extraordinary circumstances, Art. 5(3) --------------------------------------------
    ("weather_cancellation_extraordinary_goodwill_instead",
     dict(origin="AMS", dest="FCO", event="cancellation", cause="71", tier="SILVER"),
     "goodwill", "due", 0, 3000, "recital 14"),
    ("atc_delay_extraordinary", dict(origin="AMS", dest="FCO", event="delay", delay_min=200,
                                     cause="81", tier="PLATINUM"),
     "goodwill", "due", 0, 10000, "recital 15"),
    ("bird_strike_extraordinary",
     dict(origin="AMS", dest="FCO", event="delay", delay_min=100, cause="bird_strike"),
     "eu261", "not_due", 0, 0, "under 180 min"),
    ("bird_strike_long_delay_extraordinary",
     dict(origin="AMS", dest="FCO", event="cancellation", cause="bird_strike", tier="GOLD"),
     "goodwill", "due", 0, 6000, "Pešková C-315/15"),
    ("technical_fault_not_extraordinary",
     dict(origin="AMS", dest="FCO", event="cancellation", cause="46"),
     "eu261", "due", 250, 0, "Wallentin-Hermann C-549/07"),
    ("own_staff_wildcat_strike_not_extraordinary",
     dict(origin="AMS", dest="FCO", event="cancellation", cause="own_staff_strike"),
     "eu261", "due", 250, 0, "Krüsemann C-195/17"),
    ("own_staff_union_strike_code_97_not_extraordinary",
     dict(origin="AMS", dest="LIS", event="delay", delay_min=200, cause="97"),
     "eu261", "due", 400, 0, "Airhelp C-28/20"),
    ("air_traffic_controllers_strike_extraordinary",
     dict(origin="AMS", dest="LIS", event="cancellation", cause="98", tier="BLUE"),
     "goodwill", "due", 0, 1500, "recital 14"),
    ("late_inbound_aircraft_needs_review",
     dict(origin="AMS", dest="LIS", event="delay", delay_min=200, cause="93"),
     "eu261", "needs_review", 0, 0, "C-74/19"),
    ("missing_delay_cause_needs_review",
     dict(origin="AMS", dest="LIS", event="delay", delay_min=200),
     "eu261", "needs_review", 0, 0, "missing delay cause"),
    ("unlisted_delay_code_needs_review",
     dict(origin="AMS", dest="LIS", event="delay", delay_min=200, cause="99"),
     "eu261", "needs_review", 0, 0, "not in eu261.yaml"),
    ("unknown_airport_needs_review",
     dict(origin="AMS", dest="QQQ", event="delay", delay_min=300, cause=TECH),
     "eu261", "needs_review", 0, 0, "QQQ not in the airport reference"),
    # --- denied boarding, Art. 4 ------------------------------------------------------------
    ("denied_boarding_overbooking", dict(origin="AMS", dest="LIS", event="denied_boarding",
                                         cause="overbooking"),
     "eu261", "due", 400, 0, "Art. 4(3)"),
    ("denied_boarding_rerouted_within_2h_short_band_halved",
     dict(origin="AMS", dest="LHR", event="denied_boarding", cause="overbooking",
          reroute_arr_later_min=100),
     "eu261", "due", 125, 0, "Art. 7(2)"),
    ("denied_boarding_despite_weather_day_still_due",
     dict(origin="AMS", dest="LHR", event="denied_boarding", cause="weather"),
     "eu261", "due", 250, 0, "Finnair C-22/11"),
    ("denied_boarding_inadequate_documents_not_due",
     dict(origin="AMS", dest="JFK", event="denied_boarding",
          cause="inadequate_travel_documents"),
     "eu261", "not_due", 0, 0, "Art. 2(j)"),
    ("denied_boarding_reason_unknown_needs_review",
     dict(origin="AMS", dest="LIS", event="denied_boarding"),
     "eu261", "needs_review", 0, 0, "Art. 2(j)"),
    ("denied_boarding_volunteer_not_due",
     dict(origin="AMS", dest="JFK", event="denied_boarding", cause="volunteer"),
     "eu261", "not_due", 0, 0, "Art. 4(1)"),
    # --- baggage, Montreal Convention Art. 17, 19, 22 ---------------------------------------
    ("bag_delayed_3_days_interim_expenses",
     dict(origin="AMS", dest="LHR", event="baggage_delayed", bag_delay_days=3,
          on_date="2026-01-05"),
     "montreal", "due", 150, 0, "Art. 19"),
    ("bag_delayed_9_days_interim_capped_at_5_days",
     dict(origin="AMS", dest="LHR", event="baggage_delayed", bag_delay_days=9,
          on_date="2026-01-05"),
     "montreal", "due", 250, 0, "interim expenses"),
    ("bag_delayed_not_yet_delivered_advance",
     dict(origin="AMS", dest="LHR", event="baggage_delayed", on_date="2026-01-05"),
     "montreal", "due", 100, 0, "interim advance"),
    ("bag_not_arrived_after_21_days_is_lost_needs_claim",
     dict(origin="AMS", dest="LHR", event="baggage_delayed", bag_delay_days=21,
          on_date="2026-01-05"),
     "montreal", "needs_review", 0, 0, "Art. 17(3)"),
    ("bag_lost_claim_capped_at_1519_sdr",  # 1,519 SDR x 1.164049 EUR/SDR (IMF 22.12.2025)
     dict(origin="AMS", dest="LHR", event="baggage_lost", claim_eur=3000, on_date="2026-01-05"),
     "montreal", "due", 1768.19, 0, "1,519 SDR"),
    ("bag_lost_2025_claim_uses_rate_of_the_day",  # 1,519 x 1.227816 (IMF 24.3.2025)
     dict(origin="AMS", dest="LHR", event="baggage_lost", claim_eur=5000, on_date="2025-06-01"),
     "montreal", "due", 1865.05, 0, "2025-03-24"),
    ("bag_damaged_claim_below_limit_paid_in_full",
     dict(origin="AMS", dest="LHR", event="baggage_damaged", claim_eur=120.5,
          on_date="2026-01-05"),
     "montreal", "due", 120.5, 0, "Art. 17(2)"),
    ("bag_damaged_without_claim_needs_review",
     dict(origin="AMS", dest="LHR", event="baggage_damaged", on_date="2026-01-05"),
     "montreal", "needs_review", 0, 0, "documented claim"),
    ("bag_claim_dated_before_rate_table_needs_review",
     dict(origin="AMS", dest="LHR", event="baggage_lost", claim_eur=100, on_date="2024-06-01"),
     "montreal", "needs_review", 0, 0, "sdr_rates.yaml"),
    # --- goodwill by tier (only where the law pays nothing) ---------------------------------
    ("goodwill_platinum_2h_delay", dict(origin="AMS", dest="LHR", event="delay", delay_min=150,
                                        cause=TECH, tier="PLATINUM"),
     "goodwill", "due", 0, 10000, "tier PLATINUM"),
    ("goodwill_blue_2h_delay", dict(origin="AMS", dest="LHR", event="delay", delay_min=150,
                                    cause=TECH, tier="blue"),
     "goodwill", "due", 0, 1500, "tier BLUE"),
    ("goodwill_not_below_2h", dict(origin="AMS", dest="LHR", event="delay", delay_min=119,
                                   cause=TECH, tier="GOLD"),
     "eu261", "not_due", 0, 0, "under 180 min"),
    ("goodwill_not_on_top_of_legal_compensation",
     dict(origin="AMS", dest="LHR", event="delay", delay_min=200, cause=TECH, tier="PLATINUM"),
     "eu261", "due", 250, 0, "Art. 7(1)(a)"),
    ("goodwill_unknown_tier_needs_review",
     dict(origin="AMS", dest="LHR", event="delay", delay_min=150, cause=TECH, tier="DIAMOND"),
     "goodwill", "needs_review", 0, 0, "DIAMOND"),
    # --- never pay twice --------------------------------------------------------------------
    ("finance_already_paid_in_full",
     dict(origin="AMS", dest="JFK", event="delay", delay_min=300, cause=TECH,
          already_paid_eur=600, already_paid_regime="eu261"),
     "eu261", "not_due", 0, 0, "already paid"),
    ("finance_paid_part_rest_outstanding",
     dict(origin="AMS", dest="JFK", event="delay", delay_min=300, cause=TECH,
          already_paid_eur=250, already_paid_regime="eu261"),
     "eu261", "due", 350, 0, "outstanding"),
    ("goodwill_already_given_not_again",
     dict(origin="AMS", dest="LHR", event="delay", delay_min=150, cause=TECH, tier="none",
          already_paid_eur=50, already_paid_regime="goodwill"),
     "goodwill", "not_due", 0, 0, "already paid"),
    ("goodwill_payout_does_not_offset_legal_compensation",
     dict(origin="AMS", dest="JFK", event="delay", delay_min=300, cause=TECH,
          already_paid_eur=50, already_paid_regime="goodwill"),
     "eu261", "due", 600, 0, "Art. 7(1)(c)"),
    # --- payment form, Art. 7(3) ------------------------------------------------------------
    ("voucher_only_with_agreement",
     dict(origin="AMS", dest="LHR", event="delay", delay_min=200, cause=TECH,
          voucher_agreed=True),
     "eu261", "due", 300, 0, "Art. 7(3)"),
]


@pytest.mark.parametrize(("name", "facts", "regime", "status", "amount", "miles", "cites"),
                         CASES, ids=[row[0] for row in CASES])
def test_worked_case(rules, name, facts, regime, status, amount, miles, cites):
    decision = decide(case(**facts), rules)
    assert (decision.regime, decision.status) == (regime, status), decision.explanation
    assert decision.amount_eur == pytest.approx(amount, abs=0.005), decision.explanation
    assert decision.miles == miles, decision.explanation
    assert cites in decision.explanation
    assert decision.rule_version == rules.version


def test_at_least_25_worked_cases_each_citing_a_source():
    assert len(CASES) >= 25
    assert all(row[-1] for row in CASES)


def test_cash_unless_customer_agreed_to_a_voucher(rules):
    facts = dict(origin="AMS", dest="LHR", event="delay", delay_min=200, cause=TECH)
    assert decide(case(**facts), rules).payment == "cash"
    assert decide(case(**facts, voucher_agreed=True), rules).payment == "voucher"


def test_rule_version_names_every_rule_file(rules):
    assert rules.version.split("+")[0] == rules["eu261"]["version"]
    assert len(rules.version.split("+")) == 5


def test_explanation_lists_every_step_in_order(rules):
    decision = decide(case(origin="HAM", via="AMS", dest="JFK", event="delay", delay_min=200,
                           cause=TECH), rules)
    order = ["one journey", "Art. 3(1)(a)", "great-circle", "band long", "Sturgeon",
             "not extraordinary", "reduced by 50%", "EUR 300 due"]
    positions = [decision.explanation.index(text) for text in order]
    assert positions == sorted(positions)
