"""Held-out metrics (AUC, PR-AUC, Brier), the last-behaviour baseline, and the plots.

The baseline is the rule a team would write first, turned into probabilities so Brier scores
compare: customers are grouped by their last behaviour and each group gets its training
positive rate (Laplace-smoothed towards the overall rate, so a tiny group is not 0 or 1).

- ancillary: did they buy this ancillary on their last trip (yes / no / no trip in the window);
- churn: did they book within the last ``churn.horizon_days`` (recent / not recent).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SMOOTHING = 1.0  # pseudo-rows at the overall rate added to each baseline group


def baseline_groups(frame: pd.DataFrame, kind: str, conf: dict, spec: dict) -> pd.Series:
    """The rule's group per row (a string key)."""
    if kind == "ancillary":
        last = frame[f"last_trip_{spec['ancillary_type']}"]
        return last.map({1.0: "bought_last_trip", 0.0: "not_bought_last_trip"}).fillna(
            "no_trip_in_window")
    recent = frame["days_since_last_booking"] < int(conf["churn"]["horizon_days"])
    return recent.map({True: "booked_recently", False: "not_booked_recently"})


def fit_baseline(groups: pd.Series, y: pd.Series) -> dict[str, float]:
    """Smoothed positive rate per group, plus ``"*"``: the overall rate for unseen groups."""
    overall = float(np.mean(y)) if len(y) else 0.0
    stats = pd.DataFrame({"g": groups.to_numpy(), "y": np.asarray(y, dtype=float)})
    rates = stats.groupby("g")["y"].agg(["sum", "count"])
    out = ((rates["sum"] + SMOOTHING * overall) / (rates["count"] + SMOOTHING)).to_dict()
    return {**{str(k): float(v) for k, v in out.items()}, "*": overall}


def apply_baseline(rates: dict[str, float], groups: pd.Series) -> np.ndarray:
    return np.array([rates.get(g, rates["*"]) for g in groups], dtype=float)


def metrics(y_true, proba, prefix: str = "") -> dict[str, float]:
    """``auc``, ``pr_auc`` (average precision) and ``brier``; AUCs are NaN with one class."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(y_true, dtype=int)
    two = len(np.unique(y)) == 2
    return {f"{prefix}auc": float(roc_auc_score(y, proba)) if two else float("nan"),
            f"{prefix}pr_auc": float(average_precision_score(y, proba)) if two else float("nan"),
            f"{prefix}brier": float(brier_score_loss(y, proba, pos_label=1))}


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def plots(y_true, proba, baseline, threshold: float, folder: Path, title: str) -> list[Path]:
    """ROC and calibration curves (model vs baseline) and the model's confusion matrix at
    ``threshold`` (the training positive rate: flag customers above the base rate)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import CalibrationDisplay
    from sklearn.metrics import ConfusionMatrixDisplay, RocCurveDisplay

    y = np.asarray(y_true, dtype=int)
    out = []
    fig, ax = plt.subplots(figsize=(4.5, 4))
    RocCurveDisplay.from_predictions(y, proba, name="model", ax=ax)
    RocCurveDisplay.from_predictions(y, baseline, name="baseline", ax=ax)
    ax.set_title(f"ROC {title}")
    out.append(_save(fig, folder / "roc.png"))
    fig, ax = plt.subplots(figsize=(4.5, 4))
    bins = max(2, min(10, len(y) // 20))
    CalibrationDisplay.from_predictions(y, proba, n_bins=bins, name="model", ax=ax)
    CalibrationDisplay.from_predictions(y, baseline, n_bins=bins, name="baseline", ax=ax)
    ax.set_title(f"calibration {title}")
    out.append(_save(fig, folder / "calibration.png"))
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ConfusionMatrixDisplay.from_predictions(y, (np.asarray(proba) >= threshold).astype(int),
                                            labels=[0, 1], ax=ax, colorbar=False)
    ax.set_title(f"{title} at p >= {threshold:.3f}")
    out.append(_save(fig, folder / "confusion_matrix.png"))
    return out
