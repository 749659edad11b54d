"""Knobs of the generator: how dirty the feeds are and how busy the customers are.

Both are plain dataclasses with defaults so tests can build them inline; `conf/generator.yaml`
overrides the defaults for `make run`. Every rate is a probability per record (or per file for
``late_file``); setting all of them to 0 (:meth:`DirtRates.clean`) yields clean, well-formed feeds
with exact identities, which tests use as the control group.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError

GENERATOR_YAML = CONF_DIR / "generator.yaml"


@dataclass(frozen=True)
class DirtRates:
    """Per-record probabilities of each kind of dirt (per file for ``late_file``)."""

    # identity variation (a source record shows the person differently from the truth)
    nickname: float = 0.08          # Robert -> Bob
    transliteration: float = 0.5    # Mohammed -> Muhammad, Müller -> Mueller (if a variant exists)
    typo: float = 0.03              # one edit in a name
    swapped_names: float = 0.02     # first and last name exchanged
    married_name: float = 0.3       # a married person uses the partner's surname (when partnered)
    stale_contact: float = 0.15     # an older address / phone of the person
    missing_loyalty_on_pnr: float = 0.35
    agency_contact_on_pnr: float = 0.3  # PNR contact is the travel agency's email/phone
    shared_household_contact: float = 0.4  # household members share one email/phone
    # record and file dirt
    duplicate: float = 0.01
    malformed: float = 0.005
    bad_encoding: float = 0.005
    impossible_date: float = 0.003
    card_in_text: float = 0.02      # Luhn-valid card number in free text
    raw_card_in_purchase: float = 0.01  # purchases: raw PAN instead of a token
    late_file: float = 0.1          # a day's file arrives with the next day's batch
    schema_change_day: int = 3      # loyalty and purchases gain a column from this day; 0 = never

    @classmethod
    def clean(cls) -> DirtRates:
        """All rates 0 and no schema change: the control group."""
        zeros = {f.name: 0 if f.name == "schema_change_day" else 0.0 for f in fields(cls)}
        return cls(**zeros)

    def with_overrides(self, **overrides: float) -> DirtRates:
        return replace(self, **overrides)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Activity:
    """How often things happen, per customer per day (realistic orders of magnitude)."""

    member_share: float = 0.7         # customers enrolled in loyalty at day 1
    enrol_per_day: float = 0.002      # non-members joining per day
    bookings_per_day: float = 0.02    # PNRs created per customer per day
    history_days: int = 45            # bookings made before day 1 that are still open
    max_lead_days: int = 45
    tier_change_per_day: float = 0.003
    profile_change_per_day: float = 0.002
    contacts_per_day: float = 0.004   # contact-centre interactions without a disruption
    web_orders_per_day: float = 0.002
    consent_changes_per_day: float = 0.002
    social_posts_per_day: float = 0.001
    shard_size: int = 5000            # customers per shard; part of the seed layout, keep fixed


def _from_mapping(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise LakehouseError(
            f"unknown keys {unknown} in {where}", f"use only: {', '.join(sorted(known))}"
        )
    return cls(**data)


def load_generator_config(path: Path | None = None) -> tuple[DirtRates, Activity]:
    """Read ``dirt:`` and ``activity:`` from ``conf/generator.yaml`` (defaults if absent)."""
    path = path or GENERATOR_YAML
    if not path.exists():
        return DirtRates(), Activity()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LakehouseError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from exc
    dirt = _from_mapping(DirtRates, data.get("dirt") or {}, f"{path}:dirt")
    activity = _from_mapping(Activity, data.get("activity") or {}, f"{path}:activity")
    return dirt, activity
