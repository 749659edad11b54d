"""Source feed specs (`conf/sources/<source>.yaml`): where files land, how to parse them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.config import CONF_DIR, Settings
from pipelines.errors import LakehouseError


@dataclass(frozen=True)
class SourceSpec:
    source: str
    format: str
    glob: str
    bronze_table: str
    columns: list[str]

    def landing_dir(self, settings: Settings) -> Path:
        return settings.path("paths.landing") / self.source


def load_source(name: str) -> SourceSpec:
    """Read one source spec; an unknown name is an error that lists the known ones."""
    path = CONF_DIR / "sources" / f"{name}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in (CONF_DIR / "sources").glob("*.yaml"))
        raise LakehouseError(f"unknown source '{name}'", f"use one of {known}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return SourceSpec(**data)
