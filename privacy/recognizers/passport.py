"""Passport numbers: one or two letters and 6-8 digits (``UP8642157``), or anything after a cue.

ICAO 9303 allows up to 9 alphanumerics and every country has its own scheme, so the shape alone
is weak evidence (it is also a postcode, an order or a seat-map code); "passport" or "DOCS"
nearby lifts it. After an explicit cue ("passport number is ...") any 6-9 alphanumerics count.
"""

from __future__ import annotations

from collections.abc import Mapping

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from privacy.recognizers.base import context, scored

ENTITY = "PASSPORT"
_CUE = r"(?i:passport(?:\s+(?:number|no\.?|nr\.?|#))?|travel\s+document(?:\s+number)?)"
PATTERNS = [
    Pattern("after cue",
            _CUE + r"(?:\s*(?i:is|:|#|=)\s*|\s+)\K(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{6,9}\b", 0.85),
    Pattern("letters and digits", r"\b[A-Z]{1,2}[0-9]{6,8}\b", 0.3),
]
CONTEXT = ["passport", "travel document", "document", "docs", "nationality", "expiry", "issued"]
FLAGS = regex.DOTALL | regex.MULTILINE  # no IGNORECASE: "ab123456" in prose is rarely a passport


def build(language: str, options: Mapping) -> PatternRecognizer:
    return PatternRecognizer(supported_entity=ENTITY, name="PassportRecognizer",
                             patterns=scored(PATTERNS, options.get("scores")),
                             context=context(options, CONTEXT), supported_language=language,
                             global_regex_flags=FLAGS)
