"""Montreal Convention 1999 baggage liability, from ``conf/compensation/montreal.yaml``.

Limits are in SDR per passenger (Art. 22(2)), converted to EUR with ``sdr_rates.yaml`` at the
latest rate on or before the claim date (Art. 23). Delayed bags get the airline's interim-expense
allowance; damaged and lost bags need the documented claim, so without one they go to review.
"""

from __future__ import annotations

from datetime import date

from pipelines.compensation.case import Case, Outcome
from pipelines.compensation.rules import RuleSet

REGIME = "montreal"


def limit_sdr(on: date, rules: RuleSet) -> dict | None:
    """The Art. 22(2) limit in force on ``on`` (None before the first listed revision)."""
    valid = [row for row in rules["montreal"]["baggage_limit_sdr"]
             if date.fromisoformat(row["from"]) <= on]
    return max(valid, key=lambda row: row["from"]) if valid else None


def eur_per_sdr(on: date, rules: RuleSet) -> dict | None:
    """The latest SDR rate on or before ``on`` (None if the table starts later)."""
    valid = [row for row in rules["sdr_rates"]["rates"] if date.fromisoformat(row["date"]) <= on]
    return max(valid, key=lambda row: row["date"]) if valid else None


def _limit_eur(case: Case, rules: RuleSet, out: Outcome) -> float | None:
    on = case.on_date or date.today()
    limit, rate = limit_sdr(on, rules), eur_per_sdr(on, rules)
    if limit is None or rate is None:
        out.end("needs_review", "no_rate", f"no Montreal limit or SDR rate on or before {on}: "
                "update montreal.yaml / sdr_rates.yaml")
        return None
    eur = round(limit["sdr"] * rate["eur_per_sdr"], 2)
    out.step(f"liability limit {limit['sdr']:,} SDR per passenger ({limit['cite']}) x "
             f"{rate['eur_per_sdr']} EUR/SDR (IMF rate of {rate['date']}, Art. 23) = "
             f"EUR {eur:,.2f}")
    return eur


def _delayed(case: Case, limit: float, rules: RuleSet, out: Outcome) -> Outcome:
    policy = rules["montreal"]["interim_expenses"]
    if case.claim_eur is not None:
        amount = min(case.claim_eur, limit)
        return out.end("due", "receipts", f"documented expenses EUR {case.claim_eur:,.2f}, "
                       f"capped at the limit: EUR {amount:,.2f} due", amount)
    if case.bag_delay_days is None:
        return out.end("due", "interim_advance", f"bag not yet delivered: interim advance EUR "
                       f"{policy['advance_eur']} without receipts ({policy['cite']})",
                       float(policy["advance_eur"]))
    days = min(case.bag_delay_days, policy["max_days"])
    amount = min(days * policy["per_day_eur"], limit)
    return out.end("due", "interim_expenses", f"bag delivered after {case.bag_delay_days} "
                   f"day(s): {days} x EUR {policy['per_day_eur']} interim expenses = EUR "
                   f"{amount:,.2f} ({policy['cite']})", amount)


def _documented(case: Case, limit: float, out: Outcome) -> Outcome:
    if case.claim_eur is None:
        return out.end("needs_review", "claim_needed", "the amount depends on the documented "
                       f"claim (receipts, value of contents), up to EUR {limit:,.2f}")
    amount = min(case.claim_eur, limit)
    capped = " capped at the limit" if case.claim_eur > limit else ""
    return out.end("due", "claim", f"documented claim EUR {case.claim_eur:,.2f}{capped}: EUR "
                   f"{amount:,.2f} due", amount)


def evaluate(case: Case, rules: RuleSet) -> Outcome:
    """Evaluate a ``baggage_delayed|baggage_damaged|baggage_lost`` case."""
    table, out = rules["montreal"], Outcome(regime=REGIME, status="not_due")
    event = case.event
    if event == "baggage_delayed" and (case.bag_delay_days or 0) >= table["lost_after_days"]:
        event = "baggage_lost"
        out.step(f"bag not arrived {case.bag_delay_days} days after it was due (>= "
                 f"{table['lost_after_days']}): treated as lost (Art. 17(3))")
    out.step(f"{event.replace('_', ' ')}: carrier liable ({table['events'][event]['cite']})")
    limit = _limit_eur(case, rules, out)
    if limit is None:
        return out
    if event == "baggage_delayed":
        return _delayed(case, limit, rules, out)
    return _documented(case, limit, out)
