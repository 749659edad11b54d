"""Expectations on ``silver.ancillaries``: one row per ancillary, passenger and leg, ISO prices.

Critical: the key, an ISO 4217 currency and a non-negative price; the ancillary code list and
status are warnings (a new product is news, not a reason to stop).
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.conform import ISO_CURRENCIES
from pipelines.silver.flight_ops import ANCILLARIES
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.ancillaries"
KEY = ["carrier", "flight_number", "flight_date", "record_locator", "ticket_number",
       "ancillary_code"]
CRITICAL = {"record_locator_not_null", "ancillary_code_not_null", "ancillary_key_unique",
            "currency_iso4217", "price_non_negative", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("record_locator", "ancillary_code"),
        **silver_lineage(),
        "ancillary_key_unique": gxe.ExpectCompoundColumnsToBeUnique(column_list=KEY),
        "currency_iso4217": gxe.ExpectColumnValuesToBeInSet(
            column="currency", value_set=sorted(ISO_CURRENCIES)),
        "price_non_negative": gxe.ExpectColumnValuesToBeBetween(column="price", min_value=0,
                                                                max_value=10_000),
        "ancillary_code_known": gxe.ExpectColumnValuesToBeInSet(
            column="ancillary_code", value_set=list(ANCILLARIES), mostly=0.99),
        "status_known": gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=["fulfilled", "disrupted"], mostly=0.99),
    }
