"""Loyalty (frequent-flyer) numbers in our format: 10 digits, first non-zero, Luhn check digit.

``pipelines/generate/people.py:loyalty_number`` issues them as a 9-digit body (>= 100000000) plus
``privacy.pci.luhn_check_digit``; the check digit rejects nine in ten random 10-digit numbers,
so a valid one is reported on its own and a cue ("member number") makes it near-certain. A ``+``
before the digits means a phone number and is excluded.
"""

from __future__ import annotations

from collections.abc import Mapping

from presidio_analyzer import Pattern, PatternRecognizer

from privacy.pci import luhn_valid
from privacy.recognizers.base import context, scored

ENTITY = "LOYALTY_NUMBER"
_CUE = (r"(?i:(?:loyalty|member(?:ship)?|frequent\s+flyer|ffp|miles)"
        r"(?:\s+(?:card|account))?(?:\s+(?:number|no\.?|nr\.?|#|id))?)")
PATTERNS = [
    Pattern("after cue", _CUE + r"(?:\s*(?i:is|:|#|=)\s*|\s+)\K[1-9]\d{9}(?!\d)", 0.85),
    Pattern("ten digits", r"(?<![\d+])[1-9]\d{9}(?!\d)", 0.4),
]
CONTEXT = ["loyalty", "member", "membership", "frequent", "flyer", "miles", "points", "account"]


class LoyaltyRecognizer(PatternRecognizer):
    """10-digit numbers that pass Luhn; the pattern's score is kept (not raised to 1.0)."""

    def validate_result(self, pattern_text: str) -> bool | None:
        """None (keep the score) for a valid check digit, False (drop) otherwise."""
        return None if luhn_valid(pattern_text) else False


def build(language: str, options: Mapping) -> LoyaltyRecognizer:
    return LoyaltyRecognizer(supported_entity=ENTITY, name="LoyaltyRecognizer",
                             patterns=scored(PATTERNS, options.get("scores")),
                             context=context(options, CONTEXT), supported_language=language)
