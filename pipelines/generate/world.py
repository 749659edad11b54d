"""One shard's world: its people, the options, and the random stream for every (feed, day) cell.

Feeds read from the world and never keep state of their own; what evolves over days (loyalty
tiers, addresses, bookings) is derived here from per-day streams, so any single day can be
rebuilt without the others having been written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from pipelines.generate.people import Shard, build_shard
from pipelines.generate.seeding import stream
from pipelines.generate.settings import Activity, DirtRates
from pipelines.generate.sink import Emitter

HOME_TZ = ZoneInfo("Europe/Amsterdam")


@dataclass
class World:
    seed: int
    shard: int
    size: int
    start: date
    rates: DirtRates
    activity: Activity
    last_day: int = 1  # last file day this world renders (bounds the bookings drawn)
    cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def people(self) -> Shard:
        return build_shard(self.seed, self.shard, self.size, self.activity, self.start)

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day - 1)

    def rng(self, name: str, day: int = 0) -> np.random.Generator:
        return stream(self.seed, name, self.shard, day)

    def emitter(self, file_name: str, fmt: str) -> Emitter:
        return Emitter(file_name, fmt, self.rng("dirt:" + file_name), self.rates)

    def timestamp(self, day: int, seconds: float, tz: ZoneInfo = HOME_TZ) -> str:
        """ISO 8601 with the local offset of ``tz`` for a moment ``seconds`` into ``day``."""
        moment = datetime.combine(self.date_of(day), time(), tz) + timedelta(seconds=int(seconds))
        return moment.isoformat(timespec="seconds")
