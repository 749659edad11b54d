"""Pick each customer's best action; keep why, and what came next (pure pandas).

Ranking: a promoted family first (a suppression rule fired, e.g. a disruption makes service
recovery the priority even when its EV is below doing nothing), then expected value, then the
catalogue's ``rule_order`` as a deterministic tie-break.
"""

from __future__ import annotations

import pandas as pd

from ml.nba.catalogue import Catalogue

DECISION_COLUMNS = ("customer_id", "action", "family", "channel", "expected_value", "p_accept",
                    "p_source", "reason_codes", "runners_up")


def rank(valued: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Valued eligible pairs sorted best first within each customer, with a ``rank`` (1 = best)."""
    order = {name: i for i, name in enumerate(catalogue.rule_order)}
    ranked = valued.assign(_order=valued["action"].map(order)).sort_values(
        ["customer_id", "promoted", "expected_value", "_order"],
        ascending=[True, False, False, True], kind="mergesort")
    ranked["rank"] = ranked.groupby("customer_id").cumcount() + 1
    return ranked.drop(columns="_order").reset_index(drop=True)


def decide(valued: pd.DataFrame, catalogue: Catalogue, context: pd.Series | None = None,
           runners_up: int = 3) -> pd.DataFrame:
    """One row per customer: the best action, its reason codes and up to ``runners_up`` others.

    Args:
        valued: output of :func:`ml.nba.value.expected_values`.
        catalogue: the validated catalogue (channels, tie-break order).
        context: optional per-customer codes (``suppressed:...``, ``fatigue:...``) indexed by
            customer_id, appended to the reason codes.
        runners_up: how many next-best actions to keep.
    """
    ranked = rank(valued, catalogue)
    channels = {a.name: a.channel for a in catalogue.actions}
    out = []
    for customer_id, group in ranked.groupby("customer_id", sort=True):
        best, rest = group.iloc[0], group.iloc[1:1 + runners_up]
        codes = [*best["reasons"], f"p:{best['p_source']}"]
        if context is not None and customer_id in context.index:
            codes += list(context.loc[customer_id])
        out.append({
            "customer_id": customer_id, "action": best["action"], "family": best["family"],
            "channel": channels[best["action"]], "expected_value": float(best["expected_value"]),
            "p_accept": float(best["p_accept"]), "p_source": best["p_source"],
            "reason_codes": codes,
            "runners_up": [{"action": r["action"], "expected_value": float(r["expected_value"]),
                            "p_accept": float(r["p_accept"])} for _, r in rest.iterrows()],
        })
    return pd.DataFrame(out, columns=list(DECISION_COLUMNS))


def decide_all(customers: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Eligibility -> expected value -> decision for a customer frame (the whole pure pipeline)."""
    from ml.nba.eligibility import context_codes, eligible_actions
    from ml.nba.value import expected_values

    eligible = eligible_actions(customers, catalogue)
    valued = expected_values(customers, eligible, catalogue)
    context = context_codes(customers, catalogue)
    context.index = customers["customer_id"].to_numpy()
    return decide(valued, catalogue, context)
