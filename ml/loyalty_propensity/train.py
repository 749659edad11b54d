"""Train, evaluate, log and register the skeleton model; promote it to champion.

Training runs only when no champion exists (or when forced), so re-running the pipeline reuses
the champion and its scores stay identical: the CMP push then writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ml.loyalty_propensity import FEATURES, TARGET
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings
from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)


@dataclass
class TrainReport:
    model_name: str
    version: str
    trained: bool
    auc: float | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def split(frame, seed: int):
    """Stratified 75/25 split, so both classes appear in each half."""
    from sklearn.model_selection import train_test_split

    return train_test_split(frame, test_size=0.25, random_state=seed, stratify=frame[TARGET])


def fit(train_frame, seed: int):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=seed))
    return model.fit(train_frame[FEATURES], train_frame[TARGET].astype(int))


def evaluate(model, test_frame) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    proba = model.predict_proba(test_frame[FEATURES])[:, 1]
    return {"auc": float(roc_auc_score(test_frame[TARGET].astype(int), proba))}


def train_if_needed(settings: Settings, frame, data_version: int, force: bool = False):
    """Train and register a version unless a champion already exists; return a TrainReport."""
    import mlflow
    from mlflow.models import infer_signature

    name = settings.get("skeleton.model_name")
    configure_mlflow(settings)
    existing = champion_version(settings, name)
    if existing and not force:
        log.info("model %s: champion v%s exists, training skipped", name, existing)
        return TrainReport(name, str(existing), trained=False)
    if frame[TARGET].nunique() < 2 or frame[TARGET].value_counts().min() < 2:
        raise LakehouseError(f"model {name}: training data lacks both classes of {TARGET}",
                             "generate more customers (generator.customers in conf/)")
    seed = int(settings.get("generator.seed"))
    train_frame, test_frame = split(frame, seed)
    model = fit(train_frame, seed)
    metrics = evaluate(model, test_frame)
    with mlflow.start_run(experiment_id=configure_mlflow(settings), run_name=f"train-{name}"):
        mlflow.log_params({"features": ",".join(FEATURES), "gold_dim_customer_version":
                           data_version, "rows": len(frame), "seed": seed})
        mlflow.log_metrics(metrics)
        signature = infer_signature(frame[FEATURES], model.predict_proba(frame[FEATURES])[:, 1])
        info = mlflow.sklearn.log_model(model, name="model", signature=signature,
                                        registered_model_name=name,
                                        pyfunc_predict_fn="predict_proba")
    version = str(info.registered_model_version)
    mlflow.MlflowClient().set_registered_model_alias(
        name, settings.get("mlflow.champion_alias"), version)
    log.info("model %s: trained v%s (auc=%.3f), alias champion set", name, version,
             metrics["auc"])
    return TrainReport(name, version, trained=True, auc=metrics["auc"])
