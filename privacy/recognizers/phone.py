"""Phone numbers, found and validated by ``phonenumbers`` (Google's libphonenumber).

A regex cannot tell a phone number from any other digit run; libphonenumber knows every
country's numbering plan. Two passes:

- numbers *valid* in one of the regions we list (our customers' home countries), in any format,
  including national ones (``0731077696``) — Presidio's ``PhoneRecognizer``;
- numbers written internationally (``+39 202 764 3296``, ``0031 ...``) that are merely *possible*
  (right length for the country): a ``+`` and a country code are strong evidence on their own,
  and real transcripts carry numbers that a stale numbering plan would reject.

``PATTERNS`` is empty: the matching is ``PhoneNumberMatcher``'s.
"""

from __future__ import annotations

from collections.abc import Mapping

import phonenumbers
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

ENTITY = "PHONE_NUMBER"
PATTERNS: list = []
CONTEXT = ["phone", "telephone", "tel", "cell", "mobile", "call", "reach", "ring", "whatsapp",
           "sms", "text", "contact"]
REGIONS = ("NL", "GB", "US", "DE", "FR", "ES", "IT", "PL", "TR", "AE", "IN", "CN", "NG", "BR",
           "SE")
SCORE = 0.5
INTERNATIONAL_SCORE = 0.4
# "00" is the international call prefix in most of the world; NL is one such region.
_DOUBLE_ZERO_REGION = "NL"


class AirlinePhoneRecognizer(PhoneRecognizer):
    """Valid numbers for our regions plus possible numbers in international format."""

    def __init__(self, score: float, international_score: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.SCORE = score  # read by PhoneRecognizer._get_recognizer_result
        self.international_score = international_score

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        """Presidio's region pass, then the international pass; duplicates removed."""
        results = super().analyze(text, entities, nlp_artifacts)
        possible = phonenumbers.Leniency.POSSIBLE
        matches = [m for m in phonenumbers.PhoneNumberMatcher(text, "ZZ", leniency=possible)]
        matches += [m for m in phonenumbers.PhoneNumberMatcher(text, _DOUBLE_ZERO_REGION,
                                                               leniency=possible)
                    if m.raw_string.startswith("00")]
        for match in matches:
            result = self._get_recognizer_result(match, text, "international", nlp_artifacts)
            result.score = self.international_score
            results.append(result)
        return EntityRecognizer.remove_duplicates(results)


def build(language: str, options: Mapping) -> AirlinePhoneRecognizer:
    return AirlinePhoneRecognizer(
        score=float(options.get("score", SCORE)),
        international_score=float(options.get("international_score", INTERNATIONAL_SCORE)),
        context=list(options.get("context") or CONTEXT), supported_language=language,
        supported_regions=tuple(options.get("regions") or REGIONS),
        leniency=int(options.get("leniency", 1)))
