"""The loyalty feed follows the contract the bronze ingestion relies on."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from pipelines.generate import Activity, DirtRates, generate
from pipelines.generate.feeds.loyalty import COLUMNS, DRIFT_COLUMN

START = date(2026, 1, 1)
TIERS = {"BLUE", "SILVER", "GOLD", "PLATINUM"}


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    header = next(reader)
    return header, list(reader)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    rates = DirtRates.clean().with_overrides(schema_change_day=3)
    generate(out, customers=400, days=4, seed=3, start_date=START, dirt=rates,
             activity=Activity(tier_change_per_day=0.05, profile_change_per_day=0.05),
             workers=1)
    return out


def test_day_one_is_a_full_extract_of_members_with_the_documented_columns(clean):
    header, rows = _rows(clean / "landing/loyalty/loyalty_2026-01-01.csv")
    persons = _rows(clean / "ground_truth/persons.csv")[1]
    members = [p for p in persons if p[16] == "1" and p[17]]
    assert tuple(header) == COLUMNS
    assert len(rows) == len(members) > 200
    assert {r[0] for r in rows} == {p[15] for p in members}


def test_clean_rows_parse_as_iso_dates_timestamps_and_known_tiers(clean):
    for path in sorted((clean / "landing/loyalty").glob("*.csv")):
        header, rows = _rows(path)
        for row in rows:
            record = dict(zip(header, row, strict=True))
            assert record["tier"] in TIERS
            date.fromisoformat(record["tier_since"])
            date.fromisoformat(record["date_of_birth"])
            assert datetime.fromisoformat(record["updated_at"]).utcoffset() is not None
            assert datetime.fromisoformat(record["enrolled_at"]) <= datetime.fromisoformat(
                record["updated_at"])
            assert int(record["points_balance"]) >= 0
            assert record["updated_at"].startswith(path.stem.split("_")[1])


def test_schema_drift_column_is_appended_from_its_day_on(clean):
    headers = {p.stem: _rows(p)[0] for p in (clean / "landing/loyalty").glob("*.csv")}
    assert DRIFT_COLUMN not in headers["loyalty_2026-01-02"]
    assert headers["loyalty_2026-01-03"] == [*COLUMNS, DRIFT_COLUMN]
    assert headers["loyalty_2026-01-04"][-1] == DRIFT_COLUMN


def test_later_days_carry_tier_changes_recorded_in_ground_truth(clean):
    changes = _rows(clean / "ground_truth/events/tier_changes_2026-01-02.csv")[1]
    _, rows = _rows(clean / "landing/loyalty/loyalty_2026-01-02.csv")
    by_number = {r[0]: r for r in rows}
    assert changes, "with 5% daily tier moves some member must change tier"
    for _person_id, number, day, _old, new in changes:
        assert by_number[number][1] == new
        assert by_number[number][2] == day


def test_clean_rates_produce_exact_identities(clean):
    persons = {p[15]: p for p in _rows(clean / "ground_truth/persons.csv")[1]}
    _, rows = _rows(clean / "landing/loyalty/loyalty_2026-01-01.csv")
    for row in rows:
        truth = persons[row[0]]
        assert (row[4], row[5], row[6], row[7]) == (truth[2], truth[3], truth[6], truth[7])
