"""Bookings and what really happened on them: the event truth every transactional feed shares.

A booking is drawn once, from the stream of its creation day, together with its consequences
(flown / no-show / rebooked per passenger and segment, bags and whether they were mishandled,
ancillaries and whether they were delivered). Feeds only select what falls on their day, so PNRs,
flown lists, baggage reports, complaints and payouts always agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.generate import ancillaries
from pipelines.generate.network import CABINS, HUB, TICKET_PREFIX, Network, load_network
from pipelines.generate.operations import CANCELLED, DELAY, DIVERTED, day_ops
from pipelines.generate.seeding import scramble
from pipelines.generate.world import World

LOCATOR_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: 6 chars = 30 bits
MAX_PER_SHARD_DAY = 1024
DAY_SLOTS = 1024
_DAY_BASE = 512  # creation day d uses slot d + 512, so history days (<= 0) fit
CHANNELS = ("web", "app", "agency", "call_centre")
MISHANDLED = ("DELAYED", "DAMAGED", "LOST")


@dataclass
class PaxSeg:
    outcome: str                 # FLOWN | NO_SHOW | REBOOKED
    seat: str
    bags: tuple[str, ...]
    mishandled: str = ""         # "" or one of MISHANDLED (on the first bag)
    ancillaries: list[tuple[str, float, str]] = field(default_factory=list)


@dataclass
class Segment:
    flight: int
    day: int
    cabin: str
    rbd: str
    fare: float


@dataclass
class Booking:
    number: int                  # 30-bit id, unique per run
    locator: str
    created_day: int
    created_second: float
    booker: int
    pax: list[int]
    business: bool
    channel: str
    agency: int                  # index into TRAVEL_AGENCIES or -1
    segments: list[Segment]
    outcomes: list[list[PaxSeg]]  # [pax][segment]
    experience: float            # 0 smooth .. 1 awful (truth driving feedback tone)
    u: np.ndarray                # spare uniforms for downstream feeds

    def ticket(self, pax_pos: int) -> str:
        return TICKET_PREFIX + f"{scramble(self.number * 4 + pax_pos, 33, 0x5DEECE):010d}"[-10:]

    @property
    def last_day(self) -> int:
        return max(s.day for s in self.segments) + 1  # +1: a cancelled leg flies the next day


def locator(number: int) -> str:
    value = scramble(number, 30, 0xB5AD4)
    return "".join(LOCATOR_ALPHABET[(value >> (5 * k)) & 31] for k in range(6))


def _legs(net: Network, home: str, dest: str) -> list[int]:
    if (home, dest) in net.by_route:
        return [net.by_route[(home, dest)]]
    return [net.by_route[(home, HUB)], net.by_route[(HUB, dest)]]


def _schedule(net: Network, legs: list[int], day: int) -> list[tuple[int, int]]:
    """(flight, day) per leg; a connection leaving before arrival + 45 min moves to next day."""
    out, ready = [], None
    for leg in legs:
        f = net.flights[leg]
        if ready is not None and f.departure_minute < ready:
            day += 1
        out.append((leg, day))
        ready = f.departure_minute + f.block_minutes + 45
    return out


def _route(net: Network, home: str, u: np.ndarray) -> list[int] | None:
    spokes = [s for s in net.spokes() if s != home]
    dest = HUB if (home != HUB and u[0] < 0.25) else spokes[int(u[1] * len(spokes))]
    if home == HUB or dest == HUB:
        return _legs(net, home, dest) if (home, dest) in net.by_route else None
    if (home, HUB) not in net.by_route or (HUB, dest) not in net.by_route:
        return None
    return _legs(net, home, dest)


def _back(net: Network, legs: list[int]) -> list[int] | None:
    back = [(net.flights[leg].destination, net.flights[leg].origin) for leg in reversed(legs)]
    if all(pair in net.by_route for pair in back):
        return [net.by_route[pair] for pair in back]
    return None


def home_airport(net: Network, country_name: str, u: float) -> str:
    options = net.by_country.get(country_name) or (HUB,)
    return options[int(u * len(options))]


def party(world: World, booker: int, business: bool, u: float) -> list[int]:
    p = world.people
    if business or u < 0.35:
        return [booker]
    head = int(p.household[booker])
    members = [i for i in range(head, min(head + 4, p.size)) if p.household[i] == head]
    return [booker] + [m for m in members if m != booker][: int(u * 10) % 4]


def cabin_and_fare(f, business: bool, tier: int, u: np.ndarray) -> tuple[str, str, float]:
    j_share = (0.3 + 0.1 * tier) if business else 0.03 + 0.02 * tier
    cabin = "J" if (u[0] < j_share and f.seats[0]) else "W" if (u[1] < 0.1 and f.seats[1]) else "Y"
    rbds = CABINS[cabin]
    rbd = rbds[int((u[2] ** (0.6 if business else 1.6)) * len(rbds))]
    per_km = {"J": 0.35, "W": 0.16, "Y": 0.09}[cabin]
    fare = f.distance_km * per_km * (1.8 - rbds.index(rbd) / len(rbds)) + 45
    return cabin, rbd, round(fare, 2)


def tier_on(world: World, person: int, day: int) -> int:
    """The person's loyalty tier index when booking (0 when not a member yet)."""
    p = world.people
    return int(p.tier[person]) if p.enrol_day[person] <= day else 0


