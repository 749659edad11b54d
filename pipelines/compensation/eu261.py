"""Regulation (EC) No 261/2004 evaluated from ``conf/compensation/eu261.yaml``.

Order of the checks, each one a step of the explanation: airports known -> scope (Art. 3) ->
distance and band (Art. 7(1), 7(4)) -> the event's own rule (delay threshold, cancellation
notice, denied boarding grounds) -> extraordinary circumstances (Art. 5(3)) -> amount and the
50% reductions (Art. 7(2)). Anything the facts do not settle ends in ``needs_review``.
"""

from __future__ import annotations

from pipelines.compensation.case import Case, Outcome
from pipelines.compensation.distance import Airport, great_circle_km, load_airports
from pipelines.compensation.rules import RuleSet

REGIME = "eu261"


def in_member_state(airport: Airport, rules: RuleSet) -> bool:
    """EU-27 and the states that apply the Regulation by agreement (EEA, Switzerland)."""
    regions = rules["regions"]
    return airport.country in {*regions["member_states"], *regions["associated_states"]}


def _airports(case: Case, rules: RuleSet, out: Outcome) -> tuple[Airport, Airport] | None:
    known = load_airports(rules.airports_csv)
    unknown = [code for code in (case.origin, *case.via, case.dest) if code not in known]
    if unknown:
        out.end("needs_review", "unknown_airport",
                f"airport(s) {', '.join(unknown)} not in the airport reference: distance and "
                "scope cannot be determined (never guessed)")
        return None
    return known[case.origin], known[case.dest]


def _scope(case: Case, origin: Airport, dest: Airport, rules: RuleSet, out: Outcome) -> bool:
    cite = rules["eu261"]["scope"]
    journey = " via ".join([case.origin, *case.via]) + f" -> {case.dest}"
    if case.via:
        out.step(f"connecting journey {journey} is one journey ({cite['connecting_journey']})")
    if in_member_state(origin, rules):
        out.step(f"departs from {origin.country} ({case.origin}), a Member State: in scope "
                 f"({cite['departure_from_member_state']})")
        return True
    eu_via = [code for code in case.via if in_member_state(
        load_airports(rules.airports_csv)[code], rules)]
    if eu_via and not (in_member_state(dest, rules) and case.eu_carrier):
        out.end("needs_review", "scope_connection", f"journey starts outside the EU but a leg "
                f"departs from {', '.join(eu_via)} in a Member State: Art. 3(1)(a) read per "
                f"flight covers that leg, read per journey ({cite['connecting_journey']}) it may "
                "not; a person decides")
        return False
    if not in_member_state(dest, rules):
        out.end("not_due", "out_of_scope", f"neither departure ({origin.country}) nor arrival "
                f"({dest.country}) in a Member State: Regulation does not apply (Art. 3(1))")
        return False
    if case.eu_carrier is None:
        out.end("needs_review", "unknown_carrier", f"arrives in {dest.country} from a third "
                "country: scope depends on whether the operating carrier holds an EU licence, "
                "which is unknown (Art. 3(1)(b))")
        return False
    if not case.eu_carrier:
        out.end("not_due", "out_of_scope", f"arrives in {dest.country} from {origin.country} on "
                f"a non-Community carrier: not in scope ({cite['arrival_on_community_carrier']})")
        return False
    out.step(f"arrives in {dest.country} from a third country on a Community carrier: in scope "
             f"({cite['arrival_on_community_carrier']})")
    return True


def _band(origin: Airport, dest: Airport, rules: RuleSet, out: Outcome) -> dict:
    km = great_circle_km(origin, dest)
    intra = in_member_state(origin, rules) and in_member_state(dest, rules)
    out.distance_km = round(km, 1)
    out.step(f"great-circle distance {origin.iata}-{dest.iata} {km:,.0f} km "
             f"({rules['eu261']['distance']['cite']})" + ("; intra-Community" if intra else ""))
    for band in rules["eu261"]["bands"]:
        if ("max_km" in band and km <= band["max_km"]) or (
                "intra_eu_over_km" in band and intra and km > band["intra_eu_over_km"]) or (
                "max_km" not in band and "intra_eu_over_km" not in band):
            out.band = band["name"]
            out.step(f"band {band['name']}: EUR {band['amount_eur']} ({band['cite']})")
            return band
    raise AssertionError("the last band in eu261.yaml must have no condition")


def classify_cause(cause: str | None, rules: RuleSet) -> tuple[str, str, str]:
    """(class, cause name, citation) of an IATA delay code or a named cause; missing -> review."""
    table = rules["eu261"]
    if cause is None:
        return "missing", "", "a missing cause is never guessed"
    name = table["iata_delay_codes"].get(cause.zfill(2) if cause.isdigit() else cause, cause)
    entry = table["extraordinary_causes"].get(name)
    if entry is None:
        return "unknown", name, "cause not in eu261.yaml extraordinary_causes/iata_delay_codes"
    return entry["class"], name, entry["cite"]


def _extraordinary(case: Case, rules: RuleSet, out: Outcome) -> bool:
    """True when the cause settles the case (extraordinary or unclear); False: carrier's own."""
    kind, name, cite = classify_cause(case.cause, rules)
    label = f"cause {case.cause!r}" + (f" = {name}" if name and name != case.cause else "")
    if kind == "extraordinary":
        out.end("not_due", "extraordinary", f"{label}: extraordinary circumstances, no "
                f"compensation (Art. 5(3); {cite})")
        return True
    if kind != "not_extraordinary":
        what = "missing delay cause" if kind == "missing" else f"{label}: {cite}"
        out.end("needs_review", f"cause_{kind}", f"{what}: whether Art. 5(3) applies needs a "
                "person")
        return True
    out.step(f"{label}: not extraordinary, within the carrier's control (Art. 5(3); {cite})")
    return False


