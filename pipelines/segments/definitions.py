"""Load segment definitions from ``conf/segments/`` and compile them into safe Spark SQL.

Definitions are data so marketing can add a segment without code; compiling them here (not in
Jinja) lets us validate every column name, operator and value before any SQL exists, so a YAML
file can never inject SQL. dbt receives the compiled predicates as a variable and builds
``gold.fct_segment_membership`` from them (see ``dbt/models/marts/marketing``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipelines.config import REPO_ROOT, Settings
from pipelines.errors import LakehouseError

Op = Literal[">=", ">", "<=", "<", "=", "!=", "in", "not_in"]
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
Scalar = int | float | str | bool


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str
    op: Op
    value: Scalar | list[Scalar]

    @field_validator("column")
    @classmethod
    def _identifier(cls, column: str) -> str:
        if not IDENTIFIER.match(column):
            raise ValueError(f"not a column name: {column!r}")
        return column


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=IDENTIFIER.pattern)
    version: int
    description: str
    criteria: list[Criterion] = Field(min_length=1)

    def where_sql(self) -> str:
        """All criteria joined with ``and`` (nulls never qualify)."""
        return " and ".join(predicate(c) for c in self.criteria)

    def reason_sql(self) -> str:
        """SQL that spells out why a customer qualifies, e.g. ``tier=GOLD (in GOLD, PLATINUM)``."""
        parts = [f"concat('{c.column}=', coalesce(cast({c.column} as string), 'null'), "
                 f"' ({c.op.replace('_', ' ')} {escape(render_value(c.value))})')"
                 for c in self.criteria]
        return f"concat_ws('; ', {', '.join(parts)})"

    def definition_text(self) -> str:
        return " and ".join(f"{c.column} {c.op.replace('_', ' ')} {render_value(c.value)}"
                            for c in self.criteria)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return f"'{escape(value)}'"


def render_value(value: Scalar | list[Scalar]) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def predicate(criterion: Criterion) -> str:
    column, op, value = criterion.column, criterion.op, criterion.value
    if op in ("in", "not_in"):
        values = value if isinstance(value, list) else [value]
        negate = "not " if op == "not_in" else ""
        return f"{column} {negate}in ({', '.join(literal(v) for v in values)})"
    if isinstance(value, list):
        raise ValueError(f"{column}: operator {op} takes one value, not a list")
    return f"{column} {op} {literal(value)}"


def segments_dir(settings: Settings) -> Path:
    return REPO_ROOT / settings.get("segments.dir")


def load_segments(settings: Settings) -> list[Segment]:
    """Every ``conf/segments/*.yaml``, validated; a bad file is a clear error naming it."""
    segments = []
    for path in sorted(segments_dir(settings).glob("*.yaml")):
        try:
            segment = Segment.model_validate(yaml.safe_load(path.read_text()))
            segment.where_sql()
        except (ValidationError, ValueError, yaml.YAMLError) as exc:
            raise LakehouseError(f"segment definition {path.name} is invalid: {exc}",
                                 "fix the file; see conf/segments/frequent_business_traveller.yaml"
                                 ) from exc
        if segment.name != path.stem:
            raise LakehouseError(f"segment file {path.name} defines name {segment.name!r}",
                                 f"name the file {segment.name}.yaml or change the name")
        segments.append(segment)
    return segments


def dbt_vars(settings: Settings) -> dict:
    """The ``segments`` variable handed to dbt: name, version, where and reason SQL per segment."""
    return {"segments": [{"name": s.name, "version": s.version, "where": s.where_sql(),
                          "reason": s.reason_sql()} for s in load_segments(settings)]}
