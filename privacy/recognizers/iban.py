"""IBANs: Presidio's recognizer (pattern + ISO 13616 mod-97 checksum + per-country format)."""

from __future__ import annotations

from collections.abc import Mapping

from presidio_analyzer.predefined_recognizers import IbanRecognizer

from privacy.recognizers.base import context, scored

ENTITY = "IBAN_CODE"
PATTERNS = IbanRecognizer.PATTERNS
CONTEXT = ["iban", "bank", "account", "transfer", "refund", "transaction", "sepa"]


def build(language: str, options: Mapping) -> IbanRecognizer:
    return IbanRecognizer(patterns=scored(PATTERNS, options.get("scores")),
                          context=context(options, CONTEXT), supported_language=language)
