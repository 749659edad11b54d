"""The airline's network and timetable, built from the shipped OpenFlights subset.

Flights follow real routes (see ``reference/NOTICE.md``) and block times come from great-circle
distances between real coordinates. The timetable is one daily flight per directed route, which
keeps flight numbers stable across days: ``MR1234`` on two dates is the same service.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
AIRLINE_CODE = "MR"
AIRLINE_NAME = "Meridian Air"
TICKET_PREFIX = "999"  # numeric airline code on e-tickets and bag tags (fictional)
HUB = "AMS"
CABINS = {"J": ("J", "C", "D", "I", "Z"), "W": ("W", "E", "T"),
          "Y": ("Y", "B", "M", "H", "K", "L", "Q", "V", "N", "G")}


@dataclass(frozen=True)
class Airport:
    iata: str
    name: str
    city: str
    country: str
    lat: float
    lon: float
    tz: str


@dataclass(frozen=True)
class Flight:
    index: int
    number: str
    origin: str
    destination: str
    departure_minute: int      # local-agnostic minute of day (UTC) of scheduled departure
    block_minutes: int
    distance_km: int
    seats: tuple[int, int, int]  # J, W, Y

    @property
    def long_haul(self) -> bool:
        return self.distance_km > 3500


def haversine_km(a: Airport, b: Airport) -> float:
    """Great-circle distance on a 6371 km sphere (what EU261 distance bands use)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlmb = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Network:
    airports: dict[str, Airport]
    flights: tuple[Flight, ...]
    by_route: dict[tuple[str, str], int]
    by_country: dict[str, tuple[str, ...]]  # country name -> airports

    def spokes(self) -> tuple[str, ...]:
        return tuple(sorted(d for (o, d) in self.by_route if o == HUB))


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def load_network() -> Network:
    airports = {
        r["iata"]: Airport(r["iata"], r["name"], r["city"], r["country"], float(r["latitude"]),
                           float(r["longitude"]), r["tz"])
        for r in _read("airports.csv")
    }
    flights = []
    for index, r in enumerate(_read("routes.csv")):
        o, d = airports[r["origin"]], airports[r["destination"]]
        km = haversine_km(o, d)
        long_haul = km > 3500
        # unique: long-haul 600-899, others 1000 + a permutation of 0..899 (7 is coprime to 900)
        number = 600 + index if long_haul else 1000 + index * 7 % 900
        seats = (36, 28, 250) if long_haul else (20, 0, 150) if km > 1200 else (0, 0, 100)
        departure = (6 * 60 + (index * 97) % (15 * 60))  # spread over 06:00-21:00
        block = int(km / 13.5 + 35)  # ~810 km/h plus taxi
        flights.append(Flight(index, f"{AIRLINE_CODE}{number}", o.iata, d.iata, departure,
                              block, int(round(km)), seats))
    by_country: dict[str, list[str]] = {}
    for code in sorted(airports):
        by_country.setdefault(airports[code].country, []).append(code)
    return Network(airports, tuple(flights), {(f.origin, f.destination): f.index for f in flights},
                   {k: tuple(v) for k, v in by_country.items()})
