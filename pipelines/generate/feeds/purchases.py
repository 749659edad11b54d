"""Retail purchases (CSV): in-flight sales on flown legs and web-shop orders with shipment.

Buying depends on who travels and how: long-haul and leisure trips sell more on board, higher
tiers spend more and order more online. One row per order line. A few rows leak the raw card
number where a token belongs; from the schema-change day a ``promo_code`` column is appended.
"""

from __future__ import annotations

import random
from datetime import date

from pipelines.generate.bookings import booking_index
from pipelines.generate.dirt import card_number
from pipelines.generate.network import load_network
from pipelines.generate.seeding import scramble
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Emitter, Sink, csv_line
from pipelines.generate.variation import UNIFORMS, household_email, source_name
from pipelines.generate.world import World

SOURCE = "purchases"
COLUMNS = ("purchase_id", "line_no", "channel", "purchased_at", "loyalty_number",
           "customer_name", "email", "flight_number", "flight_date", "seat", "sku", "item_name",
           "quantity", "unit_price", "amount", "currency", "card_token", "shipment_carrier",
           "tracking_number", "shipped_at", "invoice_number")
DRIFT_COLUMN = "promo_code"
INFLIGHT = (("DRK-01", "Gin & tonic", 8.5), ("DRK-02", "Champagne", 12.0), ("SNK-01", "Crisps",
            3.5), ("SNK-02", "Stroopwafels", 4.0), ("DF-101", "Eau de parfum 50ml", 79.0),
            ("DF-205", "Noise-cancelling headphones", 149.0), ("TOY-07", "Model aircraft", 24.0))
WEB = (("WEB-11", "Luggage tag set", 14.95), ("WEB-12", "Travel pillow", 29.95),
       ("WEB-20", "Cabin trolley", 189.0), ("WEB-31", "Amenity kit", 39.0),
       ("WEB-40", "Lounge day pass", 55.0), ("WEB-55", "Model aircraft 1:200", 64.0))
CARRIERS = ("PostNL", "DHL", "UPS", "DPD")


def file_name(day_date: date) -> str:
    return f"{SOURCE}_{day_date.isoformat()}.csv"


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    drift = rates.schema_change_day > 0 and day >= rates.schema_change_day
    columns = COLUMNS + ((DRIFT_COLUMN,) if drift else ())
    return {f"landing/{SOURCE}/{file_name(day_date)}": ",".join(columns) + "\n"}


def _order(world: World, emitter: Emitter, day: int, person: int, order_id: str, channel: str,
           r: random.Random, flight: tuple[str, str, str] | None) -> None:
    p, rates = world.people, world.rates
    u = [r.random() for _ in range(UNIFORMS + 2)]
    first, last, applied = source_name(p, person, u[:UNIFORMS], rates)
    email, shared = household_email(p, person, u[UNIFORMS], rates)
    if u[UNIFORMS + 1] < rates.raw_card_in_purchase:
        card = card_number(r.random(), f"{r.getrandbits(50):016d}")
        applied = [*applied, "raw_card_in_purchase"]
    else:
        card = f"tok_{r.getrandbits(48):012x}"
    catalog = INFLIGHT if channel == "inflight" else WEB
    tier = int(p.tier[person])
    drift = rates.schema_change_day > 0 and day >= rates.schema_change_day
    at = world.timestamp(day, r.random() * 80_000)
    ship = channel == "web"
    carrier, tracking = CARRIERS[r.randrange(len(CARRIERS))], f"3S{r.getrandbits(36):011d}"
    promo = r.choice(["", "", "", "WELCOME10", "SUMMER25", "FLYMORE"])
    for line_no in range(1, 2 + int(r.random() * (1.5 + tier))):
        sku, name, price = catalog[r.randrange(len(catalog))]
        qty = 1 + int(r.random() * 1.4)
        row = [order_id, line_no, channel, at,
               p.loyalty_number[person] if p.enrol_day[person] <= day and r.random() < 0.7 else "",
               f"{first} {last}", email if ship or r.random() < 0.3 else "",
               *(flight or ("", "", "")), sku, name, qty, f"{price:.2f}", f"{price * qty:.2f}",
               "EUR", card, carrier if ship else "", tracking if ship else "",
               world.date_of(day + 1 + int(r.random() * 3)) if ship else "",
               f"INV-{order_id[2:]}" if ship else ""]
        if drift:
            row.append(promo)
        emitter.add(f"{order_id}/{line_no}", p.person_id[person], csv_line(row), applied + shared)


def render(world: World, day: int, sink: Sink) -> None:
    p, net, index = world.people, load_network(), booking_index(world)
    emitter = world.emitter(file_name(world.date_of(day)), "csv")
    for b, n in index.flying.get(day, ()):
        f = net.flights[b.segments[n].flight]
        for pos, person in enumerate(b.pax):
            ps = b.outcomes[pos][n]
            r = random.Random((b.number * 8 + pos) * 8 + n)
            chance = 0.05 + 0.2 * f.long_haul + 0.04 * int(p.tier[person]) + 0.05 * (
                not b.business)
            if ps.outcome != "FLOWN" or r.random() >= chance:
                continue
            order_id = f"IF{scramble((b.number * 8 + pos) * 8 + n, 36, 0x1F):011d}"
            _order(world, emitter, day, person, order_id, "inflight", r,
                   (f.number, str(world.date_of(day)), ps.seat))
    rng = world.rng("web_orders", day)
    rate = world.activity.web_orders_per_day * (1 + p.tier) * p.frequency
    for k, person in enumerate((rng.random(p.size) < rate).nonzero()[0]):
        r = random.Random(int(rng.integers(1 << 62)))
        order_id = f"WB{scramble((world.shard * 1024 + day + 512) * 4096 + k, 36, 0x3E):011d}"
        _order(world, emitter, day, int(person), order_id, "web", r, None)
    sink.flush(SOURCE, emitter)
