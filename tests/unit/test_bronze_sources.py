"""Every source spec loads, routes to a parser, and accounts for every line the generator wrote."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from fnmatch import fnmatch

import pytest

from pipelines.bronze.parsing import parse_file
from pipelines.errors import LakehouseError
from pipelines.sources import RESERVED, all_sources, load_source

GENERATED = {"loyalty", "pnr", "edh_flight_legs", "edh_pax", "edh_ancillaries", "edh_forecast",
             "contact_centre", "purchases", "feedback", "baggage", "compensation", "consents",
             "social"}


def test_there_is_one_spec_per_generated_feed_and_the_main_job_runs_them_all():
    from pipelines.run import SOURCES

    assert set(all_sources()) == GENERATED == set(SOURCES)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_spec_is_valid_and_its_glob_matches_the_generator_file_names(name):
    spec = load_source(name)
    assert spec.columns and not set(spec.columns) & set(RESERVED)
    stem = name if spec.format != "fixed_width" else spec.layout
    ext = {"csv": "csv", "jsonl": "jsonl", "fixed_width": "txt"}[spec.format]
    assert fnmatch(f"{stem}_2026-01-01.{ext}", spec.glob)
    others = GENERATED - {name}
    if spec.landing == "edh":
        assert not any(fnmatch(f"{o}_2026-01-01.txt", spec.glob) for o in others)


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(LakehouseError, match="unknown source"):
        load_source("nope")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from pipelines.generate import generate

    out = tmp_path_factory.mktemp("feeds")
    summary = generate(out, customers=60, days=2, seed=3, start_date=date(2026, 1, 1), workers=1)
    return out, summary


def _malformed_per_file(out) -> Counter:
    counts: Counter = Counter()
    for path in (out / "ground_truth" / "dirt").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            counts.update(row["file"] for row in csv.DictReader(handle)
                          if row["kind"] == "malformed")
    return counts


def test_every_generated_line_is_landed_once_and_every_malformed_line_is_quarantined(generated):
    out, summary = generated
    malformed = _malformed_per_file(out)
    landed: Counter = Counter()
    for name in sorted(GENERATED):
        spec = load_source(name)
        for path in sorted((out / "landing" / spec.folder).glob(spec.glob)):
            records = list(parse_file(spec, path.name, path.read_bytes()))
            lines = [ln for ln in path.read_bytes().split(b"\n") if ln.strip()]
            header = 1 if spec.format == "csv" and lines else 0
            assert len(records) == len(lines) - header, path.name
            assert sum(r.status == "quarantine" for r in records) == malformed[path.name], \
                path.name
            landed[spec.folder] += len(records)
    assert dict(landed) == summary.records
