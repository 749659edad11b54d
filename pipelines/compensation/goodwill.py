"""The airline's goodwill policy (``conf/compensation/goodwill.yaml``): miles or a voucher by
loyalty tier, only for disruptions the law leaves uncompensated and only where the policy says.
"""

from __future__ import annotations

from pipelines.compensation.case import Case, Outcome
from pipelines.compensation.rules import RuleSet

REGIME = "goodwill"
NOT_COVERED = ("out_of_scope", "below_threshold", "extraordinary", "notice_given")


def _eligible(case: Case, legal: Outcome, rules: RuleSet) -> str | None:
    """The reason the policy applies, or None."""
    when = rules["goodwill"]["applies_to"]
    if legal.status != "not_due" or legal.basis not in NOT_COVERED:
        return None
    if legal.basis == "extraordinary" and not when["extraordinary_causes"]:
        return None
    if legal.basis == "notice_given" and not when.get("notice_given", False):
        return None
    if case.event == "delay" and (case.delay_min or 0) >= when["delay_min_at_least"]:
        return f"arrival delay {case.delay_min} min >= {when['delay_min_at_least']} min"
    if case.event == "cancellation" and when["cancellation"]:
        return "cancelled flight"
    if case.event == "denied_boarding" and when["denied_boarding"]:
        return "denied boarding"
    return None


def evaluate(case: Case, legal: Outcome, rules: RuleSet) -> tuple[Outcome, int] | None:
    """Goodwill outcome and miles when the policy applies to a case the law does not pay."""
    reason = _eligible(case, legal, rules)
    if reason is None:
        return None
    policy = rules["goodwill"]
    tier = case.tier.upper() if case.tier and case.tier.lower() != "none" else "none"
    grant = policy["tiers"].get(tier)
    out = Outcome(regime=REGIME, status="due")
    if grant is None:
        return out.end("needs_review", "unknown_tier", f"goodwill applies ({reason}) but tier "
                       f"{tier!r} is not in goodwill.yaml"), 0
    what = " and ".join(x for x in (
        f"{grant['miles']:,} miles" if grant["miles"] else "",
        f"a EUR {grant['voucher_eur']} voucher" if grant["voucher_eur"] else "") if x)
    if not what:
        return None
    out.end("due", "goodwill", f"goodwill ({policy['version']}): {reason}, not compensated by "
            f"law; tier {tier}: {what}", float(grant["voucher_eur"]))
    return out, int(grant["miles"])
