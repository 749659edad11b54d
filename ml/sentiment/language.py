"""Is this text English? A cheap, explainable check: letters and stop words.

No language-identification library is installed (langdetect, fastText, lingua are not in the
lock), and the model only needs to refuse what it was not trained on. So: a text with no letters
is not English; a text whose letters are mostly non-ASCII (Cyrillic, Greek, CJK, Arabic, heavy
diacritics) is not; otherwise we count its words in spaCy's English stop-word list and in those
of nearby languages, and English must not be outnumbered. A longer text with no English stop
word at all is not English either (real English sentences almost always have one); a short one
("Lovely crew!") gets the benefit of the doubt. The stop-word lists are plain data files in
spaCy's package; they are read directly because importing spaCy itself takes seconds.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:'[^\W\d_]+)?(?!\w)")  # whole words, not 'ma' of MA123


@lru_cache(maxsize=16)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` (e.g. ``en``), without importing spaCy."""
    spec = importlib.util.find_spec("spacy")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "lang" / lang / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location(f"_stop_words_{lang}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(w.lower() for w in module.STOP_WORDS)


def is_english(text: str | None, conf: dict) -> bool:
    """True if ``text`` looks like English under the thresholds in ``conf`` (language section)."""
    if not text:
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if sum(c.isascii() for c in letters) / len(letters) < conf["min_ascii_letter_share"]:
        return False
    words = WORD.findall(text.lower())
    english = sum(w in stop_words("en") for w in words)
    other = max((sum(w in stop_words(lang) for w in words) for lang in conf["compare_with"]),
                default=0)
    if english == 0:
        return other == 0 and len(words) <= conf["max_words_without_stop_words"]
    return english >= other
