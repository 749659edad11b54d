"""Contact-centre interactions (JSON lines): calls, emails, chats and social DMs with transcripts.

Disrupted travellers get in touch within a few days (the reason and a low CSAT follow the
story); everyone else calls now and then about routine things. Transcripts contain what real
ones do: names, phone numbers, booking references and, sometimes, a full card number read out.
"""

from __future__ import annotations

import random
from datetime import date

from pipelines.generate.bookings import booking_index
from pipelines.generate.dirt import card_number
from pipelines.generate.feeds.common import json_line
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Emitter, Sink
from pipelines.generate.stories import slots, story_of
from pipelines.generate.text import STAFF, compose
from pipelines.generate.variation import UNIFORMS, household_email, source_name, source_phone
from pipelines.generate.world import World

SOURCE = "contact_centre"
CHANNELS = ("call", "call", "email", "chat", "social")
ROUTINE = ("booking_change", "baggage_allowance", "points_query", "refund_status",
           "seat_request", "special_assistance", "invoice_request")
ROUTINE_LINES = {
    "booking_change": "I need to move my flight to a later date.",
    "baggage_allowance": "How many bags can I take on my ticket?",
    "points_query": "My points from the last trip are not showing.",
    "refund_status": "I am still waiting for the refund you promised.",
    "seat_request": "Can I get an aisle seat please?",
    "special_assistance": "My mother needs a wheelchair at the airport.",
    "invoice_request": "I need an invoice for my company.",
}
REASON_OF = {"cancelled": "disruption_cancellation", "delayed": "disruption_delay",
             "diverted": "disruption_diversion", "bag_lost": "baggage_mishandled",
             "bag_delayed": "baggage_mishandled", "bag_damaged": "baggage_damaged",
             "ancillary": "ancillary_not_delivered"}


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.jsonl"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": ""}


def _interaction(world: World, emitter: Emitter, day: int, key: str, person: int,
                 r: random.Random, reason: str, complaint: str, pnr: str | None) -> None:
    p = world.people
    u = [r.random() for _ in range(UNIFORMS + 4)]
    first, last, applied = source_name(p, person, u[:UNIFORMS], world.rates)
    phone, more = source_phone(p, person, u[UNIFORMS], u[UNIFORMS + 1], world.rates)
    email, shared = household_email(p, person, u[UNIFORMS + 2], world.rates)
    channel = CHANNELS[r.randrange(len(CHANNELS))] if p.handle[person] else CHANNELS[r.randrange(4)]
    agent = r.choice(STAFF[:6])
    lines = [f"Agent: Meridian Air, {agent} speaking, how can I help?",
             f"Customer: Hi, this is {first} {last}. {complaint}"]
    if pnr:
        lines.append(f"Customer: My booking reference is {pnr}.")
    if r.random() < 0.5:
        lines.append(f"Agent: Can I reach you on {phone}? Customer: Yes, that's right.")
    if u[UNIFORMS + 3] < world.rates.card_in_text:
        digits = f"{r.getrandbits(50):016d}"
        card = card_number(r.random(), digits, r.random())
        lines.append(f"Customer: Just charge my card, the number is {card}.")
        applied = [*applied, "card_in_text"]
    lines.append(r.choice(["Agent: I have logged this for you.", "Agent: I am sorry about that.",
                           "Agent: I will pass this to the claims team.", "Agent: Done."]))
    started = r.random() * 50_000 + 25_000
    troubled = reason.startswith(("disruption", "baggage", "ancillary"))
    csat = None if r.random() < 0.4 else max(1, min(5, round(
        (2.2 if troubled else 4.2) + r.gauss(0, 0.9))))
    record = {"interaction_id": key, "channel": channel,
              "started_at": world.timestamp(day, started),
              "ended_at": world.timestamp(day, started + 60 + r.random() * 1500),
              "agent_id": f"AG{100 + STAFF.index(agent):04d}", "reason": reason, "csat": csat,
              "customer": {"name": f"{first} {last}", "phone": phone, "email": email,
                           "loyalty_number": p.loyalty_number[person]
                           if p.enrol_day[person] <= day and r.random() < 0.5 else None,
                           "social_handle": p.handle[person] if channel == "social" else None},
              "record_locator": pnr, "transcript": "\n".join(lines)}
    emitter.add(key, p.person_id[person], json_line(record), applied + more + shared)


def render(world: World, day: int, sink: Sink) -> None:
    p, index = world.people, booking_index(world)
    emitter = world.emitter(file_name(world.date_of(day)), "jsonl")
    for started in range(day - 45, day + 1):
        for b in index.started.get(started, ()):
            s = story_of(world, b)
            r = random.Random(b.number * 13 + world.seed)
            if not s.troubled or r.random() >= 0.2 + 0.5 * b.experience:
                continue
            if s.day + r.randint(0, 2) != day:
                continue
            text = compose(r.getrandbits(48), "complaint", s.events[:1], slots(world, b, s))
            key = f"IXD{scramble(b.number, 30, 0x1C):010d}"
            _interaction(world, emitter, day, key, b.booker, r, REASON_OF[s.events[0]], text,
                         b.locator if r.random() < 0.7 else None)
    rng = world.rng("contacts", day)
    who = (rng.random(p.size) < world.activity.contacts_per_day).nonzero()[0]
    for k, person in enumerate(who):
        r = random.Random(int(rng.integers(1 << 62)))
        reason = ROUTINE[r.randrange(len(ROUTINE))]
        serial = scramble((world.shard * 1024 + day + 512) * 4096 + k, 36, 0x2C)
        _interaction(world, emitter, day, f"IXR{serial:011d}", int(person), r, reason,
                     ROUTINE_LINES[reason], None)
    sink.flush(SOURCE, emitter)
