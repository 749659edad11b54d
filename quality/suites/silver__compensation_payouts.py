"""Expectations on ``silver.compensation_payouts``: one row per payout, ISO currency, regime.

Critical: the id, a positive amount in an ISO currency, a known regime and a payment time; a
failing row is quarantined by the silver gate. A payout without a booking reference is a warning
(it cannot be linked to a passenger).
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.compensation import REGIMES
from pipelines.silver.conform import ISO_CURRENCIES
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.compensation_payouts"
CRITICAL = {"payout_id_not_null", "payout_id_unique", "amount_positive", "currency_iso4217",
            "regime_known", "paid_at_not_null", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("payout_id", "paid_at"),
        **silver_lineage(),
        "payout_id_unique": gxe.ExpectColumnValuesToBeUnique(column="payout_id"),
        "amount_positive": gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0.01,
                                                             max_value=10_000),
        "currency_iso4217": gxe.ExpectColumnValuesToBeInSet(
            column="currency", value_set=sorted(ISO_CURRENCIES)),
        "regime_known": gxe.ExpectColumnValuesToBeInSet(column="regime",
                                                        value_set=list(REGIMES)),
        "record_locator_not_null": gxe.ExpectColumnValuesToNotBeNull(column="record_locator",
                                                                     mostly=0.99),
    }
