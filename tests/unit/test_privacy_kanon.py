"""k-anonymity: generalisation up the ladder, suppression, refusal, re-identification risk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError
from privacy.kanon import (
    KSpec,
    Level,
    apply_levels,
    group_sizes,
    k_anonymise,
    load_tables,
    reidentification_risk,
)

CITIES = {"Amsterdam": "NL", "Utrecht": "NL", "Lyon": "FR", "Paris": "FR", "Berlin": "DE",
          "Munich": "DE", "Madrid": "ES", "Leeds": "GB", "Detroit": "US", "Wroclaw": "PL"}
ROUTES = ["AMS-JFK", "AMS-LHR", "AMS-CDG", "AMS-NRT", "AMS-DXB", "AMS-BCN", "AMS-FCO"]
SPEC = {
    "k": 10, "subject": "customer_id", "max_suppressed_share": 0.05,
    "quasi_identifiers": {
        "age": [{"age_band": 5, "top": 80}, {"age_band": 10, "top": 80},
                {"age_band": 20, "top": 60}, "suppress"],
        "home_city": [{"column": "home_country"},
                      {"map": "country_region", "source": "home_country"},
                      {"map": "country_continent", "source": "home_country"}, "suppress"],
        "travel_date": [{"date": "month"}, {"date": "quarter"}, {"date": "year"}],
        "route": ["keep", {"route": "airport_region"}, {"route": "airport_continent"}],
    },
    "ladder": ["age", "travel_date", "home_city", "route", "age", "home_city", "route",
               "travel_date", "age", "home_city"],
}


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def trips():
    """800 trips of 400 customers: ages, home cities, dates in 2026, routes."""
    rng = np.random.default_rng(7)
    customers = pd.DataFrame({"customer_id": [f"C{i:04d}" for i in range(400)],
                              "age": rng.integers(18, 90, 400),
                              "home_city": rng.choice(list(CITIES), 400)})
    customers["home_country"] = customers["home_city"].map(CITIES)
    rows = customers.sample(800, replace=True, random_state=3).reset_index(drop=True)
    rows["travel_date"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(
        rng.integers(0, 365, 800), unit="D")
    rows["route"] = rng.choice(ROUTES, 800)
    return rows


def _people_per_group(frame, qis):
    return frame.groupby(qis)["customer_id"].nunique()


def test_every_kept_group_holds_at_least_k_distinct_people(trips, tables):
    spec = KSpec.from_dict(SPEC)
    result = k_anonymise(trips, spec, tables)
    qis = list(spec.quasi_identifiers)
    assert _people_per_group(result.frame, qis).min() >= 10
    assert result.k_achieved == _people_per_group(result.frame, qis).min()
    assert result.suppressed_rows == len(trips) - len(result.frame)
    assert result.suppressed_rows <= 0.05 * len(trips)
    assert result.steps > 0  # raw data is far from 10-anonymous


def test_reidentification_risk_is_zero_at_k_10_and_not_before(trips, tables):
    spec = KSpec.from_dict(SPEC)
    qis = list(spec.quasi_identifiers)
    raw = apply_levels(trips, spec, {qi: 0 for qi in qis}, tables)
    assert reidentification_risk(raw, qis, "customer_id") > 0.3
    result = k_anonymise(trips, spec, tables)
    population = apply_levels(trips, spec, result.levels, tables)
    assert reidentification_risk(result.frame, qis, "customer_id") == 0.0
    assert reidentification_risk(result.frame, qis, "customer_id", population) == 0.0


def test_small_groups_are_suppressed_when_few_enough():
    big = pd.DataFrame({"customer_id": [f"C{i}" for i in range(97)], "nat": "NL"})
    odd = pd.DataFrame({"customer_id": ["X1", "X2", "X3"], "nat": ["BR", "NG", "SE"]})
    spec = KSpec.from_dict({"k": 10, "subject": "customer_id", "max_suppressed_share": 0.05,
                            "quasi_identifiers": {"nat": ["keep"]}})
    result = k_anonymise(pd.concat([big, odd], ignore_index=True), spec, {})
    assert result.suppressed_rows == 3 and result.steps == 0
    assert set(result.frame["nat"]) == {"NL"} and result.k_achieved == 97


def test_too_much_suppression_climbs_the_ladder_instead():
    df = pd.DataFrame({"customer_id": [f"C{i}" for i in range(40)],
                       "age": [20 + i % 8 for i in range(40)]})  # 8 ages, 5 people each
    spec = KSpec.from_dict({"k": 10, "subject": "customer_id",
                            "quasi_identifiers": {"age": ["keep", {"age_band": 5}]}})
    result = k_anonymise(df, spec, {})
    assert result.levels == {"age": 1} and result.suppressed_rows == 0
    assert sorted(set(result.frame["age"])) == ["20-24", "25-29"]


def test_extract_is_refused_when_k_cannot_be_met(trips, tables):
    few = trips[trips["customer_id"].isin(trips["customer_id"].unique()[:6])]
    with pytest.raises(LakehouseError, match=r"k=10 cannot be met"):
        k_anonymise(few, KSpec.from_dict(SPEC), tables)


def test_refusal_when_the_ladder_ends_above_the_suppression_limit():
    df = pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)],
                       "nat": ["NL"] * 15 + [f"X{i}" for i in range(15)]})
    spec = KSpec.from_dict({"k": 10, "subject": "customer_id", "max_suppressed_share": 0.2,
                            "quasi_identifiers": {"nat": ["keep"]}})
    with pytest.raises(LakehouseError, match=r"15 of 30 rows \(50.0%\)"):
        k_anonymise(df, spec, {})


def test_one_traveller_with_many_trips_is_one_person_not_a_group():
    df = pd.DataFrame({"customer_id": ["C1"] * 12 + [f"C{i}" for i in range(2, 14)],
                       "nat": ["SE"] * 12 + ["NL"] * 12})
    spec = KSpec.from_dict({"k": 10, "subject": "customer_id", "max_suppressed_share": 0.5,
                            "quasi_identifiers": {"nat": ["keep"]}})
    result = k_anonymise(df, spec, {})
    assert set(result.frame["nat"]) == {"NL"} and result.suppressed_rows == 12
    assert group_sizes(df, ["nat"]).max() == 12  # rows would have hidden it


def test_risk_is_the_share_of_rows_unique_in_the_population():
    extract = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "band": ["1", "1", "2", "3"]})
    population = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E"],
                               "band": ["1", "1", "2", "3", "3"]})
    assert reidentification_risk(extract, ["band"], "customer_id") == 0.5
    assert reidentification_risk(extract, ["band"], "customer_id", population) == 0.25
    assert reidentification_risk(extract.iloc[:0], ["band"]) == 0.0


@pytest.mark.parametrize("level,values,expected", [
    ({"age_band": 5}, [30, 34, 35, None], ["30-34", "30-34", "35-39", "unknown"]),
    ({"age_band": 10, "top": 80}, [79, 80, 95], ["70-79", "80+", "80+"]),
    ({"date": "month"}, ["2026-01-31", "2026-02-01T10:00:00+01:00"], ["2026-01", "2026-02"]),
    ({"date": "quarter"}, ["2026-05-03"], ["2026Q2"]),
    ({"map": "country_region"}, ["NL", "PL", "ZZ"], ["Western Europe", "Eastern Europe",
                                                      "other"]),
    ({"route": "airport_region"}, ["AMS-JFK", "bad"], ["Western Europe-Northern America",
                                                       "unknown"]),
    ("suppress", ["a", "b"], ["*", "*"]),
])
def test_generalisation_levels(tables, level, values, expected):
    df = pd.DataFrame({"v": values})
    assert list(Level.parse(level, "v").apply(df, "v", tables)) == expected


def test_column_level_takes_another_column_of_the_row():
    df = pd.DataFrame({"home_city": ["Lyon", "Leeds"], "home_country": ["FR", "GB"]})
    assert list(Level.parse({"column": "home_country"}, "home_city").apply(
        df, "home_city", {})) == ["FR", "GB"]


def test_level_reading_a_missing_column_is_a_clear_error():
    df = pd.DataFrame({"home_city": ["Lyon"]})
    with pytest.raises(LakehouseError, match="'home_country'"):
        Level.parse({"column": "home_country"}, "home_city").apply(df, "home_city", {})


@pytest.mark.parametrize("bad,match", [
    ({"k": 1, "quasi_identifiers": {"a": ["keep"]}}, "k=1"),
    ({"quasi_identifiers": {"a": ["blur"]}}, "blur"),
    ({"quasi_identifiers": {"a": ["keep"]}, "ladder": ["b"]}, "ladder names"),
    ({"quasi_identifiers": {}}, "no quasi_identifiers"),
])
def test_bad_specs_are_clear_errors(bad, match):
    with pytest.raises(LakehouseError, match=match):
        KSpec.from_dict(bad)


def test_example_partner_spec_parses_and_its_tables_exist(tables):
    raw = yaml.safe_load((CONF_DIR / "extracts" / "example_partner.yaml").read_text())
    spec = KSpec.from_dict(raw)
    assert spec.k == 10 and spec.subject == raw["columns"][0]
    assert set(spec.quasi_identifiers) <= set(raw["columns"])
    for levels in spec.quasi_identifiers.values():
        for level in levels:
            assert level.kind not in ("map", "route") or level.arg in tables
    assert "other" not in set(tables["airport_region"].values())


def test_example_partner_spec_anonymises_a_trip_table(trips, tables):
    raw = yaml.safe_load((CONF_DIR / "extracts" / "example_partner.yaml").read_text())
    spec = KSpec.from_dict(raw)
    data = trips.assign(nationality=trips["home_country"])
    result = k_anonymise(data, spec, tables)
    qis = list(spec.quasi_identifiers)
    assert _people_per_group(result.frame, qis).min() >= raw["k"]
    population = apply_levels(data, spec, result.levels, tables)
    assert reidentification_risk(result.frame, qis, "customer_id", population) == 0.0
