"""MLflow wiring shared by every model: tracking store, registry and the champion alias.

The default store is a local SQLite file (tracking and registry in one), with artifacts under the
environment's var folder; a tracking server URI in ``mlflow.tracking_uri`` works unchanged.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.config import Settings


def configure_mlflow(settings: Settings) -> str:
    """Point MLflow at this environment's store and experiment; return the experiment id."""
    import mlflow

    uri = settings.get("mlflow.tracking_uri")
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    name = settings.get("mlflow.experiment")
    experiment = mlflow.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    artifacts = Path(settings.get("mlflow.artifact_root"))
    artifacts.mkdir(parents=True, exist_ok=True)
    return mlflow.create_experiment(name, artifact_location=artifacts.as_uri())


def champion_version(settings: Settings, model_name: str) -> str | None:
    """Registered version that holds the champion alias, or None if there is none yet."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        alias = settings.get("mlflow.champion_alias")
        return str(MlflowClient().get_model_version_by_alias(model_name, alias).version)
    except MlflowException:
        return None
