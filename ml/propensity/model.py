"""The candidate: a calibrated gradient-boosting classifier, fitted on the earlier cut-offs
and graded on the latest one against the last-behaviour baseline (``evaluate.py``).

Counts are checked before fitting (``gates.count_failures``): with too few rows or too few of
a class there is nothing honest to fit, so the candidate carries the reasons and no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ml.propensity import evaluate
from ml.propensity.features import KEYS
from ml.propensity.gates import GateResult, check_gates, class_counts, count_failures
from ml.propensity.split import time_split

LABEL_PREFIXES = ("label_", "churn")


@dataclass
class Candidate:
    """One model's fit on one split; ``model`` is None when the data was too thin to fit."""
    model: object | None
    metrics: dict[str, float]
    gate: GateResult
    y_validation: pd.Series | None = None
    proba: object = None
    baseline: object = None


def target(spec: dict) -> str:
    return f"label_{spec['ancillary_type']}" if spec["kind"] == "ancillary" else "churn"


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """Every column but the keys and the labels, in frame order (the model's signature)."""
    return [c for c in frame.columns if c not in KEYS and not c.startswith(LABEL_PREFIXES)]


def fit(x: pd.DataFrame, y: pd.Series, mconf: dict):
    """HistGradientBoostingClassifier in sigmoid calibration over stratified folds, so
    ``predict_proba`` is a probability.

    "Not known" (NaN: no trip in the window, no tier yet) becomes -1, below every real value,
    before the booster: a tree isolates it with one split, as native NaN handling would, and a
    feature that is NaN throughout one calibration fold no longer breaks the binning
    (scikit-learn 1.9 fails on a column with no value at all).
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    booster = HistGradientBoostingClassifier(
        max_iter=int(mconf["max_iter"]), learning_rate=float(mconf["learning_rate"]),
        max_leaf_nodes=int(mconf["max_leaf_nodes"]),
        max_depth=int(mconf["max_depth"]) if mconf.get("max_depth") else None,
        min_samples_leaf=int(mconf["min_samples_leaf"]),
        l2_regularization=float(mconf["l2_regularization"]), early_stopping=False,
        random_state=int(mconf["seed"]))
    unknown = SimpleImputer(strategy="constant", fill_value=-1.0, keep_empty_features=True)
    return CalibratedClassifierCV(make_pipeline(unknown, booster),
                                  method=mconf["calibration_method"],
                                  cv=int(mconf["calibration_folds"])).fit(x, y.astype(int))


def candidate(frame: pd.DataFrame, validation_cutoffs: list[date], spec: dict,
              conf: dict) -> Candidate:
    """Split, check counts, fit, and grade against the baseline on the validation cut-offs."""
    train, valid = time_split(frame, validation_cutoffs)
    y_col, columns, gates = target(spec), feature_columns(frame), conf["gates"]
    counts = class_counts(train[y_col], valid[y_col])
    thin = count_failures(counts, gates)
    if thin:
        return Candidate(None, counts, GateResult(False, thin))
    model = fit(train[columns], train[y_col], conf["model"])
    proba = model.predict_proba(valid[columns])[:, 1]
    rates = evaluate.fit_baseline(evaluate.baseline_groups(train, spec["kind"], conf, spec),
                                  train[y_col])
    base = evaluate.apply_baseline(rates, evaluate.baseline_groups(valid, spec["kind"], conf,
                                                                   spec))
    result = {**counts, **evaluate.metrics(valid[y_col], proba),
              **evaluate.metrics(valid[y_col], base, "baseline_"),
              "train_positive_rate": float(train[y_col].mean())}
    return Candidate(model, result, check_gates(result, gates), valid[y_col], proba, base)
