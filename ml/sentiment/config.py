"""The model's settings from ``conf/ml/sentiment.yaml`` (thresholds and rule tables are data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.config import CONF_DIR
from pipelines.config import override_dotted as with_overrides  # noqa: F401  (tests, runs)
from pipelines.errors import LakehouseError

CONF_PATH = CONF_DIR / "ml" / "sentiment.yaml"


def load_conf(path: Path = CONF_PATH) -> dict[str, Any]:
    """Return the YAML as a dict; a missing or broken file is a LakehouseError."""
    try:
        conf = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LakehouseError(f"cannot read {path}: {exc}",
                             "restore conf/ml/sentiment.yaml") from exc
    if not isinstance(conf, dict) or "model_name" not in conf:
        raise LakehouseError(f"{path} has no model_name", "restore conf/ml/sentiment.yaml")
    return conf


