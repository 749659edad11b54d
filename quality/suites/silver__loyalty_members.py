"""Expectations on ``silver.loyalty_members``: keys present and unique, tiers known, sane values.

``CRITICAL`` expectations guard what downstream joins and the CMP rely on; a failure there stops
the run. The others are warnings that are reported with their unexpected counts.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

TABLE = "silver.loyalty_members"
CRITICAL = {"loyalty_number_not_null", "loyalty_number_unique", "tier_known"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        "loyalty_number_not_null": gxe.ExpectColumnValuesToNotBeNull(column="loyalty_number"),
        "loyalty_number_unique": gxe.ExpectColumnValuesToBeUnique(column="loyalty_number"),
        "tier_known": gxe.ExpectColumnValuesToBeInSet(
            column="tier", value_set=["BLUE", "SILVER", "GOLD", "PLATINUM"]),
        "points_balance_in_range": gxe.ExpectColumnValuesToBeBetween(
            column="points_balance", min_value=0, max_value=50_000_000, mostly=0.999),
        # Silver keeps the email only encrypted; its format was checked before encryption.
        "email_looks_like_email": gxe.ExpectColumnValuesToBeInSet(
            column="has_valid_email", value_set=[True], mostly=0.95),
        "updated_at_not_null": gxe.ExpectColumnValuesToNotBeNull(column="updated_at"),
    }
