"""Score every customer with ``models:/<name>@champion``; rows shaped for the CMP store."""

from __future__ import annotations

from ml.loyalty_propensity import FEATURES
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings
from pipelines.errors import LakehouseError


def score_customers(settings: Settings, frame):
    """Return a pandas frame: customer_id, model_name, model_version, score."""
    import mlflow

    name = settings.get("skeleton.model_name")
    configure_mlflow(settings)
    version = champion_version(settings, name)
    if version is None:
        raise LakehouseError(f"model {name} has no champion", "run `lakehouse run` to train it")
    model = mlflow.pyfunc.load_model(f"models:/{name}@{settings.get('mlflow.champion_alias')}")
    proba = model.predict(frame[FEATURES])
    scores = proba[:, 1] if getattr(proba, "ndim", 1) == 2 else proba
    out = frame[["customer_id"]].copy()
    out["model_name"] = name
    out["model_version"] = str(version)
    out["score"] = [round(float(s), 6) for s in scores]
    return out
