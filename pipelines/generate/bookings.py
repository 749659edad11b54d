"""Draw the bookings a shard's customers make on each creation day, and index them by event day.

Creation days run from ``1 - history_days`` (bookings already open when the feeds start) to the
last day asked for. Each day has its own stream, so the bookings of a day never depend on how
many days are generated; the per-day indexes let each feed find its records without scanning.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from pipelines.errors import LakehouseError
from pipelines.generate import vocab
from pipelines.generate.network import load_network
from pipelines.generate.trips import (
    _DAY_BASE,
    DAY_SLOTS,
    MAX_PER_SHARD_DAY,
    Booking,
    Segment,
    _back,
    _route,
    _schedule,
    cabin_and_fare,
    home_airport,
    locator,
    outcomes_for,
    party,
    tier_on,
)
from pipelines.generate.world import World

SPARE_UNIFORMS = 40  # 8 per passenger (names) + 8 per booking


@dataclass
class BookingIndex:
    created: dict[int, list[Booking]] = field(default_factory=lambda: defaultdict(list))
    flying: dict[int, list[tuple[Booking, int]]] = field(default_factory=lambda: defaultdict(list))
    started: dict[int, list[Booking]] = field(default_factory=lambda: defaultdict(list))


def _number(world: World, day: int, k: int) -> int:
    slot = day + _DAY_BASE
    if not 0 <= slot < DAY_SLOTS or world.shard >= 1024:
        raise LakehouseError(
            f"day {day} / shard {world.shard} is outside the record-locator space",
            "generate at most ~500 days and ~5M customers per run",
        )
    return (world.shard * DAY_SLOTS + slot) * MAX_PER_SHARD_DAY + k


def bookings_on(world: World, day: int) -> list[Booking]:
    """Bookings created on ``day`` by this shard's customers (with their outcomes)."""
    p, a, net = world.people, world.activity, load_network()
    rng = world.rng("bookings", day)
    who = np.flatnonzero(rng.random(p.size) < a.bookings_per_day * p.frequency)
    who = who[:MAX_PER_SHARD_DAY]
    out = []
    for k, i in enumerate(who):
        u = rng.random(16)
        spare = rng.random(SPARE_UNIFORMS)
        detail = rng.random(64)
        business = bool(u[0] < p.business[i] * 1.6)
        country = vocab.CULTURES[p.culture[i]].country_name
        home = home_airport(net, country, (p.first_index + i) % 97 / 97)
        legs = _route(net, home, u[1:3])
        if legs is None:
            continue
        lead = int(min(a.max_lead_days, rng.geometric(1 / (6 if business else 20))))
        travel = day + lead
        trip = _schedule(net, legs, travel)
        back = _back(net, legs) if u[3] > 0.15 else None
        if back:
            stay = 1 + int(u[4] * (4 if business else 14))
            trip += _schedule(net, back, trip[-1][1] + stay)
        tier = tier_on(world, int(i), day)
        segments = []
        for n, (leg, when) in enumerate(trip):
            one_cabin = np.r_[detail[:2], detail[2 + n]]  # one cabin choice for the trip
            cabin, rbd, fare = cabin_and_fare(net.flights[leg], business, tier, one_cabin)
            segments.append(Segment(leg, when, cabin, rbd, fare))
        # the agency share is a dirt knob: agency PNRs carry the agency's contact, not the flyer's
        via_agency = u[5] < world.rates.agency_contact_on_pnr
        channel = "agency" if via_agency else ("web", "app", "call_centre")[int(u[6] * 3)]
        agency = int(u[7] * len(vocab.TRAVEL_AGENCIES)) if via_agency else -1
        number = _number(world, day, k)
        b = Booking(number, locator(number), day, float(u[8] * 86_400), int(i),
                    party(world, int(i), business, float(u[9])), business, channel, agency,
                    segments, [], 0.0, spare)
        outcomes_for(world, b, detail[24:])
        out.append(b)
    return out


def booking_index(world: World) -> BookingIndex:
    """Bookings created in ``[1 - history_days, world.last_day]``, indexed by event day (cached).

    Events of day ``d`` only come from bookings created on or before ``d``, so the index for
    a day is the same whatever ``last_day`` is.
    """
    cached = world.cache.get("booking_index")
    if cached is not None:
        return cached
    index = BookingIndex()
    for day in range(1 - world.activity.history_days, world.last_day + 1):
        for b in bookings_on(world, day):
            index.created[max(day, 1)].append(b)
            for n, seg in enumerate(b.segments):
                index.flying[seg.day].append((b, n))
            index.started[b.segments[0].day].append(b)
    world.cache["booking_index"] = index
    return index
