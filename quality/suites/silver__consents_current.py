"""Expectations on ``silver.consents_current``: exactly one state per subject and purpose."""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.consents import PURPOSES

TABLE = "silver.consents_current"
CRITICAL = {"subject_purpose_unique", "subject_id_not_null", "is_granted_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        "subject_purpose_unique": gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["subject_id", "purpose"]),
        "subject_id_not_null": gxe.ExpectColumnValuesToNotBeNull(column="subject_id"),
        "is_granted_not_null": gxe.ExpectColumnValuesToNotBeNull(column="is_granted"),
        "purpose_known": gxe.ExpectColumnValuesToBeInSet(column="purpose",
                                                         value_set=list(PURPOSES)),
    }
