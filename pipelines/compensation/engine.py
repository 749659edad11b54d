"""The compensation engine: one case in, one decision out, every step explained.

Baggage cases go to the Montreal Convention; delays, cancellations and denied boarding to EU261,
and when the law pays nothing the goodwill policy may. Then the never-pay-twice rule deducts what
Finance or an earlier decision already paid for the same claim, and the payment form is chosen
(cash unless the customer agreed to a voucher, EU261 Art. 7(3)).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pipelines.compensation import eu261, goodwill, montreal
from pipelines.compensation.case import Case, Outcome
from pipelines.compensation.rules import RuleSet, load_rules

CURRENCY = "EUR"


class Decision(BaseModel):
    """The engine's answer for one case (what the quote prints and the gold table stores)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    regime: str
    status: str
    amount_eur: float
    currency: str = CURRENCY
    miles: int = 0
    payment: str = "none"  # cash | voucher | miles | none
    distance_km: float | None = None
    rule_version: str
    explanation: str
    steps: list[str]


def _legal(case: Case, rules: RuleSet) -> tuple[Outcome, int]:
    if case.event.startswith("baggage_"):
        return montreal.evaluate(case, rules), 0
    legal = eu261.evaluate(case, rules)
    gesture = goodwill.evaluate(case, legal, rules)
    if gesture is None:
        return legal, 0
    out, miles = gesture
    out.steps[:0] = legal.steps
    out.distance_km = legal.distance_km
    return out, miles


def _never_twice(case: Case, out: Outcome, miles: int) -> int:
    """Deduct earlier payments of the same regime; return the miles still to grant."""
    paid, regime = case.already_paid_eur, case.already_paid_regime
    if out.status != "due" or paid <= 0 or regime not in (None, out.regime):
        return miles
    outstanding = round(out.amount_eur - paid, 2)
    if outstanding <= 0 or (out.regime == goodwill.REGIME):
        out.end("not_due", "already_paid", f"EUR {paid:,.2f} already paid for this claim "
                f"(Finance payout or earlier decision): nothing more to pay")
        return 0
    out.end("due", out.basis, f"EUR {paid:,.2f} already paid: EUR {outstanding:,.2f} "
            "outstanding", outstanding)
    return miles


def _payment(case: Case, out: Outcome, miles: int, rules: RuleSet) -> str:
    if out.status != "due":
        return "none"
    if out.regime == goodwill.REGIME:
        return "miles" if miles else "voucher"
    if out.regime == eu261.REGIME and case.voucher_agreed:
        rule = rules["goodwill"]["cash_to_voucher"]
        out.amount_eur = round(out.amount_eur * (100 + rule["uplift_percent"]) / 100, 2)
        out.step(f"customer agreed in writing to a voucher: EUR {out.amount_eur:,.2f} voucher "
                 f"(+{rule['uplift_percent']}%) instead of cash ({rule['cite']})")
        return "voucher"
    return "cash"


def decide(case: Case, rules: RuleSet | None = None) -> Decision:
    """Evaluate ``case`` under the rule files (default: ``conf/compensation``)."""
    rules = rules or load_rules()
    out, miles = _legal(case, rules)
    miles = _never_twice(case, out, miles)
    payment = _payment(case, out, miles, rules)
    return Decision(
        id=case.id, regime=out.regime, status=out.status,
        amount_eur=round(out.amount_eur, 2) if out.status == "due" else 0.0,
        miles=miles if out.status == "due" else 0, payment=payment,
        distance_km=out.distance_km, rule_version=rules.version,
        explanation="; ".join(out.steps), steps=out.steps)
