"""The engine over pandas batches of events (the function ``mapInPandas`` runs on executors).

Bad or incomplete facts never stop the batch and are never guessed: a row the :class:`Case` model
rejects (e.g. no origin) or a disruption whose booking is not in ``silver.pnr_segments`` (final
destination unknown) becomes a ``needs_review`` decision that says why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from pipelines.compensation.case import Case
from pipelines.compensation.engine import Decision, decide
from pipelines.compensation.rules import RuleSet, load_rules

HASHED = ("regime", "status", "amount_eur", "currency", "miles", "payment", "rule_version",
          "explanation")


def _value(value: Any) -> Any:
    """pandas NaN/NaT/None -> None; numpy scalars -> Python."""
    if value is None:
        return None
    if getattr(value, "ndim", 0) > 0 or isinstance(value, list | tuple):
        return [_value(v) for v in value]
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def community_carrier(carrier: str | None, rules: RuleSet) -> bool | None:
    """True/False for a listed carrier, None when the carrier's licence is unknown."""
    regions = rules["regions"]
    if carrier in regions["community_carriers"]:
        return True
    return False if carrier in regions["non_community_carriers"] else None


def case_from_row(row: dict, rules: RuleSet) -> Case:
    """The engine's input for one event row (raises ValidationError on bad facts)."""
    eu_paid, goodwill_paid = row.get("eu261_paid") or 0.0, row.get("goodwill_paid") or 0.0
    paid, regime = (eu_paid, "eu261") if eu_paid else (
        (goodwill_paid, "goodwill") if goodwill_paid else (0.0, None))
    via = row.get("via")
    return Case(
        id=row["decision_id"], origin=row.get("origin") or "", dest=row.get("dest") or "",
        via=[] if via is None else list(via),
        eu_carrier=community_carrier(row.get("carrier"), rules), event=row["event"],
        delay_min=row.get("delay_min"), cause=row.get("cause"),
        reroute_dep_earlier_min=row.get("reroute_dep_earlier_min"),
        reroute_arr_later_min=row.get("reroute_arr_later_min"), tier=row.get("tier"),
        on_date=row.get("on_date"), already_paid_eur=paid, already_paid_regime=regime)


def _review(row: dict, reason: str, rules: RuleSet) -> Decision:
    return Decision(id=row["decision_id"], regime="eu261" if not str(row["event"]).startswith(
        "baggage_") else "montreal", status="needs_review", amount_eur=0.0,
        rule_version=rules.version, explanation=reason, steps=[reason])


def decide_row(row: dict, rules: RuleSet) -> Decision:
    """Decide one event row; incomplete facts -> needs_review with the reason."""
    if not row.get("journey_known", True):
        return _review(row, f"booking {row.get('record_locator')} has no segment for this flight "
                       "in silver.pnr_segments: final destination unknown (Art. 7(1); Folkerts "
                       "C-11/11)", rules)
    try:
        case = case_from_row(row, rules)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        return _review(row, f"bad operations data: {field}: {error['msg']} "
                       f"(got {error.get('input')!r})", rules)
    if row.get("payout_ids"):
        decision = decide(case, rules)
        decision.explanation += f" (Finance payouts {row['payout_ids']})"
        return decision
    return decide(case, rules)


def content_hash(decision: Decision) -> str:
    """Hash of what the customer would be told; unchanged hash = nothing to update or notify."""
    payload = {k: getattr(decision, k) for k in HASHED}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def output_row(row: dict, decision: Decision) -> dict:
    return {
        "decision_id": row["decision_id"], "record_locator": row.get("record_locator"),
        "ticket_number": row.get("ticket_number"), "carrier": row.get("carrier"),
        "flight_number": row.get("flight_number"), "flight_date": row.get("flight_date"),
        "event": row["event"], "journey_origin": row.get("origin"),
        "journey_destination": row.get("dest"), "regime": decision.regime,
        "amount": decision.amount_eur, "currency": decision.currency, "miles": decision.miles,
        "payment": decision.payment, "status": decision.status,
        "rule_version": decision.rule_version, "reason": decision.steps[-1],
        "explanation": decision.explanation, "content_hash": content_hash(decision)}


def decide_batches(batches: Iterator) -> Iterator:
    """``mapInPandas`` function: event frames in, decision frames out."""
    import pandas as pd

    rules = load_rules()
    for frame in batches:
        rows = [{k: _value(v) for k, v in rec.items()} for rec in frame.to_dict("records")]
        yield pd.DataFrame([output_row(r, decide_row(r, rules)) for r in rows],
                           columns=[c.split()[0] for c in _columns()])


def _columns() -> list[str]:
    from pipelines.compensation.decide import OUTPUT_SCHEMA

    return [c.strip() for c in OUTPUT_SCHEMA.split(",")]
