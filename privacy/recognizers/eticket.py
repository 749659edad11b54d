"""13-digit e-ticket numbers: 3-digit airline code + 10-digit serial (``999-1234567890``).

The printed form has a dash after the airline code and is near-certain; a bare 13-digit run is
also a phone number in ``00`` form (``0031731077696``) or an order number, so it needs a context
word ("ticket", "etkt") to be reported. 13-digit runs that are Visa cards are the card
recognizer's (``privacy.pci``); overlaps are resolved by score in ``privacy.analyzer``.
"""

from __future__ import annotations

from collections.abc import Mapping

from presidio_analyzer import Pattern, PatternRecognizer

from privacy.recognizers.base import context, scored

ENTITY = "E_TICKET"
PATTERNS = [
    Pattern("dashed", r"(?<![\d+-])\d{3}[-–]\d{10}(?![\d-])", 0.6),
    Pattern("spaced", r"(?<![\d+]|\d )\d{3} \d{10}(?! ?\d)", 0.4),
    Pattern("bare", r"(?<![\d+])\d{13}(?!\d)", 0.3),
]
CONTEXT = ["ticket", "e-ticket", "eticket", "etkt", "tkt", "ticketnumber", "coupon"]


def build(language: str, options: Mapping) -> PatternRecognizer:
    return PatternRecognizer(supported_entity=ENTITY, name="ETicketRecognizer",
                             patterns=scored(PATTERNS, options.get("scores")),
                             context=context(options, CONTEXT), supported_language=language)
