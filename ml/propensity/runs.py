"""MLflow side of training: one run per candidate and the fingerprints that stop a re-run.

A model without a champion would otherwise be retrained (and a new version registered) by
every run of the main job. Each run is tagged with two fingerprints: ``inputs_fingerprint``
(gold Delta versions + settings; checked before any Spark work) and ``training_fingerprint``
(the training rows' content + settings; catches dbt rewriting identical marts under new
versions). An earlier candidate with either one means the same data, so training is skipped.
"""

from __future__ import annotations

import hashlib
import json
import math

import pandas as pd

from ml.propensity import evaluate
from ml.propensity.features import KEYS
from ml.propensity.model import Candidate, feature_columns, target
from pipelines.config import Settings

# MLflow stores scikit-learn models in skops (no pickle) and loads only types it trusts; these
# are the calibrated booster's parts, written by us (see the skops note on TreePredictor),
# and the dtype the imputer records.
SKOPS_TRUSTED = ("numpy.dtype", "sklearn.calibration._CalibratedClassifier",
                 "sklearn.calibration._SigmoidCalibration",
                 "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor")


def _settings_json(spec: dict, conf: dict) -> str:
    """Every setting that shapes a candidate of this model."""
    return json.dumps({k: conf[k] for k in ("model", "gates", "features", spec["kind"])}
                      | {"spec": spec}, sort_keys=True, default=str)


def inputs_fingerprint(versions: dict[str, int], spec: dict, conf: dict) -> str:
    """Cheap check, no Spark: the gold Delta versions read plus the settings."""
    payload = json.dumps(versions, sort_keys=True) + _settings_json(spec, conf)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def fingerprint(frame: pd.DataFrame, spec: dict, conf: dict) -> str:
    """Hash of the training rows' content and the settings: dbt rewrites identical marts under
    new Delta versions, and this still recognises the data as the same."""
    rows = pd.util.hash_pandas_object(frame[[*KEYS, *feature_columns(frame), target(spec)]],
                                      index=False).to_numpy().tobytes()
    return hashlib.sha256(rows + _settings_json(spec, conf).encode()).hexdigest()[:32]


def already_tried(experiment_id: str, name: str, tag: str, value: str) -> dict | None:
    """``{"run_id", "gate_failures"}`` of an earlier candidate of ``name`` whose ``tag``
    equals ``value``, if any."""
    import mlflow

    runs = mlflow.search_runs([experiment_id], max_results=1, output_format="list",
                              filter_string=f"tags.propensity_model = '{name}' and "
                                            f"tags.{tag} = '{value}'")
    if not runs:
        return None
    failures = runs[0].data.tags.get("gate_failures", "")
    return {"run_id": runs[0].info.run_id, "gate_failures": [f for f in failures.split("; ") if f]}


def log_run(settings: Settings, conf: dict, name: str, spec: dict, cand: Candidate,
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
                         "inputs_fingerprint": inputs_fingerprint(context["versions"], spec,
                                                                  conf),
                         "gates_passed": str(cand.gate.passed).lower(),
                         "gate_failures": "; ".join(cand.gate.reasons)[:4000],
                         **{f"delta_version.{t}": v for t, v in context["versions"].items()}})
        mlflow.log_params({"kind": kind, "target": target(spec), "features": len(columns),
                           "train_cutoffs": ",".join(map(str, context["train_cutoffs"])),
                           "validation_cutoffs": ",".join(map(str, context["validation_cutoffs"])),
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
            pyfunc_predict_fn="predict_proba", skops_trusted_types=list(SKOPS_TRUSTED))
    return str(info.registered_model_version)
