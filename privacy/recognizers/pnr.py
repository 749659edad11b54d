"""PNR record locators: the 6-character booking reference (``VXAE6B``, ``PGSTUT``).

Six letters or digits are also half the words of a sentence, so the evidence is graded:

- ``after cue`` (strong): right after "booking reference", "record locator", "PNR" ... (any case,
  since customers type ``my booking ref is vxae6b``);
- ``code with digit`` (medium): an upper-case token of letters *and* digits, not shaped like a
  flight number (``MR1507``); context words lift it above the threshold;
- ``upper word`` (weak): an upper-case 6-letter token; reported only with a context word nearby.

Matching is case-sensitive except for the cue pattern, which spells its own case rule. Common
English words are invalidated so a shouted sentence ("PLEASE CALL") is not read as locators.
"""

from __future__ import annotations

from collections.abc import Mapping

import regex
from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from privacy.recognizers.base import context, scored

ENTITY = "PNR_LOCATOR"
_CUE = (r"(?i:booking\s+(?:reference|ref\.?|code|number|no\.?)|record\s+locator|pnr|"
        r"reservation\s+(?:code|number|reference)|confirmation\s+(?:code|number)|locator)")
PATTERNS = [
    Pattern("after cue", _CUE + r"(?:\s*(?i:is|was|:|#|=|-)\s*|\s+)\K[A-Za-z0-9]{6}\b", 0.85),
    Pattern("code with digit", r"\b(?=[A-Z0-9]{0,5}[0-9])(?=[A-Z0-9]{0,5}[A-Z])[A-Z0-9]{6}\b", 0.3),
    Pattern("upper word", r"\b[A-Z]{6}\b", 0.1),
]
CONTEXT = ["booking", "reference", "ref", "pnr", "locator", "reservation", "confirmation",
           "record"]
# Flight numbers: 2-character airline designator then 1-4 digits (IATA Resolution 762).
FLIGHT_NUMBER = regex.compile(r"[A-Z][A-Z0-9]\d{4}|[A-Z]{2}\d{1,4}[A-Z]?")
FLAGS = regex.DOTALL | regex.MULTILINE  # no IGNORECASE: upper case is part of the evidence
EXTRA_WORDS = {"please", "thanks", "travel", "flight", "ticket", "refund", "booked", "cancel",
               "delays", "asking", "airline", "charge", "before", "people", "locator"}


class PnrRecognizer(PatternRecognizer):
    """Record locators; flight numbers and English words are not locators."""

    def invalidate_result(self, pattern_text: str) -> bool:
        """True for flight numbers and common words (checked case-insensitively)."""
        word = pattern_text.lower()
        return bool(FLIGHT_NUMBER.fullmatch(pattern_text.upper())) or word in STOP_WORDS \
            or word in EXTRA_WORDS


def build(language: str, options: Mapping) -> PnrRecognizer:
    return PnrRecognizer(supported_entity=ENTITY, patterns=scored(PATTERNS, options.get("scores")),
                         context=context(options, CONTEXT), supported_language=language,
                         global_regex_flags=FLAGS)
