"""One compensation case: the facts the rules need, validated field by field.

The quote command builds cases from YAML and the pipeline builds them from silver rows; both go
through this model, so a bad value is reported with its field name wherever it comes from.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EVENTS = ("delay", "cancellation", "denied_boarding", "baggage_delayed", "baggage_damaged",
          "baggage_lost")
IATA_AIRPORT = r"^[A-Za-z]{3}$"


class Case(BaseModel):
    """Facts of one passenger's disruption. Times in minutes, notice in days, money in EUR.

    ``delay_min`` is the arrival delay at the final destination (Folkerts C-11/11);
    ``reroute_*`` describe the alternative flight offered (None: none offered);
    ``already_paid_eur`` is what Finance or an earlier decision already paid for this claim.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    origin: str = Field(pattern=IATA_AIRPORT)
    dest: str = Field(pattern=IATA_AIRPORT)
    via: tuple[str, ...] = ()
    eu_carrier: bool | None = None
    event: Literal[EVENTS]  # type: ignore[valid-type]
    delay_min: int | None = None
    notice_days: int | None = Field(default=None, ge=0)
    reroute_dep_earlier_min: int | None = None
    reroute_arr_later_min: int | None = None
    cause: str | None = None
    tier: str | None = None
    bag_delay_days: int | None = Field(default=None, ge=0)
    claim_eur: float | None = Field(default=None, ge=0)
    on_date: date | None = None
    already_paid_eur: float = Field(default=0.0, ge=0)
    already_paid_regime: str | None = None
    voucher_agreed: bool = False

    @field_validator("origin", "dest")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("via", mode="before")
    @classmethod
    def _via(cls, value):
        """``via`` may be one code, a list, or empty; codes are upper-cased and checked."""
        if value is None or value == "":
            return ()
        items = [value] if isinstance(value, str) else list(value)
        codes = tuple(str(v).strip().upper() for v in items)
        bad = [c for c in codes if len(c) != 3 or not c.isalpha()]
        if bad:
            raise ValueError(f"not IATA airport codes: {bad}")
        return codes

    @field_validator("cause", "tier", "id", mode="before")
    @classmethod
    def _text(cls, value):
        """YAML reads delay code 41 as a number; causes and ids are text."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(value).strip()


STATUSES = ("due", "not_due", "needs_review")


class Outcome(BaseModel):
    """What one regime decided: status, amount in EUR, why (``basis``) and the steps taken.

    ``basis`` is a short machine code (``out_of_scope``, ``below_threshold``, ``extraordinary``,
    ``notice_given``, ...) that the goodwill policy reads; ``steps`` are the human explanation.
    """

    model_config = ConfigDict(extra="forbid")

    regime: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    amount_eur: float = 0.0
    basis: str = ""
    band: str | None = None
    distance_km: float | None = None
    steps: list[str] = Field(default_factory=list)

    def step(self, text: str) -> Outcome:
        self.steps.append(text)
        return self

    def end(self, status: str, basis: str, text: str, amount_eur: float = 0.0) -> Outcome:
        """Close the evaluation with a final status and its reason."""
        self.status, self.basis, self.amount_eur = status, basis, amount_eur  # type: ignore
        return self.step(text)
