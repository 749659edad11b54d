"""Fit, grade and register each propensity model; the champion alias only through the gates.

Per model: the kind's labelled frame (every cut-off), the time split, a calibrated gradient
boosting classifier fitted on the earlier cut-offs, graded on the latest against the
last-behaviour baseline (``evaluate.py``), one MLflow run (params, metrics, plots, the gold
Delta versions read, the model with its signature), registered, ``champion`` if it passes.

The main job trains a model only when it has no champion (or when forced). A candidate that
failed its gates is not retried on the very same data: each run is tagged with a fingerprint
of its training rows and settings, so a re-run of the job on an unchanged lake writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ml.propensity import data, evaluate
from ml.propensity.config import load_conf, models_of_kind
from ml.propensity.features import KEYS
from ml.propensity.gates import GateResult, check_gates, class_counts, count_failures
from ml.propensity.split import time_split
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings

log = logging.getLogger(__name__)
LABEL_PREFIXES = ("label_", "churn")


@dataclass
class TrainReport:
    model_name: str
    version: str | None
    trained: bool
    champion: bool
    metrics: dict[str, float] = field(default_factory=dict)
    gate_failures: list[str] = field(default_factory=list)
    skipped: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


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
    """HistGradientBoostingClassifier (NaN-aware: "unknown" stays unknown) in sigmoid
    calibration over stratified folds, so ``predict_proba`` is a probability."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier

    booster = HistGradientBoostingClassifier(
        max_iter=int(mconf["max_iter"]), learning_rate=float(mconf["learning_rate"]),
        max_leaf_nodes=int(mconf["max_leaf_nodes"]),
        min_samples_leaf=int(mconf["min_samples_leaf"]),
        l2_regularization=float(mconf["l2_regularization"]), early_stopping=False,
        random_state=int(mconf["seed"]))
    return CalibratedClassifierCV(booster, method=mconf["calibration_method"],
                                  cv=int(mconf["calibration_folds"])).fit(x, y.astype(int))


def candidate(frame: pd.DataFrame, validation_cutoff: date, spec: dict, conf: dict) -> Candidate:
    """Split, check counts, fit, and grade against the baseline on the validation cut-off."""
    train, valid = time_split(frame, validation_cutoff)
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


def fingerprint(frame: pd.DataFrame, spec: dict, conf: dict) -> str:
    """Hash of the training rows (content, not Delta versions: dbt rewrites identical marts
    under new versions) and of every setting that shapes the candidate."""
    rows = pd.util.hash_pandas_object(frame[[*KEYS, *feature_columns(frame), target(spec)]],
                                      index=False).to_numpy().tobytes()
    settings = json.dumps({k: conf[k] for k in ("model", "gates", "features", spec["kind"])}
                          | {"spec": spec}, sort_keys=True, default=str)
    return hashlib.sha256(rows + settings.encode()).hexdigest()[:32]


def already_tried(experiment_id: str, name: str, print_: str) -> str | None:
    """Run id of an earlier candidate of ``name`` on the same fingerprint, if any."""
    import mlflow

    runs = mlflow.search_runs([experiment_id], max_results=1, output_format="list",
                              filter_string=f"tags.propensity_model = '{name}' and "
                                            f"tags.training_fingerprint = '{print_}'")
    return runs[0].info.run_id if runs else None


