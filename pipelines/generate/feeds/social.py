"""Social mentions (JSON lines): short public posts about the airline.

Disrupted travellers vent on the day it happens; others post the odd compliment or question.
Posts carry only a handle: people who also gave that handle in a chat or feedback form can be
matched, the rest (a throwaway handle) cannot - the ground truth still knows who they are.
"""

from __future__ import annotations

import random
from datetime import date

from pipelines.generate.bookings import booking_index
from pipelines.generate.feeds.common import json_line
from pipelines.generate.network import load_network
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Emitter, Sink
from pipelines.generate.stories import slots, story_of
from pipelines.generate.text import social_post
from pipelines.generate.world import World

SOURCE = "social"
PLATFORMS = ("x", "instagram", "threads", "bluesky")


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.jsonl"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": ""}


def _post(world: World, emitter: Emitter, day: int, person: int, post_id: str,
          r: random.Random, mood: str, fill: dict[str, object]) -> None:
    p = world.people
    handle = p.handle[person] or f"@user{scramble(p.first_index + person, 32, 0x50C):010d}"
    display = r.choice([p.first_name[person], f"{p.first_name[person]} {p.last_name[person][0]}.",
                        "", f"{p.first_name[person]} {p.last_name[person]}"])
    record = {"post_id": post_id, "platform": PLATFORMS[r.randrange(len(PLATFORMS))],
              "posted_at": world.timestamp(day, r.random() * 86_400), "handle": handle,
              "display_name": display or None, "text": social_post(r.getrandbits(48), mood, fill),
              "likes": int(r.paretovariate(1.2)) - 1, "reposts": int(r.paretovariate(2.0)) - 1}
    emitter.add(post_id, p.person_id[person], json_line(record))


def render(world: World, day: int, sink: Sink) -> None:
    p, index, net = world.people, booking_index(world), load_network()
    emitter = world.emitter(file_name(world.date_of(day)), "jsonl")
    for b in [b for d in range(day - 30, day + 1) for b in index.started.get(d, ())]:
        s = story_of(world, b)
        r = random.Random(b.number * 17 + world.seed)
        if s.troubled and s.day == day and r.random() < 0.04 + 0.12 * b.experience:
            post_id = f"SM{scramble(b.number, 34, 0x50):011d}"
            _post(world, emitter, day, b.booker, post_id, r, "negative", slots(world, b, s))
    rng = world.rng("social", day)
    for k, person in enumerate((rng.random(p.size) < world.activity.social_posts_per_day)
                               .nonzero()[0]):
        r = random.Random(int(rng.integers(1 << 62)))
        f = net.flights[r.randrange(len(net.flights))]
        fill = {"flight": f.number, "origin": net.airports[f.origin].city,
                "dest": net.airports[f.destination].city, "hours": 0}
        serial = scramble((world.shard * 1024 + day + 512) * 4096 + k, 36, 0x5B)
        _post(world, emitter, day, int(person), f"SB{serial:011d}", r,
              "positive" if r.random() < 0.6 else "neutral", fill)
    sink.flush(SOURCE, emitter)
