"""Helpers several feeds share: how a booking's passengers are named, JSON lines, flight labels."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache

from pipelines.generate.bookings import Booking
from pipelines.generate.network import AIRLINE_CODE, load_network
from pipelines.generate.text_utils import ascii_fold
from pipelines.generate.variation import source_name
from pipelines.generate.world import World


def pnr_name(world: World, b: Booking, pos: int) -> tuple[str, str, list[str]]:
    """The passenger's name as typed into the booking (the DCS and EDH inherit it)."""
    return source_name(world.people, b.pax[pos], b.u[pos * 8 : pos * 8 + 8], world.rates)


def dcs_name(first: str, last: str) -> tuple[str, str]:
    """Departure control keeps upper-case ASCII only (``Müller`` becomes ``MULLER``)."""
    return ascii_fold(last).upper(), ascii_fold(first).upper()


def json_line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def flight_label(index: int) -> tuple[str, str, str, str]:
    """(carrier, number digits, origin, destination) of a flight."""
    f = load_network().flights[index]
    return AIRLINE_CODE, f.number[len(AIRLINE_CODE):], f.origin, f.destination


def hhmm(minute: int) -> str:
    minute %= 24 * 60
    return f"{minute // 60:02d}{minute % 60:02d}"


def ymd(world: World, day: int) -> str:
    return _ymd(world.start, day)


@lru_cache(maxsize=4096)
def _ymd(start: date, day: int) -> str:
    return (start + timedelta(days=day - 1)).strftime("%Y%m%d")


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def plus_days(d: date, n: int) -> date:
    return d + timedelta(days=n)
