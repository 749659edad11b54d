"""Expectations on ``bronze.edh_ancillaries``: EDH ancillaries as sliced.

Bronze keeps what parsed, unchanged, so only structure is critical: every row names its file and
line, and its record type is the layout's. Business keys are warnings here: a row
without one is silver's to quarantine, and a rising share of them is what this suite reports.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from quality.suites.common import LINEAGE_CRITICAL, lineage, not_null

TABLE = "bronze.edh_ancillaries"
CRITICAL = {*LINEAGE_CRITICAL, "record_type_is_an"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **lineage(),
        **not_null("record_locator", "ticket_number", "ancillary_code", "price", "currency",
                   mostly=0.99),
        "record_type_is_an": gxe.ExpectColumnValuesToBeInSet(
            column="record_type", value_set=["AN"]),
    }
