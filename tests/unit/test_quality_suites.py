"""Every bronze and silver table has a well-formed GX suite (no Spark needed)."""

import pytest

from pipelines.run import SOURCES
from pipelines.sources import load_source
from quality.runner import suite_module, suite_names

SILVER = ("loyalty_members", "pnr_bookings", "pnr_passengers", "pnr_segments", "consent_events",
          "consents_current", "flight_legs", "flight_passengers", "ancillaries",
          "cabin_forecast", "contact_interactions", "purchase_lines", "feedback_events",
          "feedback_cases", "baggage_reports", "compensation_payouts", "social_posts",
          "pnr_service_requests")


def test_every_bronze_and_silver_table_has_a_suite():
    bronze = {f"bronze__{load_source(s).bronze_table}" for s in SOURCES}
    assert len(bronze) == 13
    assert bronze | {f"silver__{t}" for t in SILVER} <= set(suite_names())


@pytest.mark.parametrize("name", suite_names())
def test_suite_names_its_table_and_its_critical_expectations_exist(name):
    module = suite_module(name)
    layer, table = name.split("__")
    assert module.TABLE == f"{layer}.{table}"
    expectations = module.expectations()
    assert module.CRITICAL and module.CRITICAL <= set(expectations), module.CRITICAL - set(
        expectations)


def test_bronze_suites_run_first():
    names = suite_names()
    assert [n.split("__")[0] for n in names] == sorted(
        (n.split("__")[0] for n in names), key=lambda layer: layer != "bronze")
