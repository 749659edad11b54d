"""Source feed specs (`conf/sources/<source>.yaml`): where files land, how to parse them.

One spec per bronze table. A landing folder may feed several specs (the four EDH extracts share
``landing/edh`` and are told apart by ``glob``). ``columns`` means, per format: the expected CSV
header (extra columns are rescued), the JSON top-level keys promoted to columns (others are
rescued), or nothing for fixed-width, whose columns are the fields of ``layout``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.config import CONF_DIR, Settings
from pipelines.errors import LakehouseError

SOURCES_DIR = CONF_DIR / "sources"
FORMATS = ("csv", "jsonl", "fixed_width")
# Columns bronze adds to every table; a source column must not shadow one of them.
RESERVED = ("payload", "_rescued_data", "_source_file", "_line", "_source_encoding",
            "_ingested_at", "_batch_id")


@dataclass(frozen=True)
class SourceSpec:
    source: str
    format: str
    glob: str
    bronze_table: str
    columns: list[str] = field(default_factory=list)
    landing: str | None = None  # landing sub-folder when it is not named after the source
    layout: str | None = None  # fixed_width: conf/feeds/<layout>.yaml
    description: str = ""

    @property
    def folder(self) -> str:
        """The landing sub-folder this spec reads."""
        return self.landing or self.source

    def landing_dir(self, settings: Settings) -> Path:
        return settings.path("paths.landing") / self.folder


def _invalid(path: Path, what: str) -> LakehouseError:
    return LakehouseError(f"source spec {path}: {what}", "fix the YAML (see conf/sources/*.yaml)")


def _checked(path: Path, data: dict) -> SourceSpec:
    try:
        spec = SourceSpec(**data)
    except TypeError as exc:
        raise _invalid(path, str(exc)) from exc
    if spec.format not in FORMATS:
        raise _invalid(path, f"format {spec.format!r} is not one of {FORMATS}")
    if spec.format == "fixed_width":
        if not spec.layout:
            raise _invalid(path, "fixed_width needs a layout")
        from pipelines.generate.copybook import load_layout

        columns = [f.name for f in load_layout(spec.layout).fields]
        if spec.columns and spec.columns != columns:
            raise _invalid(path, f"columns differ from layout {spec.layout}: {columns}")
        spec = SourceSpec(**{**data, "columns": columns})
    clash = sorted(set(spec.columns) & set(RESERVED))
    if clash or len(set(spec.columns)) != len(spec.columns):
        raise _invalid(path, f"columns repeat or shadow bronze metadata columns {clash}")
    return spec


def load_source(name: str) -> SourceSpec:
    """Read one source spec; an unknown name is an error that lists the known ones."""
    path = SOURCES_DIR / f"{name}.yaml"
    if not path.exists():
        raise LakehouseError(f"unknown source '{name}'", f"use one of {all_sources()}")
    return _checked(path, yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def all_sources() -> list[str]:
    """Names of every source spec in ``conf/sources``, sorted."""
    return sorted(p.stem for p in SOURCES_DIR.glob("*.yaml"))
