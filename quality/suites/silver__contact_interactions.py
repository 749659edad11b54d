"""Expectations on ``silver.contact_interactions``: one row per interaction, PII only encrypted.

Critical: the id, a known channel, a start time and a non-negative duration (an interaction
that ends before it starts is a broken record); a failing row is quarantined by the silver gate.
CSAT range and E.164 phone coverage are warnings.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.contact_centre import CHANNELS
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.contact_interactions"
CRITICAL = {"interaction_id_not_null", "interaction_id_unique", "channel_known",
            "started_at_not_null", "duration_non_negative", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("interaction_id", "started_at"),
        **silver_lineage(),
        "interaction_id_unique": gxe.ExpectColumnValuesToBeUnique(column="interaction_id"),
        "channel_known": gxe.ExpectColumnValuesToBeInSet(column="channel",
                                                         value_set=list(CHANNELS)),
        "duration_non_negative": gxe.ExpectColumnValuesToBeBetween(
            column="duration_seconds", min_value=0, max_value=86_400),
        "csat_1_to_5": gxe.ExpectColumnValuesToBeBetween(column="csat", min_value=1,
                                                         max_value=5, mostly=0.99),
        "phone_is_e164": gxe.ExpectColumnValuesToBeInSet(column="phone_is_e164",
                                                         value_set=[True], mostly=0.8),
    }
