"""Held-out metrics (macro-F1, per-class F1), the keyword baseline and the confusion matrix.

The baseline is the rule a team would write first: count cue words from a fixed list
(``baseline`` in the YAML), positive minus negative; zero is neutral. The model must beat it on
the very same rows for its embeddings to be worth their cost.
"""

from __future__ import annotations

from pathlib import Path

from ml.sentiment.language import WORD


def metrics(y_true, y_pred, labels: list[str], prefix: str = "") -> dict[str, float]:
    """``{prefix}macro_f1``, ``{prefix}accuracy`` and ``{prefix}f1_<label>`` per class."""
    from sklearn.metrics import accuracy_score, f1_score

    per_class = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    out = {f"{prefix}macro_f1": float(per_class.mean()),
           f"{prefix}accuracy": float(accuracy_score(y_true, y_pred))}
    out.update({f"{prefix}f1_{lab}": float(f) for lab, f in zip(labels, per_class, strict=True)})
    return out


def keyword_baseline(texts: list[str], baseline_conf: dict) -> list[str]:
    """negative / neutral / positive from the count of positive minus negative cue words."""
    positive, negative = set(baseline_conf["positive"]), set(baseline_conf["negative"])
    out = []
    for text in texts:
        words = WORD.findall(text.lower())
        score = sum(w in positive for w in words) - sum(w in negative for w in words)
        out.append("positive" if score > 0 else "negative" if score < 0 else "neutral")
    return out


def confusion_plot(y_true, y_pred, labels: list[str], path: Path, title: str) -> Path:
    """Write the confusion matrix (rows: truth, columns: prediction) as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(4.5, 4))
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=labels, ax=ax,
                                            colorbar=False)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
