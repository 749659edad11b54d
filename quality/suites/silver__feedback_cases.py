"""Expectations on ``silver.feedback_cases``: one row per case with a current status.

Critical: the case id, unique, with a known status and priority. A case seen without its
``opened`` line (opening not landed yet), a resolution before the opening, or an unknown
category are warnings.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.feedback import STATUS_OF
from quality.suites.common import not_null

TABLE = "silver.feedback_cases"
CRITICAL = {"case_id_not_null", "case_id_unique", "status_known", "priority_known"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("case_id"),
        "case_id_unique": gxe.ExpectColumnValuesToBeUnique(column="case_id"),
        "status_known": gxe.ExpectColumnValuesToBeInSet(column="status",
                                                        value_set=sorted(STATUS_OF.values())),
        "priority_known": gxe.ExpectColumnValuesToBeInSet(column="priority",
                                                          value_set=["high", "normal", "low"]),
        "opened_at_not_null": gxe.ExpectColumnValuesToNotBeNull(column="opened_at",
                                                                mostly=0.95),
        "category_known": gxe.ExpectColumnValuesToBeInSet(
            column="category", value_set=["complaint", "compliment", "suggestion"],
            mostly=0.99),
        "resolved_after_opened": gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="resolved_at", column_B="opened_at", or_equal=True, mostly=0.99),
    }