def _log_run(settings: Settings, conf: dict, name: str, spec: dict, cand: Candidate,
             frame: pd.DataFrame, context: dict) -> str | None:
    """One MLflow run; returns the registered version (None when nothing could be fitted)."""
    import tempfile
    from pathlib import Path

    import mlflow
    from mlflow.models import infer_signature

    kind, columns = spec["kind"], feature_columns(frame)
    with mlflow.start_run(experiment_id=context["experiment_id"], run_name=f"train-{name}"):
        mlflow.set_tags({"propensity_model": name, "kind": kind,
                         "training_fingerprint": context["fingerprint"],
                         "gates_passed": str(cand.gate.passed).lower(),
                         **{f"delta_version.{t}": v for t, v in context["versions"].items()}})
        mlflow.log_params({"kind": kind, "target": target(spec), "features": len(columns),
                           "train_cutoffs": ",".join(map(str, context["train_cutoffs"])),
                           "validation_cutoff": str(context["validation_cutoff"]),
                           **{f"{kind}.{k}": v for k, v in conf[kind].items()},
                           "lookback_days": conf["features"]["lookback_days"],
                           **{f"model.{k}": v for k, v in conf["model"].items()},
                           **{f"delta_version.{t}": v for t, v in context["versions"].items()}})
        mlflow.log_metrics({k: float(v) for k, v in cand.metrics.items()
                            if math.isfinite(float(v))})
        mlflow.log_dict({"gates": conf["gates"], "passed": cand.gate.passed,
                         "failures": cand.gate.reasons, "features": columns}, "gates.json")
        if cand.model is None:
            return None
        with tempfile.TemporaryDirectory() as tmp:
            for plot in evaluate.plots(cand.y_validation, cand.proba, cand.baseline,
                                       cand.metrics["train_positive_rate"], Path(tmp), name):
                mlflow.log_artifact(str(plot), "plots")
        x = frame[columns].head(20)
        info = mlflow.sklearn.log_model(
            cand.model, name="model", registered_model_name=name,
            signature=infer_signature(x, cand.model.predict_proba(x)),
            pyfunc_predict_fn="predict_proba")
    return str(info.registered_model_version)


def train_one(settings: Settings, conf: dict, name: str, frame: pd.DataFrame,
              context: dict, force: bool) -> TrainReport:
    """Train, log and register one model; set the alias only if the gates pass."""
    from mlflow import MlflowClient

    spec = conf["models"][name]
    context = {**context, "fingerprint": fingerprint(frame, spec, conf)}
    earlier = already_tried(context["experiment_id"], name, context["fingerprint"])
    if earlier and not force:
        log.info("propensity %s: a candidate on identical data already ran (run %s) and did "
                 "not become champion; training skipped", name, earlier)
        return TrainReport(name, None, False, False, skipped=f"same data as run {earlier}")
    cand = candidate(frame, context["validation_cutoff"], spec, conf)
    version = _log_run(settings, conf, name, spec, cand, frame, context)
    if version is not None:
        client = MlflowClient()
        client.set_model_version_tag(name, version, "gates_passed", str(cand.gate.passed).lower())
        if cand.gate.passed:
            client.set_registered_model_alias(name, settings.get("mlflow.champion_alias"),
                                              version)
    m = cand.metrics
    log.info("propensity %s: v%s auc %.3f (baseline %.3f), brier %.4f (baseline %.4f); "
             "champion: %s%s", name, version, m.get("auc", math.nan),
             m.get("baseline_auc", math.nan), m.get("brier", math.nan),
             m.get("baseline_brier", math.nan), cand.gate.passed,
             "" if cand.gate.passed else " - promotion refused: " + "; ".join(cand.gate.reasons))
    return TrainReport(name, version, True, cand.gate.passed, m, cand.gate.reasons)


def train_models(settings: Settings, spark, conf: dict | None = None, force: bool = False,
                 only: list[str] | None = None) -> dict[str, dict]:
    """Train every model (or ``only`` these) that has no champion, or all when ``force``."""
    conf = conf or load_conf()
    experiment_id = configure_mlflow(settings)
    reports, todo = {}, []
    for name in only or list(conf["models"]):
        existing = champion_version(settings, name)
        if existing and not force:
            log.info("propensity %s: champion v%s exists, training skipped", name, existing)
            reports[name] = TrainReport(name, existing, False, True).to_dict()
        else:
            todo.append(name)
    if not todo:
        return reports
    tables, versions = data.gold_tables(spark, settings)
    anchors = data.anchors(tables)
    for kind in ("ancillary", "churn"):
        names = [n for n in models_of_kind(conf, kind) if n in todo]
        if not names:
            continue
        frame, train_cutoffs, validation = data.training_frame(spark, tables, conf, kind,
                                                               anchors[kind])
        context = {"experiment_id": experiment_id, "versions": versions,
                   "train_cutoffs": train_cutoffs, "validation_cutoff": validation}
        for name in names:
            reports[name] = train_one(settings, conf, name, frame, context, force).to_dict()
    return reports
