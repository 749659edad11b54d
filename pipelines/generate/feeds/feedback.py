"""Feedback and cases (JSON lines): complaints, compliments and suggestions with their lifecycle.

Whether a traveller writes, and in which tone, depends on what truly happened on the trip (a
cancellation makes a complaint likely; a smooth trip occasionally earns a compliment). Each case
emits one line per lifecycle event (opened, assigned, escalated, resolved) on the day it happens;
the ``opened`` line carries the free text, which sometimes includes a card number.
"""

from __future__ import annotations

import random
from datetime import date

from pipelines.generate.bookings import Booking, booking_index
from pipelines.generate.dirt import card_number
from pipelines.generate.feeds.common import json_line, pnr_name
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink, csv_line
from pipelines.generate.stories import slots, story_of
from pipelines.generate.text import compose
from pipelines.generate.variation import household_email
from pipelines.generate.world import World

SOURCE = "feedback"
WINDOW = 45  # days from the first flight of a trip to its case's resolution, at most
TRUTH_HEADER = "case_id,person_id,kind,causes,experience,opened_on\n"
CHANNELS = ("web_form", "email", "app", "social")


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.jsonl"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": "",
            f"ground_truth/events/feedback_cases_{day_date.isoformat()}.csv": TRUTH_HEADER}


def case_of(world: World, b: Booking) -> dict | None:
    """The booker's case about this trip, if they open one (deterministic per booking)."""
    s = story_of(world, b)
    r = random.Random(b.number * 7 + world.seed)
    tier = int(world.people.tier[b.booker])
    if s.troubled and r.random() < 0.06 + 0.55 * b.experience:
        kind = "complaint"
    elif not s.troubled and r.random() < 0.01 + 0.006 * tier:
        kind = "compliment"
    elif r.random() < 0.004:
        kind = "suggestion"
    else:
        return None
    opened = s.day + r.randint(0, 4)
    escalate = kind == "complaint" and r.random() < 0.15 + 0.3 * b.experience
    timeline = [("opened", opened, 0.0), ("assigned", opened + r.randint(0, 1), 0.0)]
    if escalate:
        timeline.append(("escalated", timeline[-1][1] + r.randint(1, 3), 0.0))
    timeline.append(("resolved", timeline[-1][1] + r.randint(1, 10), 0.0))
    timeline = _clock(timeline, r)
    return {"kind": kind, "story": s, "timeline": timeline, "seed": r.getrandbits(48),
            "case_id": f"CS-{scramble(b.number, 30, 0xCA5E):010d}", "u": r.random(),
            "channel": CHANNELS[r.randrange(4)]}


Step = tuple[str, int, float]  # event, day, second of the day


def _clock(timeline: list[Step], r: random.Random) -> list[Step]:
    """Second of the day of each step: office hours (08:00-18:00), and a step on the same day as
    the one before comes after it (a case is never assigned before it was opened). One draw per
    step, so the rest of the case's random stream is the same as before this rule existed."""
    timed: list[Step] = []
    for event, day, _ in timeline:
        u = r.random()
        second = u * 36_000 + 28_800
        if timed and timed[-1][1] == day:
            before = timed[-1][2]
            second = before + 60 + u * (86_000 - before - 60)
        timed.append((event, day, second))
    return timed


def _opened(world: World, b: Booking, case: dict, at: str) -> tuple[str, list[str]]:
    p, i = world.people, b.booker
    first, last, applied = pnr_name(world, b, 0)
    email, shared = household_email(p, i, case["u"], world.rates)
    story = case["story"]
    text = compose(case["seed"], case["kind"], story.events,
                   slots(world, b, story, p.phone[i]), f"{first} {last}")
    if case["u"] < world.rates.card_in_text:
        digits = f"{case['seed']:015d}"
        text += f" You can refund to my card {card_number(case['u'] * 7 % 1, digits, 0.5)}."
        applied = [*applied, "card_in_text"]
    record = {"case_id": case["case_id"], "event": "opened", "event_at": at,
              "type": case["kind"], "channel": case["channel"],
              "customer": {"first_name": first, "last_name": last, "email": email,
                           "loyalty_number": p.loyalty_number[i] if p.enrol_day[i] <= 1
                           and case["u"] > 0.4 else None,
                           "social_handle": p.handle[i] if case["channel"] == "social" else None},
              "record_locator": b.locator if case["u"] > 0.3 else None, "text": text}
    return json_line(record), applied + shared


def render(world: World, day: int, sink: Sink) -> None:
    index = booking_index(world)
    emitter = world.emitter(file_name(world.date_of(day)), "jsonl")
    truth = []
    for started in range(day - WINDOW, day + 1):
        for b in index.started.get(started, ()):
            case = case_of(world, b)
            if case is None:
                continue
            person_id = world.people.person_id[b.booker]
            for event, event_day, second in case["timeline"]:
                if event_day != day:
                    continue
                at = world.timestamp(day, second)
                if event == "opened":
                    line, applied = _opened(world, b, case, at)
                    truth.append(csv_line([case["case_id"], person_id, case["kind"],
                                           "|".join(case["story"].events),
                                           f"{b.experience:.2f}", world.date_of(day)]) + "\n")
                else:
                    line, applied = json_line({
                        "case_id": case["case_id"], "event": event, "event_at": at,
                        "team": "escalations" if event == "escalated" else "customer_care",
                        "resolution": ("compensated" if case["story"].cancelled else
                                       "apology" if case["kind"] == "complaint" else "thanked")
                        if event == "resolved" else None}), []
                emitter.add(f"{case['case_id']}/{event}", person_id, line, applied)
    sink.flush(SOURCE, emitter)
    sink.truth(f"ground_truth/events/feedback_cases_{world.date_of(day)}.csv", truth)
