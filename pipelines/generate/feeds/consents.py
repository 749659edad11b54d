"""Consent events (JSON lines): purpose-level given / withdrawn, with timestamp and channel.

Day 1 replays the consents members gave before the window; later days carry new members'
choices and changes of mind. State is folded day by day from per-day draws (vectorised), so a
withdrawal is only ever emitted for a consent that was given, and the truth of who consents to
what on any day is exact.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from pipelines.generate.feeds.common import json_line
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink
from pipelines.generate.variation import household_email
from pipelines.generate.world import World

SOURCE = "consents"
PURPOSES = ("marketing_email", "sms", "profiling", "partner_sharing")
INITIAL_P = np.array([0.6, 0.3, 0.45, 0.15])
CHANNELS = ("web", "app", "call_centre", "email_link", "paper_form")


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.jsonl"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": ""}


def _initial(world: World) -> np.ndarray:
    rng = world.rng("consents_initial")
    return rng.random((world.people.size, len(PURPOSES))) < INITIAL_P


def _changes(world: World, day: int) -> tuple[np.ndarray, np.ndarray]:
    """(person indices, purpose indices) toggled on ``day`` among members enrolled before it."""
    rng = world.rng("consent_changes", day)
    u = rng.random(world.people.size)
    purpose = rng.integers(0, len(PURPOSES), world.people.size)
    who = np.flatnonzero((u < world.activity.consent_changes_per_day)
                         & (world.people.enrol_day < day))
    return who, purpose[who]


def _state_through(world: World, day: int) -> np.ndarray:
    """Consent matrix (person x purpose) after the changes of ``day`` (days render in order)."""
    state, at = world.cache.get("consent_state") or (_initial(world), 1)
    if at > day:
        raise ValueError(f"consent days must be rendered in order (at {at}, asked {day})")
    while at < day:
        at += 1
        who, purpose = _changes(world, at)
        state[who, purpose] = ~state[who, purpose]
    world.cache["consent_state"] = (state, at)
    return state


def render(world: World, day: int, sink: Sink) -> None:
    p = world.people
    emitter = world.emitter(file_name(world.date_of(day)), "jsonl")
    state = _state_through(world, max(1, day - 1))
    rng = world.rng("consents_detail", day)
    events: list[tuple[int, int, bool, float]] = []
    if day == 1:
        for i in np.flatnonzero(p.enrol_day <= 1):
            back = -float(rng.integers(1, 2000))
            events += [(i, k, True, back) for k in np.flatnonzero(state[i])]
    else:
        for i in np.flatnonzero(p.enrol_day == day):
            events += [(i, k, True, 0.0) for k in np.flatnonzero(state[i])]
        who, purpose = _changes(world, day)
        events += [(i, k, not state[i, k], 0.0) for i, k in zip(who, purpose, strict=True)]
        _state_through(world, day)
    u = rng.random((len(events), 4))
    for (i, k, given, back), v in zip(events, u, strict=True):
        when = day + int(back)
        email, shared = household_email(p, int(i), v[0], world.rates)
        serial = ((p.first_index + int(i)) * 1024 + day + 512) * 4 + int(k)
        event_id = f"CE{scramble(serial, 36, 9):011d}"
        record = {"event_id": event_id, "loyalty_number": p.loyalty_number[i], "email": email,
                  "purpose": PURPOSES[k], "action": "given" if given else "withdrawn",
                  "event_at": world.timestamp(when, v[1] * 86_400),
                  "channel": CHANNELS[int(v[2] * len(CHANNELS))],
                  "policy_version": "2025-11" if when > -60 else "2024-05"}
        emitter.add(event_id, p.person_id[i], json_line(record), shared)
    sink.flush(SOURCE, emitter)
