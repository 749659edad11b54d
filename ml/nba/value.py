"""Expected value of each eligible action: EV = P(accept) x value - cost (pure pandas).

P(accept) comes from the best source the customer has, in this order:

1. ``model:<name>`` — a calibrated propensity in ``customer_360.scores`` (the action's
   ``propensity``), when the customer has that score;
2. ``history`` — the customer's own purchase rate of the action's ancillary per flight, shrunk
   towards the catalogue prior: ``(bought + k * prior) / (flights_total + k)``. This is the
   posterior mean under a Beta(k * prior, k * (1 - prior)) prior, i.e. the prior counts as ``k``
   flights (``policy.history_strength``). Raw rates from two or three flights are 0 or 1 and
   badly calibrated; the shrunk rate equals the prior with no history and tends to the observed
   rate as flights accumulate, which is what a calibrated estimate must do;
3. ``prior`` — the catalogue's P(accept).
"""

from __future__ import annotations

import math

import pandas as pd

from ml.nba.catalogue import Action, Catalogue


def _score(scores, model: str | None) -> float | None:
    if not model or not isinstance(scores, dict):
        return None
    value = scores.get(model)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and 0 <= value <= 1 else None


def p_accept(customer: pd.Series, action: Action, strength: float) -> tuple[float, str]:
    """(P(accept), source) for one customer row and action."""
    score = _score(customer.get("scores"), action.propensity)
    if score is not None:
        return score, f"model:{action.propensity}"
    if action.history:
        flights = pd.to_numeric(customer.get("flights_total"), errors="coerce")
        bought = pd.to_numeric(customer.get(f"bought_{action.history}", 0), errors="coerce")
        if pd.notna(flights) and flights > 0:
            bought = 0.0 if pd.isna(bought) else min(float(bought), float(flights))
            return (bought + strength * action.prior) / (flights + strength), "history"
    return action.prior, "prior"


def expected_values(customers: pd.DataFrame, eligible: pd.DataFrame,
                    catalogue: Catalogue) -> pd.DataFrame:
    """``eligible`` plus ``p_accept``, ``p_source`` and ``expected_value`` (EUR, rounded to cents).

    ``do_nothing`` has value 0 and cost 0, so its EV is 0: an action with a negative EV loses to
    it unless its family is promoted (see ml/nba/decide.py).
    """
    by_id = customers.set_index("customer_id")
    strength = catalogue.policy.history_strength
    rows = []
    for customer_id, name in zip(eligible["customer_id"], eligible["action"], strict=True):
        action = catalogue.action(name)
        p, source = p_accept(by_id.loc[customer_id], action, strength)
        rows.append((round(p, 6), source, round(p * action.value_eur - action.cost_eur, 2)))
    out = eligible.copy()
    out[["p_accept", "p_source", "expected_value"]] = pd.DataFrame(
        rows, index=out.index, columns=["p_accept", "p_source", "expected_value"])
    return out
