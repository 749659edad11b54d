"""What a trip was like for its booker, in the terms customers complain (or rave) about.

Complaints, calls, posts and payouts all react to the same story, so the behaviour that lands in
different feeds is coherent, and the ground truth can name the cause of every complaint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.generate.bookings import Booking
from pipelines.generate.network import load_network
from pipelines.generate.operations import CANCELLED, DELAY, DIVERTED, day_ops
from pipelines.generate.world import World


@dataclass
class Story:
    events: list[str] = field(default_factory=list)   # keys of text.EVENTS, worst first
    day: int = 0                                      # day of the first trouble (or last flight)
    segment: int = 0
    delay_minutes: int = 0
    cancelled: bool = False
    bag_tag: str = ""
    extra: str = ""

    @property
    def troubled(self) -> bool:
        return bool(self.events)


def story_of(world: World, b: Booking, pos: int = 0) -> Story:
    """Events that happened to passenger ``pos`` of ``b`` (cached on the booking)."""
    cache = b.__dict__.setdefault("_stories", {})
    if pos in cache:
        return cache[pos]
    s = Story(day=b.segments[-1].day, segment=len(b.segments) - 1)
    for n, seg in enumerate(b.segments):
        ps = b.outcomes[pos][n]
        if ps.outcome == "NO_SHOW":
            break
        ops = day_ops(world.seed, seg.day)
        status, delay = int(ops.status[seg.flight]), int(ops.delay_minutes[seg.flight])
        found = []
        if status == CANCELLED:
            found.append("cancelled")
            s.cancelled = True
        elif status == DIVERTED:
            found.append("diverted")
        elif status == DELAY and delay >= 60:
            found.append("delayed")
        if ps.mishandled:
            found.append({"LOST": "bag_lost", "DELAYED": "bag_delayed"}.get(ps.mishandled,
                                                                             "bag_damaged"))
            s.bag_tag = ps.bags[0]
        broken = [a[0] for a in ps.ancillaries if a[2] == "disrupted"]
        if broken:
            found.append("ancillary")
            s.extra = broken[0]
        if found and not s.events:
            s.day, s.segment = seg.day, n
        s.delay_minutes = max(s.delay_minutes, delay)
        s.events.extend(e for e in found if e not in s.events)
    cache[pos] = s
    return s


EXTRA_NAMES = {"SEAT": "seat reservation", "XBAG": "extra bag", "LOUNGE": "lounge access",
               "WIFI": "wifi package", "MEAL": "meal upgrade", "UPGR": "cabin upgrade",
               "": "extra"}


def slots(world: World, b: Booking, s: Story, phone: str = "") -> dict[str, object]:
    """Values for the text templates (flight, cities, hours...)."""
    net = load_network()
    f = net.flights[b.segments[s.segment].flight]
    return {"flight": f.number, "origin": net.airports[f.origin].city,
            "dest": net.airports[f.destination].city,
            "when": ("yesterday", "last week", "on " + world.date_of(s.day).strftime("%d %B"),
                     "this morning")[b.number % 4],
            "hours": max(1, round(s.delay_minutes / 60)), "minutes": s.delay_minutes,
            "tag": s.bag_tag or "unknown", "days": 1 + b.number % 5,
            "extra": EXTRA_NAMES.get(s.extra, "extra"), "amount": 25 + b.number % 400,
            "phone": phone or "my mobile", "pnr": b.locator}
