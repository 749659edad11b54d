"""Mainframe extracts via the enterprise data hub (fixed width, layouts in ``conf/feeds/``).

Four files per day: operated flight legs and the revenue-management forecast (global, written by
shard 0), and per-passenger flown status and ancillaries (every shard). Passengers of a cancelled
leg appear as involuntarily rebooked (IR) and again as flown on the next day's flight.
"""

from __future__ import annotations

from datetime import date

from pipelines.generate.bookings import booking_index
from pipelines.generate.copybook import load_layout
from pipelines.generate.feeds.common import dcs_name, flight_label, hhmm, pnr_name, ymd
from pipelines.generate.network import CABINS, load_network
from pipelines.generate.operations import STATUSES, day_ops
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink, csv_line
from pipelines.generate.world import World

SOURCE = "edh"
KINDS = ("flight_legs", "pax", "ancillaries", "forecast")
FLOWN_CODES = {"FLOWN": "FL", "NO_SHOW": "NS", "REBOOKED": "IR"}
LEGS_TRUTH_HEADER = "flight_number,flight_date,status,delay_minutes,delay_cause,diverted_to\n"


def file_name(kind: str, day_date: date) -> str:
    return f"{SOURCE}_{kind}_{day_date.isoformat()}.txt"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    out = {f"landing/{SOURCE}/{file_name(kind, day_date)}": "" for kind in KINDS}
    out[f"ground_truth/events/flight_legs_{day_date.isoformat()}.csv"] = LEGS_TRUTH_HEADER
    return out


def _legs(world: World, day: int, sink: Sink) -> None:
    layout, net, ops = load_layout("edh_flight_legs"), load_network(), day_ops(world.seed, day)
    emitter = world.emitter(file_name("flight_legs", world.date_of(day)), "fixed")
    truth = []
    for f in net.flights:
        carrier, number, origin, dest = flight_label(f.index)
        status = STATUSES[ops.status[f.index]]
        values = {"record_type": "FL", "carrier": carrier, "flight_number": number,
                  "flight_date": ymd(world, day), "origin": origin, "destination": dest,
                  "sched_dep": hhmm(f.departure_minute),
                  "sched_arr": hhmm(f.departure_minute + f.block_minutes), "status": status,
                  "delay_minutes": ops.delay_minutes[f.index], "delay_cause": ops.cause[f.index],
                  "gate": ops.gate[f.index], "diverted_to": ops.diverted_to[f.index],
                  "seats": sum(f.seats)}
        key = f"{f.number}/{ymd(world, day)}"
        emitter.add_multi(key, layout.format(values), [])
        truth.append(csv_line([f.number, world.date_of(day), status, ops.delay_minutes[f.index],
                               ops.cause[f.index], ops.diverted_to[f.index]]) + "\n")
    sink.flush(SOURCE, emitter)
    sink.truth(f"ground_truth/events/flight_legs_{world.date_of(day)}.csv", truth)


def _pax_and_ancillaries(world: World, day: int, sink: Sink) -> None:
    index, people = booking_index(world), world.people
    pax_layout, anc_layout = load_layout("edh_pax"), load_layout("edh_ancillaries")
    pax_out = world.emitter(file_name("pax", world.date_of(day)), "fixed")
    anc_out = world.emitter(file_name("ancillaries", world.date_of(day)), "fixed")
    rows = [(b, n, day) for b, n in index.flying.get(day, ())]
    rows += [(b, n, day - 1) for b, n in index.flying.get(day - 1, ())
             if any(o[n].outcome == "REBOOKED" for o in b.outcomes)]
    for b, n, flight_day in rows:
        seg = b.segments[n]
        carrier, number, origin, dest = flight_label(seg.flight)
        for pos, person in enumerate(b.pax):
            ps = b.outcomes[pos][n]
            if flight_day != day and ps.outcome != "REBOOKED":
                continue
            code = "FL" if flight_day != day else FLOWN_CODES[ps.outcome]
            first, last, applied = pnr_name(world, b, pos)
            surname, given = dcs_name(first, last)
            ticket = b.ticket(pos)
            member = people.enrol_day[person] <= day
            values = {"record_type": "PX", "carrier": carrier, "flight_number": number,
                      "flight_date": ymd(world, day), "origin": origin, "destination": dest,
                      "record_locator": b.locator, "ticket_number": ticket, "surname": surname,
                      "given_name": given, "cabin": seg.cabin, "rbd": seg.rbd,
                      "seat": ps.seat if code == "FL" else "", "flown_status": code,
                      "rebooked_from": ymd(world, flight_day) if flight_day != day else "",
                      "bag_count": len(ps.bags) if code == "FL" else 0,
                      "loyalty_number": people.loyalty_number[person] if member else ""}
            for k, tag in enumerate(ps.bags[:3] if code == "FL" else ()):
                values[f"bag_tag_{k + 1}"] = tag
            key = f"{ticket}/{carrier}{number}/{ymd(world, day)}"
            pax_out.add(key, people.person_id[person], pax_layout.format(values), applied)
            if flight_day != day:
                continue
            for anc, price, status in ps.ancillaries:
                values = {"record_type": "AN", "record_locator": b.locator,
                          "ticket_number": ticket, "carrier": carrier, "flight_number": number,
                          "flight_date": ymd(world, day), "ancillary_code": anc, "price": price,
                          "currency": "EUR", "status": status}
                anc_out.add(f"{key}/{anc}", people.person_id[person], anc_layout.format(values))
    sink.flush(SOURCE, pax_out)
    sink.flush(SOURCE, anc_out)


def _forecast(world: World, day: int, sink: Sink) -> None:
    layout, net = load_layout("edh_forecast"), load_network()
    emitter = world.emitter(file_name("forecast", world.date_of(day)), "fixed")
    rng = world.rng("forecast", day)
    for ahead in (1, 2, 3):
        for f in net.flights:
            carrier, number, origin, dest = flight_label(f.index)
            for cabin, seats in zip("JWY", f.seats, strict=True):
                if not seats:
                    continue
                load = min(1.0, rng.beta(6, 2))
                shares = rng.dirichlet([3.0] * len(CABINS[cabin]))
                for rbd, share in zip(CABINS[cabin], shares, strict=True):
                    values = {"record_type": "FC", "carrier": carrier, "flight_number": number,
                              "flight_date": ymd(world, day + ahead), "origin": origin,
                              "destination": dest, "cabin": cabin, "rbd": rbd, "capacity": seats,
                              "expected_load": round(seats * load * share),
                              "load_factor": load * 100, "forecast_date": ymd(world, day)}
                    key = f"{f.number}/{ymd(world, day + ahead)}/{rbd}"
                    emitter.add_multi(key, layout.format(values), [])
    sink.flush(SOURCE, emitter)


def render(world: World, day: int, sink: Sink) -> None:
    if world.shard == 0:
        _legs(world, day, sink)
        _forecast(world, day, sink)
    _pax_and_ancillaries(world, day, sink)
