"""Expectations on ``silver.cabin_forecast``: one forecast per flight, cabin, RBD and day made.

Critical: the key, known airports and cabin, a positive capacity; a load factor above 100 % or
an expected load above capacity is a warning (overbooking is real).
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.conform import airport_time_zones
from pipelines.silver.flight_ops import CABINS
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.cabin_forecast"
KEY = ["carrier", "flight_number", "flight_date", "cabin", "rbd", "forecast_date"]
CRITICAL = {"flight_number_not_null", "forecast_date_not_null", "forecast_key_unique",
            "origin_iata_known", "destination_iata_known", "cabin_known", "capacity_positive",
            "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    airports = sorted(airport_time_zones())
    return {
        **not_null("flight_number", "forecast_date"),
        **silver_lineage(),
        "forecast_key_unique": gxe.ExpectCompoundColumnsToBeUnique(column_list=KEY),
        "origin_iata_known": gxe.ExpectColumnValuesToBeInSet(column="origin", value_set=airports),
        "destination_iata_known": gxe.ExpectColumnValuesToBeInSet(
            column="destination", value_set=airports),
        "cabin_known": gxe.ExpectColumnValuesToBeInSet(column="cabin", value_set=list(CABINS)),
        "capacity_positive": gxe.ExpectColumnValuesToBeBetween(column="capacity", min_value=1,
                                                               max_value=900),
        "load_factor_at_most_100": gxe.ExpectColumnValuesToBeBetween(
            column="load_factor_pct", min_value=0, max_value=100, mostly=0.99),
        "expected_load_within_capacity": gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="capacity", column_B="expected_load", or_equal=True, mostly=0.99),
    }
