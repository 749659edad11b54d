"""Expectations on ``bronze.edh_flight_legs``: EDH flight legs as sliced from the fixed-width file.

Bronze keeps what parsed, unchanged, so only structure is critical: every row names its file and
line, and its record type is the layout's. Business keys are warnings here: a row
without one is silver's to quarantine, and a rising share of them is what this suite reports.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from quality.suites.common import LINEAGE_CRITICAL, lineage, not_null

TABLE = "bronze.edh_flight_legs"
CRITICAL = {*LINEAGE_CRITICAL, "record_type_is_fl"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **lineage(),
        **not_null("carrier", "flight_number", "flight_date", "origin", "destination", mostly=0.99),
        "record_type_is_fl": gxe.ExpectColumnValuesToBeInSet(
            column="record_type", value_set=["FL"]),
    }
