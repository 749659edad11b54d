"""Expectations on ``silver.flight_passengers``: one row per passenger and leg, names encrypted.

Critical: the key, a known flown status and cabin, and the encrypted surname (matching needs
it); a failing row is quarantined by the silver gate. Loyalty-number coverage is a warning.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from pipelines.silver.flight_ops import CABINS, FLOWN
from quality.suites.common import not_null, silver_lineage

TABLE = "silver.flight_passengers"
KEY = ["carrier", "flight_number", "flight_date", "record_locator", "ticket_number"]
CRITICAL = {"record_locator_not_null", "ticket_number_not_null", "passenger_key_unique",
            "flown_status_known", "cabin_known", "surname_enc_not_null", "source_file_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        **not_null("record_locator", "ticket_number", "surname_enc"),
        **silver_lineage(),
        "passenger_key_unique": gxe.ExpectCompoundColumnsToBeUnique(column_list=KEY),
        "flown_status_known": gxe.ExpectColumnValuesToBeInSet(
            column="flown_status", value_set=sorted(FLOWN.values())),
        "cabin_known": gxe.ExpectColumnValuesToBeInSet(column="cabin", value_set=list(CABINS)),
        "ticket_number_13_digits": gxe.ExpectColumnValuesToMatchRegex(
            column="ticket_number", regex=r"^\d{13}$", mostly=0.99),
        "name_bidx_not_null": gxe.ExpectColumnValuesToNotBeNull(column="name_bidx", mostly=0.99),
    }
