"""Expectations on ``silver.baggage_reports``: one row per report, IATA station, PII encrypted.

Critical: the id, a known station and report type, and a bag tag (the only way to find the bag);
a failing row is quarantined by the silver gate. Tag format and E.164 phones are warnings.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.baggage import REPORT_TYPES
from pipelines.silver.conform import airport_time_zones
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.baggage_reports"
CRITICAL = {"report_id_not_null", "report_id_unique", "station_iata_known",
            "report_type_known", "bag_tag_not_null", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("report_id", "bag_tag"),
        **silver_lineage(),
        "report_id_unique": gxe.ExpectColumnValuesToBeUnique(column="report_id"),
        "station_iata_known": gxe.ExpectColumnValuesToBeInSet(
            column="station", value_set=sorted(airport_time_zones())),
        "report_type_known": gxe.ExpectColumnValuesToBeInSet(column="report_type",
                                                             value_set=list(REPORT_TYPES)),
        "bag_tag_10_digits": gxe.ExpectColumnValuesToMatchRegex(column="bag_tag",
                                                                regex=r"^\d{10}$", mostly=0.99),
        "phone_is_e164": gxe.ExpectColumnValuesToBeInSet(column="phone_is_e164",
                                                         value_set=[True], mostly=0.8),
    }
