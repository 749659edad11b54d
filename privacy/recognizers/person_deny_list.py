"""PERSON: names of people we know from profile data, caught with certainty wherever they appear.

We cannot ship a statistical NER model (no spaCy model is available offline), and the people
whose privacy matters most in a partner extract are our own customers, whose names we hold. So
the deny-list is every known full name ("first last", also "first maiden" and the reversed
order), matched as whole tokens, case- and accent-insensitively (``FRANCESCA ROMANO``,
``francesca romano`` and ``Francesca Romano`` are the same person; ``PAWEL WISNIEWSKI``
matches ``Paweł Wiśniewski``). Single given names are not in the list: "Grace" or "Will" alone
would flag ordinary words; the heuristic recognizer (``person_heuristic``) covers names with cues.

Lookup is a set of token tuples, not Presidio's regex deny-list: one alternation of a million
names would be slow to compile and to run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import regex
from anyascii import anyascii
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

from pipelines.errors import LakehouseError
from privacy.blind_index import normalise_name

ENTITY = "PERSON"
PATTERNS = [regex.compile(r"\p{L}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}'’]*)*")]  # one name token
CONTEXT = ["name", "mr", "mrs", "ms", "passenger", "customer", "regards", "speaking"]
SCORE = 1.0
MAX_TOKENS = 5


def _key(token: str) -> str:
    """Transliterated (``ł`` -> ``l``, which NFKD keeps), then the blind-index name rule."""
    return normalise_name(anyascii(token)) or token.casefold()


def name_key(name: str) -> tuple[str, ...]:
    """The normalised tokens of a name: ``"José  de la Cruz"`` -> ``("jose","de","la","cruz")``."""
    return tuple(_key(m.group(0)) for m in PATTERNS[0].finditer(name))


def known_names_from_rows(rows: Iterable[Mapping], first: str = "first_name",
                          last: str = "last_name", maiden: str = "maiden_name") -> set[str]:
    """Full names from profile rows: first+last and first+maiden."""
    names = set()
    for row in rows:
        given = (row.get(first) or "").strip()
        for family in ((row.get(last) or "").strip(), (row.get(maiden) or "").strip()):
            if given and family:
                names.add(f"{given} {family}")
    return names


def load_known_names(path: Path) -> set[str]:
    """Names from a ``.csv`` with first_name/last_name[/maiden_name] columns, or one per line."""
    if not path.is_file():
        raise LakehouseError(f"names file {path} does not exist",
                             "give a .csv with first_name,last_name or a file of full names")
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".csv":
            return known_names_from_rows(csv.DictReader(handle))
        return {line.strip() for line in handle if line.strip()}


class PersonDenyListRecognizer(LocalRecognizer):
    """Known full names (2+ tokens separated only by white space) anywhere in the text.

    A name is also found with the given name last ("Romano Francesca"), as it is written in
    surname-first cultures and in sorted lists.
    """

    def __init__(self, names: Iterable[str], score: float, context: list[str],
                 supported_language: str) -> None:
        keys = {k for k in map(name_key, names) if 2 <= len(k) <= MAX_TOKENS}
        self.keys = keys | {k[1:] + k[:1] for k in keys}  # also family name first
        self.longest = max(map(len, self.keys), default=0)
        self.score = score
        super().__init__(supported_entities=[ENTITY], supported_language=supported_language,
                         context=context, name="PersonDenyListRecognizer")

    def load(self) -> None:
        """Nothing to load: the names arrive in the constructor."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        """The longest known name starting at each token, left to right, without overlaps."""
        tokens = list(PATTERNS[0].finditer(text))
        keys = [_key(t.group(0)) for t in tokens]
        why = AnalysisExplanation(self.name, self.score, textual_explanation="known name")
        results, i = [], 0
        while i < len(tokens):
            size = self._match_at(text, tokens, keys, i)
            if size:
                end = tokens[i + size - 1].end()
                results.append(RecognizerResult(ENTITY, tokens[i].start(), end, self.score,
                                                analysis_explanation=why))
            i += size or 1
        return results

    def _match_at(self, text: str, tokens: list, keys: list[str], i: int) -> int:
        for size in range(min(self.longest, len(tokens) - i), 1, -1):
            gaps = (text[tokens[j].end():tokens[j + 1].start()] for j in range(i, i + size - 1))
            if tuple(keys[i:i + size]) in self.keys and all(g.isspace() for g in gaps):
                return size
        return 0


def build(language: str, options: Mapping) -> PersonDenyListRecognizer:
    return PersonDenyListRecognizer(options.get("known_names") or (),
                                    float(options.get("score", SCORE)),
                                    list(options.get("context") or CONTEXT), language)
