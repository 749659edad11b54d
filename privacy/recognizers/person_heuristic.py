"""PERSON names we do not know, from the cues people use when they name someone.

Without an NER model we look for capitalised names where English puts them: after a title
("Mr Romano", "Mrs. de Vries"), after an introduction ("my name is", "this is", "passenger"),
after a relation ("my wife Emma Smith"), before "speaking" (agents answering a call), after
thanks ("thanks to Priya"), after a sign-off ("Kind regards, Manon Dubois") and as the last
words of a message (a signature). Matching is
case-sensitive: capitals are the evidence, so shouted or all-lower-case text only yields the
names the deny-list knows. A capitalised stop word ("This Is") is never a name.
"""

from __future__ import annotations

from collections.abc import Mapping

import regex
from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from privacy.recognizers.base import context, scored

ENTITY = "PERSON"
NAME = r"\p{Lu}(?:\p{Ll}|['’]\p{Lu})\p{Ll}*(?:\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)*"
PARTICLE = r"(?:van|von|der|den|de|del|della|la|le|da|di|dos|du|bin|al|el|ten|ter)"
FULL = rf"{NAME}(?:[ ](?:{PARTICLE}[ ])*{NAME}){{1,2}}"
ONE_OR_TWO = rf"{NAME}(?:[ ](?:{PARTICLE}[ ])*{NAME})?"
_TITLE = r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Mister|Madam|Capt|Captain)\.?[ ]+"
_INTRO = (r"\b(?i:my name is|name is|this is|i am|i'm|call me|passenger|pax|traveller|"
          r"traveler|guest|customer|booked for|ticket for)[ ]+")
_RELATION = (r"\b(?i:my|our|his|her)[ ]+(?i:wife|husband|partner|son|daughter|father|mother|"
             r"dad|mum|mom|brother|sister|colleague|friend|boss|grandmother|grandfather|"
             r"fiancée?|child)[ ]+")
_THANKS = r"\b(?i:thanks to|thank you to|thanks|thank you|kudos to|ask for|asked for|spoke to|" \
          r"spoke with|talked to|speaking to)[ ]+"
_SIGN_OFF = r"\b(?i:kind regards|best regards|regards|sincerely|faithfully|cheers|thanks|thx|" \
            r"best|warmly)[,.!]?\s+"
PATTERNS = [
    Pattern("title", rf"(?<={_TITLE}){ONE_OR_TWO}", 0.7),
    Pattern("introduced", rf"(?<={_INTRO}){FULL}", 0.6),
    Pattern("relation", rf"(?<={_RELATION}){FULL}", 0.6),
    Pattern("speaking", rf"\b{ONE_OR_TWO}(?=[ ]+(?:speaking|here)\b)", 0.6),
    Pattern("thanked", rf"(?<={_THANKS}){ONE_OR_TWO}\b", 0.5),
    Pattern("at post", rf"\b{NAME}(?=[ ]+at the (?:gate|desk|counter|check-in|lounge)\b)", 0.5),
    Pattern("signed", rf"(?<={_SIGN_OFF}){FULL}", 0.6),
    Pattern("signature", rf"(?<=[.!?,]\s+|\A){FULL}(?=\s*\Z)", 0.45),
]
CONTEXT = ["name", "mr", "mrs", "ms", "passenger", "regards", "speaking", "sincerely", "signed"]
FLAGS = regex.DOTALL | regex.MULTILINE  # no IGNORECASE: capitals are the evidence
# Capitalised at the start of a message or a line but never names.
NOT_NAMES = STOP_WORDS | {"hi", "hello", "hey", "dear", "cheers", "thanks", "thx", "regards",
                          "agent", "customer", "sincerely", "kind", "best", "yours", "ok",
                          "staff", "crew", "people", "everyone", "someone", "nobody", "passengers",
                          "meridian", "air", "airline", "airport", "flight", "gate", "desk"}


class PersonHeuristicRecognizer(PatternRecognizer):
    """Cue-based names; a match holding a stop word or a greeting is not a name."""

    def invalidate_result(self, pattern_text: str) -> bool:
        """True when any word of the match is a stop word or greeting ("This Is", "Cheers")."""
        return any(word.lower() in NOT_NAMES for word in pattern_text.split())


def build(language: str, options: Mapping) -> PersonHeuristicRecognizer:
    return PersonHeuristicRecognizer(
        supported_entity=ENTITY, name="PersonHeuristicRecognizer",
        patterns=scored(PATTERNS, options.get("scores")), context=context(options, CONTEXT),
        supported_language=language, global_regex_flags=FLAGS)
