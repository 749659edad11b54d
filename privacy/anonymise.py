"""Free-text anonymisation for extracts: every detected entity becomes a tag of its type.

Presidio's anonymizer does the replacing (it merges overlapping results and rewrites from the
end so offsets stay valid); detection is ``privacy.analyzer``. Tags (``<PERSON>``,
``<PHONE_NUMBER>``) keep the sentence readable for the partner's text analytics while the value
is gone; a count per type is returned so the manifest can say what was removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

TAG = "<{type}>"


@lru_cache(maxsize=1)
def _engine():
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()


def anonymise_text(text: str, entities: Iterable, tag: str = TAG) -> str:
    """``text`` with each entity (``privacy.analyzer.Entity``) replaced by ``tag`` of its type."""
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    results = [RecognizerResult(e.type, e.start, e.end, e.score) for e in entities]
    if not text or not results:
        return text
    operators = {r.entity_type: OperatorConfig("replace", {"new_value": tag.format(
        type=r.entity_type)}) for r in results}
    return _engine().anonymize(text=text, analyzer_results=results, operators=operators).text


def anonymise(text: str | None, analyzer) -> tuple[str | None, Counter]:
    """Detect and replace; return the clean text and the entity count per type."""
    if not text:
        return text, Counter()
    entities = analyzer.analyze(text)
    return anonymise_text(text, entities), Counter(e.type for e in entities)


def anonymise_column(texts: pd.Series, analyzer) -> tuple[pd.Series, Counter]:
    """Anonymise a column of free text; return it with the total count per entity type."""
    total: Counter = Counter()
    clean = []
    for text in texts:
        value, counts = anonymise(None if pd.isna(text) else text, analyzer)
        clean.append(value)
        total += counts
    return pd.Series(clean, index=texts.index, dtype=object), total
