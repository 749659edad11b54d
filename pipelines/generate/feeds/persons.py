"""Ground truth of identity: one row per true person (written with day 1 only).

This is the answer key for identity resolution. It lives under ``ground_truth/`` and no
pipeline code may read it; tests and benchmarks join source records to it through ``links``.
"""

from __future__ import annotations

from datetime import date

from pipelines.generate import vocab
from pipelines.generate.people import TIERS
from pipelines.generate.settings import DirtRates
from pipelines.generate.sink import Sink, csv_line
from pipelines.generate.world import World

SOURCE = "persons"
PATH = "ground_truth/persons.csv"
COLUMNS = ("person_id", "household_id", "first_name", "last_name", "maiden_name", "sex",
           "date_of_birth", "email", "phone", "street", "city", "postcode", "country",
           "nationality", "passport_number", "loyalty_number", "enrol_day", "tier_day1",
           "social_handle", "preferred_language", "business_propensity", "travel_frequency")


def files(day: int, day_date: date, rates: DirtRates) -> dict[str, str]:
    return {PATH: ",".join(COLUMNS) + "\n"} if day == 1 else {}


def render(world: World, day: int, sink: Sink) -> None:
    if day != 1:
        return
    p = world.people
    rows = []
    for i in range(p.size):
        member = p.enrol_day[i] <= 1
        rows.append(csv_line([
            p.person_id[i], p.person_id[p.household[i]], p.first_name[i], p.last_name[i],
            p.maiden_name[i], "F" if p.female[i] else "M", p.dob[i].isoformat(), p.email[i],
            p.phone[i], p.street[i], p.city[i], p.postcode[i],
            vocab.CULTURES[p.culture[i]].country, p.nationality[i], p.passport[i],
            p.loyalty_number[i], max(int(p.enrol_day[i]), 1),
            TIERS[p.tier[i]] if member else "", p.handle[i], p.language[i],
            f"{p.business[i]:.3f}", f"{p.frequency[i]:.3f}",
        ]) + "\n")
    sink.truth(PATH, rows)
