"""The models' settings from ``conf/ml/propensity.yaml``: windows, gates and model names are
data, so a new ancillary model or a stricter gate is a YAML change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.config import CONF_DIR
from pipelines.config import override_dotted as with_overrides  # noqa: F401  (tests, runs)
from pipelines.errors import LakehouseError

CONF_PATH = CONF_DIR / "ml" / "propensity.yaml"
KINDS = ("ancillary", "churn")


def load_conf(path: Path = CONF_PATH) -> dict[str, Any]:
    """Return the YAML as a dict, checked; a missing or inconsistent file is a LakehouseError."""
    try:
        conf = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LakehouseError(f"cannot read {path}: {exc}",
                             "restore conf/ml/propensity.yaml") from exc
    if not isinstance(conf, dict) or not conf.get("models"):
        raise LakehouseError(f"{path} lists no models", "restore conf/ml/propensity.yaml")
    validate(conf, path)
    return conf


def validate(conf: dict[str, Any], path: Path | str = CONF_PATH) -> None:
    """Model kinds are known, windows are whole days, every calibration fold can hold both
    classes."""
    for name, spec in conf["models"].items():
        if spec.get("kind") not in KINDS:
            raise LakehouseError(f"{path}: model {name} has kind {spec.get('kind')!r}",
                                 f"use one of {', '.join(KINDS)}")
    if int(conf["gates"]["min_class_rows"]) < int(conf["model"]["calibration_folds"]):
        raise LakehouseError(
            f"{path}: gates.min_class_rows {conf['gates']['min_class_rows']} < "
            f"model.calibration_folds {conf['model']['calibration_folds']} (a calibration fold "
            f"could miss a class)", "raise gates.min_class_rows or lower the folds")
    for kind in KINDS:
        windows = conf[kind]
        if min(int(windows["step_days"]), int(windows["horizon_days"]),
               int(windows["train_cutoffs"]), int(windows.get("validation_cutoffs", 1))) < 1:
            raise LakehouseError(
                f"{path}: {kind}.step_days, horizon_days, train_cutoffs and "
                f"validation_cutoffs must be >= 1", "set whole numbers >= 1")


def models_of_kind(conf: dict[str, Any], kind: str) -> dict[str, dict]:
    """``{model name: spec}`` of one kind, in YAML order."""
    return {name: spec for name, spec in conf["models"].items() if spec["kind"] == kind}
