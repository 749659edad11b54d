"""Each kind of dirt appears at its configured rate and really shows in the landing bytes."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from pipelines.generate import Activity, DirtRates, generate
from privacy.pci import luhn_valid

START = date(2026, 1, 1)
RATES = DirtRates(malformed=0.1, duplicate=0.1, bad_encoding=0.3, impossible_date=0.2,
                  card_in_text=0.5, nickname=1.0, typo=0.2, swapped_names=0.1,
                  missing_loyalty_on_pnr=0.5, late_file=0.0)
MOJIBAKE = ("Ã", "Å", "Ä", "Â", "Ð", "Ñ", "â", "ð", "\ufffd")  # UTF-8 bytes read as 1252
ACTIVITY = Activity(shard_size=400, bookings_per_day=0.05, contacts_per_day=0.02)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dirty")
    generate(out, customers=800, days=3, seed=9, start_date=START, dirt=RATES,
             activity=ACTIVITY, workers=1)
    return out


def _dirt(root: Path) -> dict[str, Counter]:
    kinds: dict[str, Counter] = defaultdict(Counter)
    for path in (root / "ground_truth/dirt").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            kinds[row["kind"]][row["file"]] += 1
    return kinds


def _lines(root: Path) -> dict[str, list[bytes]]:
    out = {}
    for path in (root / "landing").rglob("*.*"):
        lines = path.read_bytes().splitlines()
        out[path.name] = lines[1:] if path.suffix == ".csv" else lines
    return out


def test_record_dirt_rates_match_the_configuration(dirty):
    kinds, lines = _dirt(dirty), _lines(dirty)
    total = sum(len(v) for v in lines.values())
    assert total > 3000
    malformed = sum(kinds["malformed"].values()) / total
    duplicate = sum(kinds["duplicate"].values()) / total
    assert 0.07 < malformed < 0.13
    assert 0.06 < duplicate < 0.12  # copies are lines too: rate / (1 + rate)


def test_malformed_lines_fail_to_parse(dirty):
    flagged = _dirt(dirty)["malformed"]
    for name, lines in _lines(dirty).items():
        if not name.endswith(".jsonl"):
            continue
        bad = undecodable = 0
        for line in lines:
            try:
                json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                undecodable += 1  # wrong encoding; it may be malformed as well
            except json.JSONDecodeError:
                bad += 1
        assert bad <= flagged[name] <= bad + undecodable, name


def test_duplicates_repeat_an_earlier_line(dirty):
    for name, count in _dirt(dirty)["duplicate"].items():
        lines = _lines(dirty)[name]
        repeats = sum(n - 1 for n in Counter(lines).values() if n > 1)
        assert repeats >= count, name


def test_bad_encodings_are_not_clean_utf8(dirty):
    flagged = _dirt(dirty)["bad_encoding"]
    assert sum(flagged.values()) > 20
    for name, count in flagged.items():
        odd = 0
        for line in _lines(dirty)[name]:
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                odd += 1
                continue
            odd += any(mark in text for mark in MOJIBAKE)
        assert odd >= count * 0.9, name


def test_card_numbers_hide_in_free_text(dirty):
    found = 0
    for path in (dirty / "landing").rglob("*.jsonl"):
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += sum(luhn_valid(re.sub(r"\D", "", c))
                     for c in re.findall(r"\b[3-6]\d(?:[ -]?\d){13,17}\b", text))
    flagged = sum(_dirt(dirty)["card_in_text"].values())
    assert flagged > 5 and found >= flagged * 0.8


def test_identity_variation_kinds_are_logged(dirty):
    kinds = _dirt(dirty)
    for kind in ("nickname", "typo", "swapped_names", "missing_loyalty_on_pnr",
                 "impossible_date", "shared_household_contact"):
        assert sum(kinds[kind].values()) > 0, kind


def test_zero_rates_produce_no_dirt(tmp_path):
    generate(tmp_path, customers=300, days=3, seed=9, start_date=START,
             dirt=DirtRates.clean(), activity=ACTIVITY, workers=1)
    assert not _dirt(tmp_path)
