"""Expectations every suite of a layer shares (not a suite itself: no ``<layer>__`` prefix)."""

from __future__ import annotations

import great_expectations.expectations as gxe

LINEAGE_CRITICAL = {"source_file_not_null", "line_not_null", "ingested_at_not_null"}
CARD_NUMBER = r"(?<!\d)\d{13,19}(?!\d)"  # a bare PAN-length digit run: never in any layer


def lineage() -> dict[str, object]:
    """Every bronze row names its file and line: nothing is untraceable."""
    return {
        "source_file_not_null": gxe.ExpectColumnValuesToNotBeNull(column="_source_file"),
        "line_not_null": gxe.ExpectColumnValuesToNotBeNull(column="_line"),
        "ingested_at_not_null": gxe.ExpectColumnValuesToNotBeNull(column="_ingested_at"),
    }


def silver_lineage() -> dict[str, object]:
    """Silver rows keep the bronze file (and line) they came from, so gold can link back."""
    return {"source_file_not_null": gxe.ExpectColumnValuesToNotBeNull(column="_source_file")}


def not_null(*columns: str, mostly: float = 1.0) -> dict[str, object]:
    return {f"{c}_not_null": gxe.ExpectColumnValuesToNotBeNull(column=c, mostly=mostly)
            for c in columns}


def no_card_number(*columns: str) -> dict[str, object]:
    """Free text and token fields hold no bare card-number digit run (bronze redacts them)."""
    return {f"{c}_has_no_card_number": gxe.ExpectColumnValuesToNotMatchRegex(
        column=c, regex=CARD_NUMBER) for c in columns}
