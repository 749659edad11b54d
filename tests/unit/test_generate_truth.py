"""Ground truth is consistent: every record maps to one true person; events agree across feeds."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from pipelines.generate import Activity, DirtRates, generate
from pipelines.generate.copybook import load_layout

START = date(2026, 1, 1)
PERSONLESS = ("edh_flight_legs_", "edh_forecast_")


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("truth")
    rates = DirtRates().with_overrides(late_file=0.0)
    generate(out, customers=600, days=4, seed=5, start_date=START, dirt=rates,
             activity=Activity(shard_size=300, bookings_per_day=0.05, contacts_per_day=0.02),
             workers=1)
    return out


def _records(path: Path) -> int:
    lines = path.read_bytes().count(b"\n")
    return lines - 1 if path.suffix == ".csv" else lines


def test_every_landing_record_has_links_to_known_people(run):
    people = {row["person_id"] for row in _csv(run / "ground_truth/persons.csv")}
    assert len(people) == 600
    for path in sorted((run / "landing").rglob("*.*")):
        links = _csv(run / "ground_truth/links" / f"{path.stem}.csv")
        if path.name.startswith(PERSONLESS):
            assert not links
            continue
        keys = {row["record_key"].split("/")[0] for row in links}
        assert len(keys) <= _records(path) <= len(links), path.name
        assert {row["person_id"] for row in links} <= people, path.name


def test_each_record_key_belongs_to_exactly_one_person(run):
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in (run / "ground_truth/links").glob("*.csv"):
        for row in _csv(path):
            owners[(row["file"], row["record_key"])].add(row["person_id"])
    assert owners
    assert all(len(v) == 1 for v in owners.values())


def test_pnr_passengers_each_have_a_link(run):
    path = run / "landing/pnr/pnr_2026-01-02.jsonl"
    links = Counter(r["record_key"].split("/")[0] for r in _csv(
        run / "ground_truth/links/pnr_2026-01-02.csv"))
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            pnr = json.loads(line)
        except json.JSONDecodeError:
            continue
        assert links[pnr["record_locator"]] >= len(pnr["passengers"])


def test_involuntary_rebookings_only_happen_on_truly_cancelled_flights(run):
    pax = load_layout("edh_pax")
    truth = {(r["flight_number"], r["flight_date"].replace("-", "")): r["status"]
             for p in (run / "ground_truth/events").glob("flight_legs_*.csv") for r in _csv(p)}
    checked = 0
    for path in (run / "landing/edh").glob("edh_pax_*.txt"):
        for line in path.read_text(encoding="ascii").splitlines():
            if len(line) != pax.width:
                continue  # a malformed line
            rec = pax.parse(line)
            status = truth[(rec["carrier"] + rec["flight_number"].lstrip("0"), rec["flight_date"])]
            if rec["flown_status"] == "IR":
                assert status == "Cancelled"
            if status == "Cancelled" and not rec["rebooked_from"]:
                assert rec["flown_status"] in ("IR", "NS")
            checked += 1
    assert checked > 100


def test_complaints_follow_what_happened_to_the_customer(run):
    cases = [r for p in (run / "ground_truth/events").glob("feedback_cases_*.csv")
             for r in _csv(p)]
    complaints = [c for c in cases if c["kind"] == "complaint"]
    compliments = [c for c in cases if c["kind"] == "compliment"]
    assert complaints, "disruptions must produce complaints"
    assert all(c["causes"] for c in complaints)
    assert not any(c["causes"] for c in compliments)
