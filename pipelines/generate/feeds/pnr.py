"""GDS / PNR feed (JSON lines): one PNR per line, as the reservation system sends new bookings.

Day 1 also carries the open bookings made before the window (the initial extract). Passenger
names are typed by whoever booked, loyalty numbers are often missing, and agency bookings carry
the agency's email and phone instead of the traveller's: the identity traps of real PNR data.
"""

from __future__ import annotations

from datetime import date

from pipelines.generate import vocab
from pipelines.generate.bookings import Booking, booking_index
from pipelines.generate.dirt import impossible_date
from pipelines.generate.feeds.common import age_on, json_line, pnr_name
from pipelines.generate.network import load_network
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink
from pipelines.generate.variation import household_email, source_phone
from pipelines.generate.world import World

SOURCE = "pnr"
MEALS = ("VGML", "KSML", "MOML", "DBML", "GFML", "AVML")
CARD_BRANDS = ("VI", "CA", "AX")


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.jsonl"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": ""}


def _passenger(world: World, b: Booking, pos: int, day: int) -> tuple[dict, list[str], list]:
    p, i = world.people, b.pax[pos]
    first, last, applied = pnr_name(world, b, pos)
    u = b.u[pos * 8 : pos * 8 + 8]
    member = p.enrol_day[i] <= max(day, 1)
    show_number = member and u[7] >= world.rates.missing_loyalty_on_pnr
    if member and not show_number:
        applied = [*applied, "missing_loyalty_on_pnr"]
    age = age_on(p.dob[i], world.date_of(b.segments[0].day))
    record = {"pax_id": pos + 1, "first_name": first, "last_name": last,
              "type": "INF" if age < 2 else "CHD" if age < 12 else "ADT",
              "loyalty_number": p.loyalty_number[i] if show_number else None,
              "ticket_number": b.ticket(pos)}
    ssrs = []
    if any(load_network().flights[s.flight].long_haul for s in b.segments):
        dob = p.dob[i].strftime("%d%b%y").upper()
        if u[6] < world.rates.impossible_date:
            dob, applied = impossible_date(u[5], p.dob[i]), [*applied, "impossible_date"]
        docs = (f"P/{p.nationality[i]}/{p.passport[i]}/{p.nationality[i]}/{dob}/"
                f"{'F' if p.female[i] else 'M'}/{last.upper()}/{first.upper()}")
        ssrs.append({"code": "DOCS", "pax_id": pos + 1, "text": docs})
    if age < 12:
        ssrs.append({"code": "CHML", "pax_id": pos + 1, "seg_id": 1})
    elif u[4] < 0.08:
        ssrs.append({"code": MEALS[int(u[3] * len(MEALS))], "pax_id": pos + 1, "seg_id": 1})
    if age > 75 and u[2] < 0.3:
        ssrs.append({"code": ("WCHR", "WCHS", "WCHC")[int(u[1] * 3)], "pax_id": pos + 1})
    if b.outcomes[pos][0].seat and u[0] < 0.35:
        ssrs.append({"code": "RQST", "pax_id": pos + 1, "seg_id": 1,
                     "text": b.outcomes[pos][0].seat})
    return record, applied, ssrs


def _contact(world: World, b: Booking) -> tuple[dict, list[str]]:
    if b.agency >= 0:
        name, email, phone = vocab.TRAVEL_AGENCIES[b.agency]
        return {"type": "agency", "agency": name, "email": email, "phone": phone}, []
    email, applied = household_email(world.people, b.booker, b.u[32], world.rates)
    phone, more = source_phone(world.people, b.booker, b.u[33], b.u[34], world.rates)
    return {"type": "passenger", "email": email, "phone": phone}, applied + more


def _payment(b: Booking) -> dict:
    if b.agency >= 0:
        return {"type": "INV", "agency_iata": f"{63_000_000 + b.agency * 1117:08d}"}
    brand = CARD_BRANDS[int(b.u[35] * 3)]
    last4 = f"{b.number * 7919 % 10_000:04d}"
    return {"type": "CC", "brand": brand, "masked_pan": "X" * 12 + last4,
            "card_token": f"tok_{b.number * 2654435761 % 16**12:012x}"}


def pnr_record(world: World, b: Booking, day: int) -> tuple[dict, list[tuple[str, str, list]]]:
    net = load_network()
    passengers, ssrs, links = [], [], []
    for pos in range(len(b.pax)):
        record, applied, pax_ssrs = _passenger(world, b, pos, day)
        passengers.append(record)
        ssrs.extend(pax_ssrs)
        links.append((f"{b.locator}/{pos + 1}", world.people.person_id[b.pax[pos]], applied))
    contact, contact_dirt = _contact(world, b)
    links[0] = (links[0][0], links[0][1], links[0][2] + contact_dirt)
    segments = []
    for n, s in enumerate(b.segments):
        f = net.flights[s.flight]
        segments.append({"seg_id": n + 1, "carrier": f.number[:2], "flight_number": f.number,
                         "origin": f.origin, "destination": f.destination,
                         "departure_date": world.date_of(s.day).isoformat(),
                         "departure_time": f"{f.departure_minute // 60:02d}:"
                                           f"{f.departure_minute % 60:02d}",
                         "cabin": s.cabin, "rbd": s.rbd, "status": "HK",
                         "fare": {"amount": s.fare * len(b.pax), "currency": "EUR"}})
    record = {"record_locator": b.locator,
              "created_at": world.timestamp(b.created_day, b.created_second),
              "channel": b.channel, "office_id": "AMSMR08AA" if b.agency < 0 else
              f"AGT{b.agency:03d}", "passengers": passengers, "segments": segments,
              "ssrs": ssrs, "contact": contact, "form_of_payment": _payment(b)}
    return record, links


def render(world: World, day: int, sink: Sink) -> None:
    index = booking_index(world)
    emitter = world.emitter(file_name(world.date_of(day)), "jsonl")
    for b in index.created.get(day, ()):
        if b.last_day < 1:
            continue  # travel completed before the window: not in the open-bookings extract
        record, links = pnr_record(world, b, day)
        emitter.add_multi(b.locator, json_line(record), links)
    sink.flush(SOURCE, emitter)
