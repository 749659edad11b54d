"""Airports and great-circle distances (EU261 Art. 7(4): "the great circle route method").

Coordinates come from ``conf/reference/airports.csv``; an airport missing there is reported as
unknown (the caller turns that into ``needs_review``), never estimated.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

EARTH_RADIUS_KM = 6371.0  # mean Earth radius; the usual basis of EU261 distance calculators


@dataclass(frozen=True)
class Airport:
    iata: str
    country: str
    latitude: float
    longitude: float


@lru_cache(maxsize=4)
def load_airports(path: Path) -> dict[str, Airport]:
    """IATA code -> airport, from the reference CSV (columns iata, country, latitude, longitude)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["iata"].strip().upper(): Airport(
            row["iata"].strip().upper(), row["country"].strip(), float(row["latitude"]),
            float(row["longitude"])) for row in csv.DictReader(handle)}


def great_circle_km(a: Airport, b: Airport) -> float:
    """Great-circle (haversine) distance in km, via scikit-learn's haversine implementation."""
    from math import radians

    from sklearn.metrics.pairwise import haversine_distances

    points = [[radians(a.latitude), radians(a.longitude)],
              [radians(b.latitude), radians(b.longitude)]]
    return float(haversine_distances(points)[0, 1]) * EARTH_RADIUS_KM
