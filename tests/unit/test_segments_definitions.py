"""Segment definitions: validation, SQL compilation and evaluation on a small DataFrame."""

from __future__ import annotations

import pytest
import yaml

from pipelines.errors import LakehouseError
from pipelines.segments.definitions import Segment, load_segments


def segment(*criteria, name="test_segment"):
    return Segment.model_validate({"name": name, "version": 1, "description": "d",
                                   "criteria": list(criteria)})


def test_repo_defines_the_five_segments_marketing_asked_for(settings):
    names = {s.name for s in load_segments(settings)}
    assert {"frequent_business_traveller", "lapsed_high_value", "family_leisure",
            "recently_disrupted", "premium_cabin_upsell"} <= names


def test_criteria_compile_to_predicates_joined_with_and():
    s = segment({"column": "flights_last_12m", "op": ">=", "value": 6},
                {"column": "tier", "op": "in", "value": ["GOLD", "PLATINUM"]})
    assert s.where_sql() == "flights_last_12m >= 6 and tier in ('GOLD', 'PLATINUM')"


@pytest.mark.parametrize("criterion", [
    {"column": "x; drop table t", "op": ">=", "value": 1},
    {"column": "x", "op": "like", "value": "a"},
    {"column": "x", "op": ">=", "value": {"nested": 1}},
])
def test_unsafe_or_unknown_criteria_are_rejected(criterion):
    with pytest.raises(ValueError):
        segment(criterion)


def test_string_values_cannot_break_out_of_their_literal():
    s = segment({"column": "tier", "op": "=", "value": "GOLD' or 1=1 --"})
    assert s.where_sql() == "tier = 'GOLD\\' or 1=1 --'"


def test_a_list_with_a_comparison_operator_is_a_clear_error(tmp_path, settings):
    folder = tmp_path / "segments"
    folder.mkdir()
    (folder / "bad.yaml").write_text(yaml.safe_dump({
        "name": "bad", "version": 1, "description": "d",
        "criteria": [{"column": "flights_total", "op": ">=", "value": [1, 2]}]}))
    with pytest.raises(LakehouseError, match="bad.yaml"):
        load_segments(settings.with_overrides({"segments.dir": str(folder)}))


def test_file_name_must_match_segment_name(tmp_path, settings):
    folder = tmp_path / "segments"
    folder.mkdir()
    (folder / "other.yaml").write_text(yaml.safe_dump({
        "name": "mine", "version": 1, "description": "d",
        "criteria": [{"column": "flights_total", "op": ">=", "value": 1}]}))
    with pytest.raises(LakehouseError, match="mine"):
        load_segments(settings.with_overrides({"segments.dir": str(folder)}))


def test_where_and_reason_select_exactly_the_qualifying_customers(spark):
    s = segment({"column": "flights_last_12m", "op": ">=", "value": 6},
                {"column": "tier", "op": "in", "value": ["GOLD", "PLATINUM"]})
    customers = spark.createDataFrame(
        [("C1", 9, "GOLD"), ("C2", 9, "BLUE"), ("C3", 2, "PLATINUM"), ("C4", None, "GOLD")],
        "customer_id string, flights_last_12m int, tier string")
    rows = customers.where(s.where_sql()).selectExpr("customer_id", f"{s.reason_sql()} as r")
    assert [tuple(r) for r in rows.collect()] == [
        ("C1", "flights_last_12m=9 (>= 6); tier=GOLD (in GOLD, PLATINUM)")]
