"""Expectations on ``silver.pnr_bookings``: one row per locator, readable creation time.

Critical: the locator is the key every PNR table joins on. Channel and payment type are
warnings: a new channel is news, not a reason to stop the run.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

TABLE = "silver.pnr_bookings"
CRITICAL = {"record_locator_not_null", "record_locator_unique", "created_at_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        "record_locator_not_null": gxe.ExpectColumnValuesToNotBeNull(column="record_locator"),
        "record_locator_unique": gxe.ExpectColumnValuesToBeUnique(column="record_locator"),
        "record_locator_format": gxe.ExpectColumnValuesToMatchRegex(
            column="record_locator", regex="^[A-Z0-9]{6}$"),
        "created_at_not_null": gxe.ExpectColumnValuesToNotBeNull(column="created_at"),
        "channel_known": gxe.ExpectColumnValuesToBeInSet(
            column="channel", value_set=["web", "app", "call_centre", "agency"], mostly=0.99),
        "fop_type_known": gxe.ExpectColumnValuesToBeInSet(
            column="fop_type", value_set=["CC", "INV", "CA", "MS"], mostly=0.99),
        "passenger_count_positive": gxe.ExpectColumnValuesToBeBetween(
            column="passenger_count", min_value=1, max_value=9),
    }
