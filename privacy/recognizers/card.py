"""Payment card numbers, found by exactly the rule the bronze PAN scrubber applies.

Detection reuses ``privacy.pci``: the digit-run pattern, the window over whole digit groups (so
"2 bags, card 4111 1111 1111 1111 30 EUR" finds the card inside the run) and ``looks_like_pan``
(Luhn, 13-19 digits, 13-digit cards start with 4, phone numbers after ``+`` excluded). Using the
same code means a scan can never pass a card that bronze would have redacted, or the reverse.
A Luhn-valid window is near-certain, hence the high default score.
"""

from __future__ import annotations

from collections.abc import Mapping

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

from privacy.pci import GROUP, PATTERNS, _pan_window

ENTITY = "CREDIT_CARD"
CONTEXT = ["card", "credit", "debit", "visa", "mastercard", "amex", "charge", "pay", "cvv",
           "expiry"]
SCORE = 0.95

__all__ = ["CONTEXT", "ENTITY", "PATTERNS", "CardRecognizer", "build"]


class CardRecognizer(LocalRecognizer):
    """Every PAN window of every digit run, as ``privacy.pci.scrub_pan`` would redact it."""

    def __init__(self, score: float, context: list[str], supported_language: str) -> None:
        super().__init__(supported_entities=[ENTITY], supported_language=supported_language,
                         context=context, name="CardRecognizer")
        self.score = score

    def load(self) -> None:
        """Nothing to load: the rules live in ``privacy.pci``."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        """Spans of the card numbers in ``text``."""
        why = AnalysisExplanation(self.name, self.score, textual_explanation="privacy.pci PAN rule")
        return [RecognizerResult(ENTITY, start, end, self.score, analysis_explanation=why)
                for start, end in pan_spans(text)]


def pan_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each card number: the longest Luhn-valid window of whole digit groups."""
    spans = []
    for pattern in PATTERNS:
        for run in pattern.finditer(text):
            groups, first = list(GROUP.finditer(run.group(0))), 0
            while first < len(groups):
                end = _pan_window(groups, first)
                if end is None:
                    first += 1
                    continue
                offset = run.start()
                spans.append((offset + groups[first].start(), offset + groups[end - 1].end()))
                first = end
    return spans


def build(language: str, options: Mapping) -> CardRecognizer:
    return CardRecognizer(float(options.get("score", SCORE)),
                          list(options.get("context") or CONTEXT), language)
