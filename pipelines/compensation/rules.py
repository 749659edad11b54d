"""Load the versioned rule files of ``conf/compensation/`` into one immutable rule set.

Every decision records ``RuleSet.version`` (the versions of all files it read), so a decision can
always be traced back to the exact rules that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError

RULES_DIR = CONF_DIR / "compensation"
AIRPORTS_CSV = CONF_DIR / "reference" / "airports.csv"
FILES = ("eu261", "montreal", "goodwill", "sdr_rates", "regions")


@dataclass(frozen=True)
class RuleSet:
    """The parsed rule files, by name (``eu261``, ``montreal``, ...), and their joint version."""

    tables: dict[str, dict[str, Any]]
    airports_csv: Path

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.tables[name]

    @property
    def version(self) -> str:
        return "+".join(str(self.tables[name]["version"]) for name in FILES)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LakehouseError(f"rule file missing: {path}", "restore it from git") from exc
    except yaml.YAMLError as exc:
        raise LakehouseError(f"rule file {path} is not valid YAML: {exc}",
                             "fix the file; see the comments in it") from exc
    if not isinstance(data, dict) or "version" not in data:
        raise LakehouseError(f"rule file {path} has no `version`",
                             "every rule file starts with `version: <name>-<date>.<n>`")
    return data


@lru_cache(maxsize=4)
def load_rules(rules_dir: Path = RULES_DIR, airports_csv: Path = AIRPORTS_CSV) -> RuleSet:
    """Read every rule file once per process (the files are small and never change at run time)."""
    return RuleSet({name: _read(rules_dir / f"{name}.yaml") for name in FILES}, airports_csv)


def load_pipeline_conf(rules_dir: Path = RULES_DIR) -> dict[str, Any]:
    """``pipeline.yaml``: thresholds and table names of the gold pipeline (not law)."""
    return _read(rules_dir / "pipeline.yaml")
