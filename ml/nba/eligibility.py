"""Which actions each customer may receive today, and why (pure pandas).

Input: one row per customer with ``customer_360`` columns plus the derived columns of
``ml/nba/features.py``: ``consent_<purpose>`` (bool, the consent ledger's state),
``contacts_in_window`` (actions other than do_nothing in the fatigue window),
``upgrade_seats_free`` (forecast room in the next higher cabin of the next flight) and
``bought_<ancillary_type>`` counts. Output: one row per
(customer, eligible action) with the reason codes that let it through. ``do_nothing`` is always
eligible, so every customer gets a decision.

Order of the gates: the action's own criteria, its consent purpose, the cabin forecast (upgrades),
suppression (an open complaint or a recent disruption blocks sales and promotes recovery), then
contact fatigue (families in ``exempt_families``, i.e. service recovery, are never blocked by it).
"""

from __future__ import annotations

import pandas as pd

from ml.nba.catalogue import Action, Catalogue
from pipelines.errors import LakehouseError
from pipelines.segments.definitions import Criterion

COLUMNS = ("customer_id", "action", "family", "promoted", "reasons")


def criterion_mask(frame: pd.DataFrame, criterion: Criterion) -> pd.Series:
    """Boolean mask of rows meeting one criterion; null never qualifies (as in the SQL)."""
    if criterion.column not in frame.columns:
        raise LakehouseError(f"rule column {criterion.column!r} is not in the customer frame",
                             "use a customer_360 column or one derived in ml/nba/features.py")
    column, value = frame[criterion.column], criterion.value
    present = column.notna()
    if criterion.op in ("in", "not_in"):
        inside = column.isin(value if isinstance(value, list) else [value])
        mask = inside if criterion.op == "in" else ~inside
    else:
        compare = {">=": column.ge, ">": column.gt, "<=": column.le, "<": column.lt,
                   "=": column.eq, "!=": column.ne}[criterion.op]
        mask = compare(value)
    return (mask & present).fillna(False).astype(bool)


def all_of(frame: pd.DataFrame, criteria: list[Criterion]) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for criterion in criteria:
        mask &= criterion_mask(frame, criterion)
    return mask


def _rule_code(criterion: Criterion) -> str:
    return f"rule:{criterion.column}{criterion.op}{criterion.value}".replace(" ", "")


def _number(frame: pd.DataFrame, column: str, default: float) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float).fillna(default)


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column where a missing column or value means False (no consent, no room)."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].eq(True)  # None, NaN and False all mean no


def _gates(frame: pd.DataFrame, action: Action, catalogue: Catalogue) -> tuple[pd.Series, list]:
    """The action's criteria, consent and cabin room: (mask, reason codes shared by all rows)."""
    mask = all_of(frame, action.eligible)
    codes = [_rule_code(c) for c in action.eligible]
    if action.consent:
        mask &= _flag(frame, f"consent_{action.consent}")
        codes.append(f"consent:{action.consent}")
    if action.needs_cabin_room:
        room = catalogue.policy.upgrade.min_free_seats
        mask &= _number(frame, "upgrade_seats_free", float("nan")) >= room  # NaN: no forecast
        codes.append(f"forecast_room>={room}")
    return mask, codes


def suppression_flags(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Per customer and rule: does the rule fire (column ``suppress:<rule>``)."""
    return pd.DataFrame({f"suppress:{rule.name}": all_of(frame, rule.when)
                         for rule in catalogue.policy.suppression}, index=frame.index)


def fatigued(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """True where the customer already had ``max_contacts`` contacts in the window."""
    contacts = _number(frame, "contacts_in_window", 0)
    return contacts >= catalogue.policy.fatigue.max_contacts


def eligible_actions(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per (customer, eligible action): ``customer_id, action, family, promoted, reasons``.

    ``reasons`` lists the codes that made the action eligible (``rule:...``, ``consent:...``,
    ``forecast_room>=N``, ``promoted:<rule>``); suppressed or fatigued pairs are left out.
    """
    fired = suppression_flags(frame, catalogue)
    tired = fatigued(frame, catalogue)
    exempt = set(catalogue.policy.fatigue.exempt_families) | {"none"}
    parts = []
    for action in catalogue.actions:
        mask, codes = _gates(frame, action, catalogue)
        promoted = pd.Series(False, index=frame.index)
        promoted_by = pd.Series("", index=frame.index)
        for rule in catalogue.policy.suppression:
            hit = fired[f"suppress:{rule.name}"]
            if action.family in rule.suppresses:
                mask &= ~hit
            if action.family == rule.promotes:
                promoted |= hit
                promoted_by = promoted_by.where(~hit, promoted_by + f" promoted:{rule.name}")
        if action.family not in exempt:
            mask &= ~tired
        chosen = frame.loc[mask, ["customer_id"]].copy()
        chosen["action"], chosen["family"] = action.name, action.family
        chosen["promoted"] = promoted[mask].to_numpy()
        chosen["reasons"] = [codes + extra.split() for extra in promoted_by[mask]]
        parts.append(chosen)
    return pd.concat(parts, ignore_index=True)[list(COLUMNS)]


def context_codes(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Per customer, the policy events that shaped the choice (``suppressed:<rule>``,
    ``fatigue:<n>/<max>``), kept with the decision so the CMP can explain it."""
    fired = suppression_flags(frame, catalogue)
    tired = fatigued(frame, catalogue)
    cap = catalogue.policy.fatigue.max_contacts
    contacts = _number(frame, "contacts_in_window", 0).astype(int)
    codes = []
    for i in frame.index:
        row = [f"suppressed:{c.split(':', 1)[1]}" for c in fired.columns if fired.at[i, c]]
        if tired.at[i]:
            row.append(f"fatigue:{contacts.at[i]}/{cap}")
        codes.append(row)
    return pd.Series(codes, index=frame.index)
