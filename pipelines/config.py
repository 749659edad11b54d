"""Configuration: `conf/base.yaml` deep-merged with `conf/<env>.yaml`.

The environment is read from ``LAKEHOUSE_ENV`` here and nowhere else, so every job, DAG task and
test sees the same settings. Paths in the YAML are relative to the repository root; ``{var}`` in a
string is replaced by the environment's var folder so one edit moves all runtime state.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import LakehouseError

ENV_VARIABLE = "LAKEHOUSE_ENV"
DEFAULT_ENV = "local"
REPO_ROOT = Path(__file__).resolve().parent.parent
CONF_DIR = REPO_ROOT / "conf"
# top-level conf/*.yaml that are not env overlays
NOT_ENVIRONMENTS = {"base", "generator", "identity"}


class ConfigError(LakehouseError):
    """A configuration file or key is missing or malformed."""

    def __init__(self, what: str) -> None:
        super().__init__(what, "see conf/base.yaml and conf/<env>.yaml")


def _deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"configuration file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"configuration file {path} must hold a mapping at the top level")
    return data


def override_dotted(conf: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``conf`` with dotted keys replaced, e.g. ``{"gates.min_auc": 0.99}``.

    One implementation for settings and the model confs (tests and one-off runs override them).
    """
    out = copy.deepcopy(conf)
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


@dataclass(frozen=True)
class Settings:
    """Merged settings of one environment, with helpers that resolve dotted keys and paths."""

    env: str
    raw: dict[str, Any] = field(repr=False)

    def get(self, dotted: str, default: Any = ...) -> Any:
        """Return the value at a dotted key such as ``trino.port``; raise if absent, no default."""
        node: Any = self.raw
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is ...:
                    raise ConfigError(f"missing configuration key '{dotted}' (env {self.env})")
                return default
            node = node[part]
        if isinstance(node, str):
            return node.replace("{var}", str(self.var_dir))
        return node

    def with_overrides(self, overrides: dict[str, Any]) -> Settings:
        """A copy with dotted keys replaced, e.g. ``{"postgres.port": 1}`` (tests, one-off runs)."""
        return Settings(env=self.env, raw=override_dotted(self.raw, overrides))

    @property
    def var_dir(self) -> Path:
        return _resolve(self.raw["paths"]["var"])

    def path(self, dotted: str) -> Path:
        """Resolve a path-valued key against the repo root (absolute and ``~`` paths kept)."""
        return _resolve(self.get(dotted))


def _resolve(value: str) -> Path:
    path = Path(os.path.expanduser(str(value)))
    return path if path.is_absolute() else (REPO_ROOT / path)


@lru_cache(maxsize=8)
def load_settings(env: str | None = None) -> Settings:
    """Load the settings for ``env`` (default: ``$LAKEHOUSE_ENV`` or ``local``)."""
    env = env or os.environ.get(ENV_VARIABLE, DEFAULT_ENV)
    base = _read_yaml(CONF_DIR / "base.yaml")
    overlay_path = CONF_DIR / f"{env}.yaml"
    if not overlay_path.exists():
        known = sorted(p.stem for p in CONF_DIR.glob("*.yaml") if p.stem not in NOT_ENVIRONMENTS)
        raise ConfigError(f"unknown environment '{env}': no {overlay_path}; known: {known}")
    return Settings(env=env, raw=_deep_merge(base, _read_yaml(overlay_path)))
