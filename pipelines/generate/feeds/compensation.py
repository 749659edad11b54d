"""Compensation payouts from Finance (CSV): EU261 for cancellations and long delays, goodwill.

Payouts follow the true flight outcome with a claim lag of one to six weeks, so the day-1 files
already carry payouts for disruptions before the window (history). Finance keys on the bank
account holder's name, which need not match how the passenger was booked.
"""

from __future__ import annotations

from datetime import date

from pipelines.generate.bookings import booking_index
from pipelines.generate.feeds.common import pnr_name
from pipelines.generate.network import load_network
from pipelines.generate.operations import CANCELLED, day_ops, eu261_amount
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink, csv_line
from pipelines.generate.world import World

SOURCE = "compensation"
COLUMNS = ("payout_id", "paid_on", "beneficiary_name", "iban", "amount", "currency", "reason",
           "flight_number", "flight_date", "record_locator", "ticket_number")
MIN_LAG, MAX_LAG = 7, 42


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.csv"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {f"landing/{SOURCE}/{file_name(day_date)}": ",".join(COLUMNS) + "\n"}


def _iban(world: World, person: int) -> str:
    country = world.people.nationality[person]
    digits = f"{scramble(world.people.first_index + person, 40, 0x1BA4):012d}"[-12:]
    return f"{country}{(person * 37) % 90 + 10:02d}BANK{digits}"


def render(world: World, day: int, sink: Sink) -> None:
    p, net, index = world.people, load_network(), booking_index(world)
    emitter = world.emitter(file_name(world.date_of(day)), "csv")
    for flight_day in range(day - MAX_LAG, day - MIN_LAG + 1):
        ops = day_ops(world.seed, flight_day)
        for b, n in index.flying.get(flight_day, ()):
            seg = b.segments[n]
            f = net.flights[seg.flight]
            cancelled = ops.status[seg.flight] == CANCELLED
            delay = int(ops.delay_minutes[seg.flight])
            amount = eu261_amount(f.distance_km, delay, cancelled)
            reason = "EU261_CANCELLATION" if cancelled else "EU261_DELAY"
            if amount == 0 and delay >= 120:
                amount, reason = 50, "GOODWILL_VOUCHER"
            if amount == 0:
                continue
            for pos, person in enumerate(b.pax):
                if b.outcomes[pos][n].outcome == "NO_SHOW":
                    continue
                u = b.u[pos * 8 : pos * 8 + 8]
                claim_p = 0.9 if reason == "GOODWILL_VOUCHER" else 0.55
                lag = MIN_LAG + int(u[n % 8] * (MAX_LAG - MIN_LAG + 1))
                if u[(n + 3) % 8] >= claim_p or flight_day + lag != day:
                    continue
                first, last, applied = pnr_name(world, b, pos)
                if p.maiden_name[person] and u[(n + 5) % 8] < 0.5:
                    last = p.last_name[person]  # the bank knows the legal name
                payout_id = f"PO{scramble(b.number * 32 + pos * 8 + n, 34, 0xF1):011d}"
                row = [payout_id, world.date_of(day), f"{first} {last}", _iban(world, person),
                       f"{amount:.2f}", "EUR", reason, f.number, world.date_of(flight_day),
                       b.locator, b.ticket(pos)]
                emitter.add(payout_id, p.person_id[person], csv_line(row), applied)
    sink.flush(SOURCE, emitter)
