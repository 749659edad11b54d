"""The action catalogue (``conf/nba/actions.yaml``), validated before any decision is made.

Eligibility and suppression criteria reuse the segment grammar (``pipelines.segments
.definitions.Criterion``: a checked column name, one of eight operators, scalar values), so the
two rule tables marketing edits read the same and neither can smuggle in code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipelines.config import REPO_ROOT, Settings
from pipelines.errors import LakehouseError
from pipelines.segments.definitions import IDENTIFIER, Criterion

Family = Literal["commercial", "recovery", "retention", "none"]
DEFAULT_PATH = "conf/nba/actions.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Outcome(_Strict):
    """What counts as acceptance when replaying held-out history (ml/nba/evaluate.py)."""

    ancillary: str | None = None       # bought this ancillary_type in the held-out window
    booked_again: bool = False         # booked a flight in the held-out window
    prior_only: bool = False           # not observable: the catalogue's prior stands in


class Action(_Strict):
    name: str = Field(pattern=IDENTIFIER.pattern)
    family: Family
    channel: str
    consent: str | None
    cost_eur: float = Field(ge=0)
    value_eur: float = Field(ge=0)
    prior: float = Field(ge=0, le=1)
    needs_cabin_room: bool = False
    propensity: str | None = None
    history: str | None = None
    outcome: Outcome
    eligible: list[Criterion]


class Fatigue(_Strict):
    max_contacts: int = Field(ge=0)
    window_days: int = Field(ge=1)
    exempt_families: list[Family] = []


class Suppression(_Strict):
    name: str = Field(pattern=IDENTIFIER.pattern)
    when: list[Criterion] = Field(min_length=1)
    suppresses: list[Family]
    promotes: Family | None = None


class Upgrade(_Strict):
    min_free_seats: int = Field(ge=1)


class Policy(_Strict):
    fatigue: Fatigue
    suppression: list[Suppression] = []
    upgrade: Upgrade
    history_strength: float = Field(gt=0)
    random_seed: int = 0
    holdout_days: int = Field(ge=1)


class Catalogue(_Strict):
    version: int
    policy: Policy
    rule_order: list[str]
    actions: list[Action] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        names = [a.name for a in self.actions]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate action names in {names}")
        if "do_nothing" not in names:
            raise ValueError("the catalogue needs a do_nothing action (the fallback)")
        unknown = set(self.rule_order) - set(names)
        if unknown or set(names) - set(self.rule_order):
            raise ValueError(f"rule_order must list every action once; differs by "
                             f"{sorted(unknown ^ (set(names) - set(self.rule_order)))}")
        return self

    def action(self, name: str) -> Action:
        return next(a for a in self.actions if a.name == name)


def parse_catalogue(data: dict, source: str = "catalogue") -> Catalogue:
    """Validate a parsed YAML document; a bad one is a clear error naming ``source``."""
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise LakehouseError(f"next-best-action {source} is invalid: {exc}",
                             f"fix {source}; the schema is in ml/nba/catalogue.py") from exc


def load_catalogue(settings: Settings) -> Catalogue:
    """``nba.catalogue`` (default ``conf/nba/actions.yaml``), validated."""
    path = Path(REPO_ROOT / settings.get("nba.catalogue", DEFAULT_PATH))
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise LakehouseError(f"cannot read the action catalogue {path}: {exc}",
                             "restore conf/nba/actions.yaml") from exc
    return parse_catalogue(data, str(path))
