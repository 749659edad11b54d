"""Mishandled-baggage reports (CSV), filed at the arrival station on the day of the flight.

Bags go astray more on connections, delays and cancellations (see ``trips.outcomes_for``), so
the reports line up with the flight legs and with the complaints that follow.
"""

from __future__ import annotations

from datetime import date

from pipelines.generate.bookings import booking_index
from pipelines.generate.feeds.common import pnr_name
from pipelines.generate.network import load_network
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink, csv_line
from pipelines.generate.variation import household_email, source_phone
from pipelines.generate.world import World

SOURCE = "baggage"
COLUMNS = ("report_id", "reported_at", "station", "report_type", "bag_tag", "record_locator",
           "flight_number", "flight_date", "passenger_name", "phone", "email", "delivery_address",
           "bag_description", "status")
DESCRIPTIONS = ("black hard-shell trolley", "blue soft suitcase", "red duffel bag",
                "grey Samsonite spinner", "green backpack", "silver aluminium case",
                "purple suitcase with yellow ribbon", "golf bag", "child seat", "pram")


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.csv"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": ",".join(COLUMNS) + "\n"}


def render(world: World, day: int, sink: Sink) -> None:
    p, net = world.people, load_network()
    emitter = world.emitter(file_name(world.date_of(day)), "csv")
    for b, n in booking_index(world).flying.get(day, ()):
        f = net.flights[b.segments[n].flight]
        for pos, person in enumerate(b.pax):
            ps = b.outcomes[pos][n]
            if not ps.mishandled:
                continue
            first, last, applied = pnr_name(world, b, pos)
            u = world.rng(f"bag:{b.number}:{pos}:{n}").random(6)
            phone, more = source_phone(p, person, u[0], u[1], world.rates)
            email, shared = household_email(p, person, u[2], world.rates)
            serial = scramble(b.number * 32 + pos * 8 + n, 30, 0xBA6)
            report_id = f"{f.destination}MR{serial:010d}"
            address = f"{p.street[person]}, {p.postcode[person]} {p.city[person]}"
            row = [report_id, world.timestamp(day, 8 * 3600 + u[3] * 50_000), f.destination,
                   ps.mishandled, ps.bags[0], b.locator, f.number, world.date_of(day),
                   f"{last.upper()}/{first.upper()}", phone, email,
                   address if u[4] < 0.8 else "hotel: " + net.airports[f.destination].city,
                   DESCRIPTIONS[int(u[5] * len(DESCRIPTIONS))], "OPEN"]
            emitter.add(report_id, p.person_id[person], csv_line(row), applied + more + shared)
    sink.flush(SOURCE, emitter)
