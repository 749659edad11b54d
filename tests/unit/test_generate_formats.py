"""Every feed parses with its documented layout when the dirt rates are zero."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from pipelines.generate import Activity, DirtRates, generate
from pipelines.generate.copybook import load_layout
from pipelines.generate.feeds import SOURCES
from privacy.pci import luhn_valid

START = date(2026, 1, 1)
CSV_SOURCES = ("loyalty", "purchases", "baggage", "compensation")
JSONL_SOURCES = ("pnr", "contact_centre", "feedback", "consents", "social")
ACTIVITY = Activity(shard_size=200, bookings_per_day=0.05, contacts_per_day=0.02,
                    web_orders_per_day=0.02, social_posts_per_day=0.01)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, customers=400, days=3, seed=11, start_date=START, dirt=DirtRates.clean(),
             activity=ACTIVITY, workers=1)
    return out


def test_every_source_has_one_landing_folder_with_a_file_per_day(clean):
    assert sorted(p.name for p in (clean / "landing").iterdir()) == sorted(SOURCES)
    for source in SOURCES:
        names = [p.name for p in (clean / "landing" / source).iterdir()]
        for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
            assert any(day in name for name in names), (source, day)


@pytest.mark.parametrize("source", CSV_SOURCES)
def test_csv_feeds_are_rfc4180_with_a_header_and_full_rows(clean, source):
    rows = 0
    for path in (clean / "landing" / source).glob("*.csv"):
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
        header = next(reader)
        for row in reader:
            assert len(row) == len(header), (path.name, row)
            rows += 1
    assert rows > 0


@pytest.mark.parametrize("source", JSONL_SOURCES)
def test_jsonl_feeds_hold_one_json_object_per_line(clean, source):
    records = [json.loads(line) for path in (clean / "landing" / source).glob("*.jsonl")
               for line in path.read_text(encoding="utf-8").splitlines()]
    assert records and all(isinstance(r, dict) for r in records)


def test_pnrs_have_passengers_segments_and_contact(clean):
    for line in (clean / "landing/pnr/pnr_2026-01-02.jsonl").read_text().splitlines():
        pnr = json.loads(line)
        assert re.fullmatch(r"[A-Z2-9]{6}", pnr["record_locator"])
        assert pnr["passengers"] and pnr["segments"]
        assert all(re.fullmatch(r"\d{13}", p["ticket_number"]) for p in pnr["passengers"])
        assert all(s["cabin"] in "JWY" for s in pnr["segments"])
        assert pnr["contact"]["email"]
        datetime.fromisoformat(pnr["created_at"])


@pytest.mark.parametrize("kind", ["flight_legs", "pax", "ancillaries", "forecast"])
def test_edh_fixed_width_lines_parse_with_the_copybook(clean, kind):
    layout = load_layout(f"edh_{kind}")
    lines = [line for path in (clean / "landing/edh").glob(f"edh_{kind}_*.txt")
             for line in path.read_text(encoding="ascii").splitlines()]
    assert lines
    for line in lines:
        assert len(line) == layout.width
        record = layout.parse(line)
        for f in layout.fields:
            value = record[f.name]
            if f.type in ("9", "9V99"):
                assert value.isdigit(), (f.name, line)
            elif f.type == "D" and value:
                datetime.strptime(value, "%Y%m%d")
    if kind == "flight_legs":
        statuses = {layout.parse(line)["status"] for line in lines}
        assert statuses <= {"On Time", "Delay", "Cancelled", "Diverted"}
    if kind == "pax":
        assert {layout.parse(line)["flown_status"] for line in lines} <= {"FL", "NS", "IR"}


def test_clean_feeds_are_utf8_and_free_text_holds_no_card_numbers(clean):
    for path in (clean / "landing").rglob("*.*"):
        text = path.read_bytes().decode("utf-8")  # raises on a wrong encoding
        if path.suffix == ".jsonl":
            cards = re.findall(r"\b[3-6]\d(?:[ -]?\d){13,17}\b", text)  # card schemes only
            assert not [c for c in cards if luhn_valid(re.sub(r"\D", "", c))], path.name


def test_case_steps_on_one_day_are_in_order():
    import random

    from pipelines.generate.feeds.feedback import _clock

    for seed in range(300):
        r = random.Random(seed)
        steps = [("opened", 5, 0.0), ("assigned", 5, 0.0), ("escalated", 5, 0.0),
                 ("resolved", 6, 0.0)]
        timed = _clock(steps, r)
        seconds = [s for _, d, s in timed if d == 5]
        assert seconds == sorted(seconds) and seconds[-1] < 86_400
        assert 28_800 <= timed[-1][2] <= 64_800
