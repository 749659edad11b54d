"""Loyalty feed (CSV): the member master. Day 1 is a full extract, later days carry changes.

Changes are drawn per day (tier moves, relocations, new phones) and folded into a state that the
world caches, so day ``k`` alone replays only cheap draws for days ``2..k``. The name a member
enrolled with is fixed per person (a typo at enrolment stays in every later extract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipelines.generate import vocab
from pipelines.generate.dirt import impossible_date
from pipelines.generate.people import TIERS
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink, csv_line
from pipelines.generate.text_utils import fill_pattern, format_phone
from pipelines.generate.variation import UNIFORMS, household_email, source_name
from pipelines.generate.world import World

SOURCE = "loyalty"
COLUMNS = ("loyalty_number", "tier", "tier_since", "points_balance", "first_name", "last_name",
           "date_of_birth", "email", "phone", "street", "city", "postcode", "country",
           "nationality", "passport_number", "enrolled_at", "updated_at")
DRIFT_COLUMN = "preferred_language"
TIER_EVENTS_HEADER = "person_id,loyalty_number,date,old_tier,new_tier\n"


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.csv"


def has_drift(schema_change_day: int, day: int) -> bool:
    return schema_change_day > 0 and day >= schema_change_day


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    """Files of ``day`` with their header lines (the drift column is appended from its day on)."""
    columns = COLUMNS + ((DRIFT_COLUMN,) if has_drift(rates.schema_change_day, day) else ())
    return {
        f"landing/{SOURCE}/{file_name(day_date)}": ",".join(columns) + "\n",
        f"ground_truth/events/tier_changes_{day_date.isoformat()}.csv": TIER_EVENTS_HEADER,
    }


@dataclass
class _State:
    day: int
    tier: np.ndarray
    tier_since: list[date]
    points: np.ndarray
    street: list[str]
    postcode: list[str]
    phone: list[str]


def _initial(world: World) -> _State:
    p = world.people
    rng = world.rng("loyalty_initial")
    since = rng.integers(30, 2000, p.size)
    tier_since = [world.start - timedelta(days=int(s)) for s in since]
    points = np.where(p.enrol_day <= 1, p.points, 0)
    return _State(1, p.tier.copy(), tier_since, points, list(p.street), list(p.postcode),
                  list(p.phone))


def _advance(world: World, state: _State, day: int, sink: Sink | None) -> set[int]:
    """Apply day ``day``'s changes to ``state``; return the changed members."""
    p, a = world.people, world.activity
    rng = world.rng("loyalty_changes", day)
    u = rng.random((p.size, 4))
    digits = rng.integers(0, 10, (p.size, 12)).astype(str)
    enrolled = p.enrol_day < day
    tier_move = enrolled & (u[:, 0] < a.tier_change_per_day * p.frequency)
    moved = enrolled & (u[:, 1] < a.profile_change_per_day)
    rows = []
    for i in np.flatnonzero(tier_move):
        old = int(state.tier[i])
        new = max(0, old - 1) if (u[i, 2] < 0.15 or old == 3) else old + 1
        if new == old:
            continue
        state.tier[i], state.tier_since[i] = new, world.date_of(day)
        rows.append(f"{p.person_id[i]},{p.loyalty_number[i]},{world.date_of(day)},"
                    f"{TIERS[old]},{TIERS[new]}\n")
    for i in np.flatnonzero(moved):
        c = vocab.CULTURES[p.culture[i]]
        row = "".join(digits[i])
        if u[i, 3] < 0.5:
            street = vocab.pretty(c.streets[int(u[i, 2] * len(c.streets))])
            state.street[i] = f"{street} {int(row[:3]) % 180 + 1}"
            state.postcode[i] = fill_pattern(c.postcode, row[3:], "MV")
        else:
            state.phone[i] = c.phone_prefix + "6" + row[: c.phone_digits - 1]
    state.points = state.points + (enrolled * (u[:, 3] < 0.05) * (u[:, 2] * 3000)).astype(int)
    state.day = day
    if sink is not None:
        sink.truth(f"ground_truth/events/tier_changes_{world.date_of(day)}.csv", rows)
    changed = set(np.flatnonzero(tier_move | moved).tolist())
    return changed | set(np.flatnonzero(enrolled & (u[:, 3] < 0.05)).tolist())


def _state_at(world: World, day: int, sink: Sink) -> tuple[_State, set[int]]:
    state: _State = world.cache.get("loyalty_state") or _initial(world)
    if state.day > day:
        raise ValueError(f"loyalty days must be rendered in order (at {state.day}, asked {day})")
    changed: set[int] = set()
    while state.day < day:
        target = state.day + 1
        changed = _advance(world, state, target, sink if target == day else None)
    world.cache["loyalty_state"] = state
    return state, changed


def render(world: World, day: int, sink: Sink) -> None:
    p, rates = world.people, world.rates
    state, changed = _state_at(world, day, sink)
    if day == 1:
        members = np.flatnonzero(p.enrol_day <= 1)
    else:
        new = set(np.flatnonzero(p.enrol_day == day).tolist())
        members = np.array(sorted(new | changed), dtype=int)
    ident = world.cache.get("loyalty_identity")
    if ident is None:
        ident = world.rng("loyalty_identity").random((p.size, UNIFORMS + 4))
        world.cache["loyalty_identity"] = ident
    enrol_rng = world.rng("loyalty_enrolled_at")
    enrolled_days = enrol_rng.integers(1, 3650, p.size)
    clock = world.rng("loyalty_clock", day).random(p.size) * 86_400
    drift = has_drift(rates.schema_change_day, day)
    emitter = world.emitter(file_name(world.date_of(day)), "csv")
    for i in members:
        u = ident[i]
        first, last, applied = source_name(p, i, u[:UNIFORMS], rates)
        email, e_applied = household_email(p, i, u[UNIFORMS], rates)
        dob = p.dob[i].isoformat()
        if u[UNIFORMS + 1] < rates.impossible_date:
            dob, applied = impossible_date(u[UNIFORMS + 2], p.dob[i]), [*applied, "impossible_date"]
        c = vocab.CULTURES[p.culture[i]]
        enrol_day = int(p.enrol_day[i])
        enrolled_at = (world.timestamp(enrol_day, clock[i]) if enrol_day > 1 else
                       world.timestamp(1 - int(enrolled_days[i]), u[UNIFORMS + 3] * 86_400))
        since = state.tier_since[i]
        if enrol_day > 1:
            since = max(since, world.date_of(enrol_day))
        values = [p.loyalty_number[i], TIERS[state.tier[i]], since.isoformat(),
                  int(state.points[i]), first, last, dob, email,
                  format_phone(c.phone_prefix, state.phone[i][len(c.phone_prefix):], 0),
                  state.street[i], p.city[i], state.postcode[i], c.country, p.nationality[i],
                  p.passport[i], enrolled_at, world.timestamp(day, clock[i])]
        if drift:
            values.append(p.language[i])
        emitter.add(p.loyalty_number[i], p.person_id[i], csv_line(values), applied + e_applied)
    sink.flush(SOURCE, emitter)
