"""Expectations on ``silver.pnr_service_requests``: one row per non-PII SSR, never a PII SSR.

Critical: the key, and that no identity-document or contact SSR (which carry PII and live only
encrypted in ``pnr_passengers``) was copied here. A code that is not four letters is a warning.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.pnr_service_requests import KEY, PII_SSRS
from quality.suites.common import not_null

TABLE = "silver.pnr_service_requests"
CRITICAL = {"record_locator_not_null", "pax_id_not_null", "ssr_code_not_null",
            "request_key_unique", "no_pii_ssr"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("record_locator", "pax_id", "ssr_code"),
        "request_key_unique": gxe.ExpectCompoundColumnsToBeUnique(column_list=KEY),
        "no_pii_ssr": gxe.ExpectColumnValuesToNotBeInSet(column="ssr_code",
                                                         value_set=list(PII_SSRS)),
        "ssr_code_format": gxe.ExpectColumnValuesToMatchRegex(column="ssr_code",
                                                              regex=r"^[A-Z]{4}$", mostly=0.99),
    }
