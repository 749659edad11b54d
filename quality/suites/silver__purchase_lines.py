"""Expectations on ``silver.purchase_lines``: one row per order line, tokens only, ISO currency.

Critical: the key, ISO currency, a positive quantity, a non-negative amount and a card token
that is a token (never a number); a failing row is quarantined by the silver gate. Whether the
amount equals quantity times unit price is a warning.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.conform import ISO_CURRENCIES
from pipelines.silver.purchases import CHANNELS, TOKEN
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.purchase_lines"
CRITICAL = {"purchase_id_not_null", "line_no_not_null", "line_key_unique", "currency_iso4217",
            "quantity_positive", "amount_non_negative", "card_token_is_token",
            "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("purchase_id", "line_no"),
        **silver_lineage(),
        "line_key_unique": gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["purchase_id", "line_no"]),
        "currency_iso4217": gxe.ExpectColumnValuesToBeInSet(
            column="currency", value_set=sorted(ISO_CURRENCIES)),
        "quantity_positive": gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=1,
                                                               max_value=100),
        "amount_non_negative": gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0,
                                                                 max_value=100_000),
        "card_token_is_token": gxe.ExpectColumnValuesToMatchRegex(column="card_token",
                                                                  regex=TOKEN),
        "channel_known": gxe.ExpectColumnValuesToBeInSet(column="channel",
                                                         value_set=list(CHANNELS), mostly=0.99),
        "card_token_present": gxe.ExpectColumnValuesToNotBeNull(column="card_token",
                                                                mostly=0.95),
    }