def _has_higher_cabin(seats: tuple[int, int, int], cabin: str) -> bool:
    """Whether the aircraft (J, W, Y seats) has a cabin above ``cabin``."""
    above = {"Y": seats[:2], "W": seats[:1], "J": ()}[cabin]
    return any(above)


def outcomes_for(world: World, b: Booking, u: np.ndarray) -> None:
    """Draw what happened to each passenger on each segment, and the trip's experience score."""
    net = load_network()
    worst = 0.0
    k = 0
    for pax_pos, person_index in enumerate(b.pax):
        row, gone = [], False
        tier = tier_on(world, person_index, b.created_day)
        for seg_pos, seg in enumerate(b.segments):
            ops = day_ops(world.seed, seg.day)
            status, delay = int(ops.status[seg.flight]), int(ops.delay_minutes[seg.flight])
            v = u[k : k + 8]
            k = (k + 8) % (len(u) - 8)
            if gone or v[0] < (0.05 if b.business else 0.025):
                gone = True
                row.append(PaxSeg("NO_SHOW", "", ()))
                continue
            outcome = "REBOOKED" if status == CANCELLED else "FLOWN"
            seat = f"{1 + int(v[1] * 40)}{'ABCDEFHJK'[int(v[2] * 9)]}"
            bags = tuple(f"0{TICKET_PREFIX}{scramble(b.number * 16 + pax_pos * 4 + n, 20, 7):06d}"
                         for n in range(int(v[3] * (2.2 if not b.business else 1.3))))
            risk = 0.006 + 0.03 * (len(b.segments) > 2) + (0.05 if delay >= 60 else 0)
            risk += 0.1 if status in (CANCELLED, DIVERTED) else 0
            lost = MISHANDLED[0 if v[5] < 0.8 else 1 if v[5] < 0.95 else 2] if (
                bags and v[4] < risk) else ""
            ps = PaxSeg(outcome, seat, bags, lost)
            flight = net.flights[seg.flight]
            trip = ancillaries.Trip(seg.cabin, b.business, len(b.pax), tier, flight.long_haul,
                                    _has_higher_cabin(flight.seats, seg.cabin),
                                    flight.distance_km)
            person = world.people.first_index + person_index
            for code, price in ancillaries.purchases(world.seed, b.number, pax_pos, seg_pos, person,
                                                     trip):
                broken = status in (CANCELLED, DIVERTED) or (code == "WIFI" and v[7] < 0.1)
                ps.ancillaries.append((code, price, "disrupted" if broken else "fulfilled"))
            row.append(ps)
            bad = {CANCELLED: 0.6, DIVERTED: 0.6}.get(status, 0.0)
            if status == DELAY:
                bad = 0.5 if delay >= 180 else 0.25 if delay >= 60 else 0.05
            bad += {"LOST": 0.6, "DELAYED": 0.35, "DAMAGED": 0.3}.get(lost, 0.0)
            bad += 0.15 * any(a[2] == "disrupted" for a in ps.ancillaries)
            worst = max(worst, bad)
        b.outcomes.append(row)
    b.experience = min(1.0, worst)
