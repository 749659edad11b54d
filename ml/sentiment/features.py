"""Texts to model inputs: tidy the text, decide which rows are scorable, embed those.

The same functions serve training and scoring, so a text is prepared identically in both.
"""

from __future__ import annotations

import re

import numpy as np

from ml.sentiment.language import is_english

SPACES = re.compile(r"\s+")


def prepare(texts) -> list[str]:
    """Strings with whitespace runs collapsed; missing values become ``""``."""
    return [SPACES.sub(" ", t).strip() if isinstance(t, str) else "" for t in texts]


def scorable(texts: list[str], language_conf: dict) -> np.ndarray:
    """Boolean mask: True where the text is non-empty English (the rest is ``unknown``)."""
    return np.array([is_english(t, language_conf) for t in texts], dtype=bool)


def embed(encoder, texts: list[str]) -> np.ndarray:
    """MiniLM embeddings, one unit-length row per text."""
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return encoder.encode(texts)