def _reduce(amount: float, later_min: int | None, band: dict, rules: RuleSet,
            out: Outcome) -> float:
    """Art. 7(2): re-routing arriving within 2/3/4 h of the schedule halves the compensation."""
    rule = rules["eu261"]["reroute_reduction"]
    limit = rule["max_arrival_later_min"][band["name"]]
    if later_min is None or later_min > limit:
        return amount
    out.step(f"re-routed, arriving {later_min} min after the schedule (<= {limit} min): "
             f"reduced by {rule['percent']}% ({rule['cite']})")
    return amount * (100 - rule["percent"]) / 100


def _delay(case: Case, band: dict, rules: RuleSet, out: Outcome) -> Outcome:
    rule = rules["eu261"]["delay"]
    if case.delay_min is None:
        return out.end("needs_review", "missing_delay", "arrival delay at final destination "
                       "unknown")
    if case.delay_min < rule["threshold_min"]:
        return out.end("not_due", "below_threshold", f"arrived {case.delay_min} min late at the "
                       f"final destination, under {rule['threshold_min']} min ({rule['cite']})")
    out.step(f"arrived {case.delay_min} min late at the final destination, >= "
             f"{rule['threshold_min']} min: compensated like a cancellation ({rule['cite']})")
    if _extraordinary(case, rules, out):
        return out
    amount, red = float(band["amount_eur"]), rule["reduction"]
    if band["name"] == red["band"] and case.delay_min <= red["max_delay_min"]:
        amount = amount * (100 - red["percent"]) / 100
        out.step(f"delay of 3 to {red['max_delay_min'] // 60} h on the {red['band']} band: "
                 f"reduced by {red['percent']}% ({red['cite']})")
    return out.end("due", "delay", f"compensation EUR {amount:,.0f} due", amount)


def _notice_exempts(case: Case, rules: RuleSet, out: Outcome) -> bool:
    notice = rules["eu261"]["cancellation_notice"]
    days = case.notice_days
    if days is None:
        days = notice["no_record_notice_days"]
        out.step(f"no record of notice: counted as {days} days ({notice['no_record_cite']})")
    window = next(w for w in notice["windows"] if days >= w["min_days"])
    if window["exempt"] == "always":
        out.end("not_due", "notice_given", f"informed {days} days ahead (>= "
                f"{window['min_days']}): no compensation ({window['cite']})")
        return True
    earlier, later = case.reroute_dep_earlier_min, case.reroute_arr_later_min
    if (earlier is not None and later is not None and earlier <= window["max_dep_earlier_min"]
            and later < window["arr_later_below_min"]):
        out.end("not_due", "notice_given", f"informed {days} days ahead and re-routed leaving "
                f"{earlier} min earlier (<= {window['max_dep_earlier_min']}) and arriving "
                f"{later} min later (< {window['arr_later_below_min']}): no compensation "
                f"({window['cite']})")
        return True
    offer = "no re-routing on record" if earlier is None or later is None else (
        f"re-routing {earlier} min earlier / {later} min later is outside "
        f"{window['max_dep_earlier_min']}/{window['arr_later_below_min']} min")
    out.step(f"informed {days} days ahead, {offer}: compensation owed ({window['cite']})")
    return False


def _cancellation(case: Case, band: dict, rules: RuleSet, out: Outcome) -> Outcome:
    if _notice_exempts(case, rules, out) or _extraordinary(case, rules, out):
        return out
    amount = _reduce(float(band["amount_eur"]), case.reroute_arr_later_min, band, rules, out)
    return out.end("due", "cancellation", f"compensation EUR {amount:,.0f} due (Art. 5(1)(c), "
                   "Art. 7)", amount)


def _denied_boarding(case: Case, band: dict, rules: RuleSet, out: Outcome) -> Outcome:
    rule = rules["eu261"]["denied_boarding"]
    if case.cause is None:
        return out.end("needs_review", "cause_missing", "reason for the denied boarding unknown: "
                       f"reasonable grounds ({rule['reasonable_grounds_cite']}) or a volunteer "
                       f"({rule['volunteer_cite']}) would mean no compensation")
    if case.cause in rule["volunteer_causes"]:
        return out.end("not_due", "volunteer", "volunteered to give up the seat: agreed "
                       f"benefits instead of Art. 7 compensation ({rule['volunteer_cite']})")
    if case.cause in rule["reasonable_grounds"]:
        return out.end("not_due", "reasonable_grounds", f"denied boarding on reasonable grounds "
                       f"({case.cause}): no compensation ({rule['reasonable_grounds_cite']})")
    out.step(f"denied boarding against the passenger's will ({rule['cite']}); extraordinary "
             "circumstances are no defence here")
    amount = _reduce(float(band["amount_eur"]), case.reroute_arr_later_min, band, rules, out)
    return out.end("due", "denied_boarding", f"compensation EUR {amount:,.0f} due", amount)


EVENTS = {"delay": _delay, "cancellation": _cancellation, "denied_boarding": _denied_boarding}


def evaluate(case: Case, rules: RuleSet) -> Outcome:
    """Evaluate EU261 for a delay, cancellation or denied boarding ``case``."""
    out = Outcome(regime=REGIME, status="not_due")
    airports = _airports(case, rules, out)
    if airports is None or not _scope(case, *airports, rules, out):
        return out
    band = _band(*airports, rules, out)
    return EVENTS[case.event](case, band, rules, out)
