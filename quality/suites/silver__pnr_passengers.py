"""Expectations on ``silver.pnr_passengers``: keys present, PII only as ciphertext.

Critical: the passenger key and its encrypted last name (matching needs it). Blind-index coverage
is a warning: a passenger without email or passport is normal, but the share should not drop.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

TABLE = "silver.pnr_passengers"
CRITICAL = {"record_locator_not_null", "pax_id_not_null", "pax_key_unique",
            "last_name_enc_not_null"}


def expectations() -> dict[str, object]:
    """Named expectations for the suite; names are what quarantine and reports quote."""
    return {
        "record_locator_not_null": gxe.ExpectColumnValuesToNotBeNull(column="record_locator"),
        "pax_id_not_null": gxe.ExpectColumnValuesToNotBeNull(column="pax_id"),
        "pax_key_unique": gxe.ExpectColumnValuesToBeUnique(column="pax_key"),
        "last_name_enc_not_null": gxe.ExpectColumnValuesToNotBeNull(column="last_name_enc"),
        "pax_type_known": gxe.ExpectColumnValuesToBeInSet(
            column="pax_type", value_set=["ADT", "CHD", "INF"], mostly=0.99),
        "ticket_number_13_digits": gxe.ExpectColumnValuesToMatchRegex(
            column="ticket_number", regex=r"^\d{13}$", mostly=0.99),
        "phone_is_e164": gxe.ExpectColumnValuesToBeInSet(
            column="phone_is_e164", value_set=[True], mostly=0.9),
    }
