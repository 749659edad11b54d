"""Expectations on ``bronze.edh_forecast``: EDH cabin forecast as sliced.

Bronze keeps what parsed, unchanged, so only structure is critical: every row names its file and
line, and its record type is the layout's. Business keys are warnings here: a row
without one is silver's to quarantine, and a rising share of them is what this suite reports.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from quality.suites.common import LINEAGE_CRITICAL, lineage, not_null

TABLE = "bronze.edh_forecast"
CRITICAL = {*LINEAGE_CRITICAL, "record_type_is_fc"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **lineage(),
        **not_null("carrier", "flight_number", "flight_date", "cabin", "rbd", "forecast_date",
                   mostly=0.99),
        "record_type_is_fc": gxe.ExpectColumnValuesToBeInSet(
            column="record_type", value_set=["FC"]),
    }
