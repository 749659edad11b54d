"""The feeds, in render order. Each module has ``SOURCE``, ``files(day, day_date, rates)`` (paths
with header lines) and ``render(world, day, sink)``; the engine needs nothing else."""

from __future__ import annotations

from pipelines.generate.feeds import (
    baggage,
    compensation,
    consents,
    contact_centre,
    edh,
    feedback,
    loyalty,
    persons,
    pnr,
    purchases,
    social,
)

REGISTRY = (persons, loyalty, pnr, edh, contact_centre, purchases, feedback, baggage,
            compensation, consents, social)
SOURCES = tuple(feed.SOURCE for feed in REGISTRY if feed is not persons)
