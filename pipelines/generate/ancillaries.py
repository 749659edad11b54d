"""What a passenger buys on a flight: ancillaries driven by who travels, how, and by habit.

Real ancillary sales are far from random, and the propensity models (issue #6) can only learn
what the data holds. So each purchase probability is a base rate shaped by things the lake can
see before the flight (the trip's cabin and party size, business or leisure, long haul, the
loyalty tier) and by a per-person habit that persists across trips (a habitual seat selector
keeps selecting seats). What is included in a fare or tier is not bought: no extra bag or seat
in business class, no paid lounge for GOLD and above. An upgrade needs a higher cabin on the
aircraft and is bought more by frequent flyers and business travellers.

Draws are keyed hashes of (seed, booking, passenger, segment, code), not a shared stream, so
changing this module never shifts the names, contacts or bookings other feeds draw.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CODES = ("SEAT", "XBAG", "LOUNGE", "WIFI", "MEAL", "UPGR")
BASE_RATE = {"SEAT": 0.18, "XBAG": 0.09, "LOUNGE": 0.05, "WIFI": 0.10, "MEAL": 0.05,
             "UPGR": 0.03}
PRICE = {"SEAT": 25.0, "XBAG": 55.0, "LOUNGE": 45.0, "WIFI": 12.0, "MEAL": 18.0}
HABIT_LEVELS = ((0.35, 0.05), (0.8, 1.0), (1.01, 4.0))  # (habit draw below, multiplier)
MAX_PROBABILITY = 0.9
GOLD = 2  # tier index from which lounge access is included


@dataclass(frozen=True)
class Trip:
    """What the airline knows about one passenger's segment when it sells ancillaries."""

    cabin: str                 # J | W | Y
    business: bool             # the booking is a business trip
    party: int                 # passengers on the booking
    tier: int                  # loyalty tier index (0 = BLUE or not a member)
    long_haul: bool
    higher_cabin: bool         # the aircraft has a cabin above the booked one
    distance_km: int


def unit(*parts: int | str) -> float:
    """A uniform in [0, 1) keyed by ``parts`` (stable across runs and platforms)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def habit(seed: int, person: int, code: str) -> float:
    """The person's lasting taste for ``code``: never (0.05x), usual (1x) or habitual (4x)."""
    draw = unit(seed, "habit", person, code)
    return next(multiplier for below, multiplier in HABIT_LEVELS if draw < below)


def probability(code: str, trip: Trip, taste: float) -> float:
    """Chance that a passenger on ``trip`` with ``taste`` for ``code`` buys it."""
    p = BASE_RATE[code] * taste
    if code == "SEAT":
        p *= (2.0 if trip.party > 1 else 1.0) * (1.3 if trip.business else 1.0)
        p *= 0.0 if trip.cabin == "J" else 0.3 if trip.tier >= GOLD else 1.0
    elif code == "XBAG":
        p *= (0.2 if trip.business else 1.5) * (1.8 if trip.long_haul else 1.0)
        p *= (1.6 if trip.party > 2 else 1.0) * (0.3 if trip.tier >= 1 else 1.0)
        p *= 0.0 if trip.cabin == "J" else 1.0
    elif code == "LOUNGE":
        p *= (3.0 if trip.business else 1.0) * (2.5 if trip.long_haul else 1.0)
        p *= 0.0 if (trip.cabin == "J" or trip.tier >= GOLD) else 1.0
    elif code == "WIFI":
        p *= (2.5 if trip.business else 1.0) if trip.long_haul else 0.0
    elif code == "MEAL":
        p *= (2.0 if trip.long_haul else 1.0) * (0.0 if trip.cabin == "J" else 1.0)
    elif code == "UPGR":
        p *= (1.0 + trip.tier) * (2.0 if trip.business else 1.0)
        p *= (1.5 if trip.long_haul else 1.0) * (1.0 if trip.higher_cabin else 0.0)
    return min(MAX_PROBABILITY, p)


def price(code: str, trip: Trip) -> float:
    """EUR price; an upgrade costs more the longer the flight."""
    if code == "UPGR":
        return round(50.0 + 0.06 * trip.distance_km, 2)
    return PRICE[code]


def purchases(seed: int, booking: int, pax_pos: int, segment: int, person: int,
              trip: Trip) -> list[tuple[str, float]]:
    """``(code, price)`` bought by one passenger on one segment, in :data:`CODES` order."""
    out = []
    for code in CODES:
        chance = probability(code, trip, habit(seed, person, code))
        if chance and unit(seed, booking, pax_pos, segment, code) < chance:
            out.append((code, price(code, trip)))
    return out
