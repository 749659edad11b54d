"""PNR record locators: the 6-character booking reference (``VXAE6B``, ``PGSTUT``).

Six letters or digits are also half the words of a sentence, so the evidence is graded:

- ``after cue`` (strong): right after "booking reference", "record locator", "PNR" ... (any case,
  since customers type ``my booking ref is vxae6b``);
- ``code with digit`` (medium): an upper-case token of letters *and* digits, not shaped like a
  flight number (``MR1507``, unless after a cue); context words lift it above the threshold;
- ``upper word`` (weak): an upper-case 6-letter token; reported only with a context word nearby.

Matching is case-sensitive except for the cue pattern, which spells its own case rule. Common
English words are invalidated, and in shouted text (mostly capitals) the weak pattern is dropped,
so "DO BETTER. MY BOOKING ..." is not read as a locator.
"""

from __future__ import annotations

from collections.abc import Mapping

import regex
from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from privacy.recognizers.base import context, scored

ENTITY = "PNR_LOCATOR"
# Flight numbers: 2-character airline designator, 1-4 digits, optional suffix (IATA Res. 762).
# Not a locator unless a cue says so ("booking reference is AN2463").
_FLIGHT = r"[A-Z][A-Z0-9]\d{1,4}[A-Z]?"
_CUE = (r"(?i:booking\s+(?:reference|ref\.?|code|number|no\.?)|record\s+locator|pnr|"
        r"reservation\s+(?:code|number|reference)|confirmation\s+(?:code|number)|locator)")
PATTERNS = [
    Pattern("after cue", _CUE + r"(?:\s*(?i:is|was|:|#|=|-)\s*|\s+)\K[A-Za-z0-9]{6}\b", 0.85),
    Pattern("code with digit", rf"\b(?!{_FLIGHT}\b)(?=[A-Z0-9]{{0,5}}[0-9])"
                               r"(?=[A-Z0-9]{0,5}[A-Z])[A-Z0-9]{6}\b", 0.3),
    Pattern("upper word", r"\b[A-Z]{6}\b", 0.1),
]
CONTEXT = ["booking", "reference", "ref", "pnr", "locator", "reservation", "confirmation",
           "record"]
FLAGS = regex.DOTALL | regex.MULTILINE  # no IGNORECASE: upper case is part of the evidence
EXTRA_WORDS = {"please", "thanks", "travel", "flight", "ticket", "refund", "booked", "cancel",
               "delays", "asking", "airline", "charge", "before", "people", "locator"}


class PnrRecognizer(PatternRecognizer):
    """Record locators; English words are never locators."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None,
                regex_flags: int | None = None) -> list:
        """Pattern results; in shouted text an upper-case word is no evidence of a code."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if not shouted(text):
            return results
        return [r for r in results if getattr(r.analysis_explanation, "pattern_name", None)
                != "upper word"]

    def invalidate_result(self, pattern_text: str) -> bool:
        """True for common English words, whatever their case."""
        word = pattern_text.lower()
        return word in STOP_WORDS or word in EXTRA_WORDS


def shouted(text: str) -> bool:
    """True when most letters are capitals ("I WANT MY MONEY BACK")."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def build(language: str, options: Mapping) -> PnrRecognizer:
    return PnrRecognizer(supported_entity=ENTITY, patterns=scored(PATTERNS, options.get("scores")),
                         context=context(options, CONTEXT), supported_language=language,
                         global_regex_flags=FLAGS)
