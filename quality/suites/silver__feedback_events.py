"""Expectations on ``silver.feedback_events``: one row per case and lifecycle event.

Critical: the case id, a known event and its time; a failing row is quarantined by the silver
gate. The case-id format is a warning.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.feedback import EVENTS
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.feedback_events"
CRITICAL = {"case_id_not_null", "event_known", "event_at_not_null", "case_event_unique",
            "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("case_id", "event_at"),
        **silver_lineage(),
        "event_known": gxe.ExpectColumnValuesToBeInSet(column="event", value_set=list(EVENTS)),
        "case_event_unique": gxe.ExpectCompoundColumnsToBeUnique(column_list=["case_id",
                                                                             "event"]),
        "case_id_format": gxe.ExpectColumnValuesToMatchRegex(column="case_id",
                                                            regex=r"^CS-\d{10}$", mostly=0.99),
    }
