"""Expectations on ``silver.flight_legs``: one row per operated leg, IATA airports, UTC schedule.

Critical: the leg key, known airports, a normalised status and a plausible seat count (a leg
with no seats would break load factors downstream); a failing row is quarantined by the silver
gate. The delay range and arrival-after-departure are warnings.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.conform import airport_time_zones
from pipelines.silver.flight_ops import STATUSES
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.flight_legs"
CRITICAL = {"carrier_not_null", "flight_number_not_null", "flight_date_not_null",
            "leg_key_unique", "origin_iata_known", "destination_iata_known", "status_known",
            "seats_in_range", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    airports = sorted(airport_time_zones())
    return {
        **not_null("carrier", "flight_number", "flight_date"),
        **silver_lineage(),
        "leg_key_unique": gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["carrier", "flight_number", "flight_date"]),
        "origin_iata_known": gxe.ExpectColumnValuesToBeInSet(column="origin", value_set=airports),
        "destination_iata_known": gxe.ExpectColumnValuesToBeInSet(
            column="destination", value_set=airports),
        "status_known": gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=sorted(set(STATUSES.values()))),
        "seats_in_range": gxe.ExpectColumnValuesToBeBetween(column="seats", min_value=1,
                                                            max_value=900),
        "arrival_delay_in_range": gxe.ExpectColumnValuesToBeBetween(
            column="arrival_delay_minutes", min_value=0, max_value=1440, mostly=0.999),
        "arrival_after_departure": gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="scheduled_arrival_at", column_B="scheduled_departure_at", mostly=0.999),
    }
