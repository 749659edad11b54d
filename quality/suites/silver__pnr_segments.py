"""Expectations on ``silver.pnr_segments``: keys, IATA airports, ISO currencies, UTC departure.

Rows failing the airport and currency checks were quarantined by the transform; here the same
rules guard the table itself, so a change to the transform cannot let them through silently.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.conform import ISO_CURRENCIES, airport_time_zones

TABLE = "silver.pnr_segments"
CRITICAL = {"record_locator_not_null", "seg_id_not_null", "origin_iata_known",
            "destination_iata_known", "fare_currency_iso4217"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    airports = sorted(airport_time_zones())
    return {
        "record_locator_not_null": gxe.ExpectColumnValuesToNotBeNull(column="record_locator"),
        "seg_id_not_null": gxe.ExpectColumnValuesToNotBeNull(column="seg_id"),
        "segment_key_unique": gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["record_locator", "seg_id"]),
        "origin_iata_known": gxe.ExpectColumnValuesToBeInSet(column="origin", value_set=airports),
        "destination_iata_known": gxe.ExpectColumnValuesToBeInSet(
            column="destination", value_set=airports),
        "fare_currency_iso4217": gxe.ExpectColumnValuesToBeInSet(
            column="fare_currency", value_set=sorted(ISO_CURRENCIES)),
        "departure_at_utc_not_null": gxe.ExpectColumnValuesToNotBeNull(
            column="departure_at_utc", mostly=0.99),
        "fare_amount_non_negative": gxe.ExpectColumnValuesToBeBetween(
            column="fare_amount", min_value=0, max_value=100_000),
    }
