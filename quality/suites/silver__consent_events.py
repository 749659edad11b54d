"""Expectations on ``silver.consent_events``: one row per event, known purpose and action.

All are critical: a consent event the CMP cannot attribute or interpret must not be applied.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.consents import ACTIONS, PURPOSES

TABLE = "silver.consent_events"
CRITICAL = {"event_id_not_null", "event_id_unique", "subject_id_not_null", "purpose_known",
            "action_known", "event_at_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        "event_id_not_null": gxe.ExpectColumnValuesToNotBeNull(column="event_id"),
        "event_id_unique": gxe.ExpectColumnValuesToBeUnique(column="event_id"),
        "subject_id_not_null": gxe.ExpectColumnValuesToNotBeNull(column="subject_id"),
        "purpose_known": gxe.ExpectColumnValuesToBeInSet(column="purpose",
                                                         value_set=list(PURPOSES)),
        "action_known": gxe.ExpectColumnValuesToBeInSet(column="action", value_set=list(ACTIONS)),
        "event_at_not_null": gxe.ExpectColumnValuesToNotBeNull(column="event_at"),
    }
