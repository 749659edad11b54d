"""Expectations on ``bronze.baggage_reports``: baggage reports as landed.

Bronze keeps what parsed, unchanged, so only structure is critical: every row names its file and
line. Business keys are warnings here: a row
without one is silver's to quarantine, and a rising share of them is what this suite reports.
"""

from __future__ import annotations

from quality.suites.common import LINEAGE_CRITICAL, lineage, not_null

TABLE = "bronze.baggage_reports"
CRITICAL = {*LINEAGE_CRITICAL}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **lineage(),
        **not_null("report_id", "reported_at", "station", "bag_tag", mostly=0.99),
    }
