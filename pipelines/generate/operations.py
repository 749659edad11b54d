"""What truly happened to each flight on each day: on time, delayed, cancelled or diverted.

Leg outcomes are global (the same for every shard), drawn from a stream keyed by day only, and
cached per process. Every passenger consequence (rebooking, compensation, complaints) derives
from these, which is what gives the behavioural feeds their signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipelines.generate.network import load_network
from pipelines.generate.seeding import stream

STATUSES = ("On Time", "Delay", "Cancelled", "Diverted")
ON_TIME, DELAY, CANCELLED, DIVERTED = range(4)
# IATA delay code groups: 11-19 passenger/baggage, 41-48 technical, 71-77 weather,
# 81-89 ATC/airport, 93 late inbound aircraft
DELAY_CAUSES = ("15", "41", "46", "71", "73", "81", "87", "89", "93")
_CAUSE_P = (0.08, 0.14, 0.06, 0.1, 0.05, 0.17, 0.08, 0.07, 0.25)


@dataclass(frozen=True)
class DayOps:
    status: np.ndarray         # per flight index
    delay_minutes: np.ndarray  # arrival delay; 0 unless Delay or Diverted
    cause: tuple[str, ...]     # IATA delay code or ""
    gate: tuple[str, ...]
    diverted_to: tuple[str, ...]


@lru_cache(maxsize=256)
def day_ops(seed: int, day: int) -> DayOps:
    """Outcome of every scheduled flight on ``day`` (1-based; history days are <= 0)."""
    network = load_network()
    n = len(network.flights)
    rng = stream(seed, "flight_ops", 0, day)
    u = rng.random(n)
    weather = rng.random() < 0.15  # a bad-weather day raises disruption for everyone
    cancel_p, delay_p, divert_p = (0.07, 0.35, 0.01) if weather else (0.02, 0.17, 0.004)
    status = np.full(n, ON_TIME)
    status[u < delay_p + cancel_p + divert_p] = DELAY
    status[u < cancel_p + divert_p] = CANCELLED
    status[u < divert_p] = DIVERTED
    delay = np.where(status == DELAY, 15 + rng.gamma(1.3, 45, n), 0).astype(int)
    delay = np.where(status == DIVERTED, 120 + rng.integers(0, 240, n), delay)
    cause_idx = rng.choice(len(DELAY_CAUSES), size=n, p=_CAUSE_P)
    cause = tuple(DELAY_CAUSES[c] if s in (DELAY, CANCELLED, DIVERTED) else ""
                  for c, s in zip(cause_idx, status, strict=True))
    piers = "BCDEFGH"
    gates = rng.integers(1, 40, n)
    pier = rng.integers(0, len(piers), n)
    gate = tuple(f"{piers[p]}{g}" for p, g in zip(pier, gates, strict=True))
    spokes = network.spokes()
    alt = rng.integers(0, len(spokes), n)
    diverted_to = tuple(spokes[a] if s == DIVERTED else ""
                        for a, s in zip(alt, status, strict=True))
    return DayOps(status, delay, cause, gate, diverted_to)


def eu261_amount(distance_km: int, delay_minutes: int, cancelled: bool) -> int:
    """EU261 compensation in EUR (0 if not eligible): 250/400/600 by distance band."""
    if not cancelled and delay_minutes < 180:
        return 0
    if distance_km <= 1500:
        return 250
    if distance_km <= 3500:
        return 400
    return 600
