"""Expectations on ``bronze.purchase_lines``: purchase lines as landed.

Bronze keeps what parsed, unchanged, so only structure is critical: every row names its file and
line; no card number in the token column. Business keys are warnings here: a row
without one is silver's to quarantine, and a rising share of them is what this suite reports.
"""

from __future__ import annotations

from quality.suites.common import LINEAGE_CRITICAL, lineage, no_card_number, not_null

TABLE = "bronze.purchase_lines"
CRITICAL = {*LINEAGE_CRITICAL, "card_token_has_no_card_number"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **lineage(),
        **not_null("purchase_id", "line_no", "purchased_at", "amount", "currency", mostly=0.99),
        **no_card_number("card_token"),
    }
