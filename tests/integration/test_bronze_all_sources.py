"""Bronze for every generated feed on Spark + Delta: reconciled, quarantined, PAN-free, idempotent.

The module works in its own corner of the environment (``<var>/it_bronze_all``: landing, ground
truth, lake, checkpoints), wiped at its start, so it neither disturbs nor depends on the walking
skeleton, which owns the environment's main lake. Dirt rates are raised so that every kind of
bad record shows up in a small dataset; card numbers are planted in a JSON free-text field, a
nested JSON value, a JSON number and a CSV field.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import shutil
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

pytestmark = pytest.mark.integration

PAN_TEXT, PAN_NESTED, PAN_NUMBER, PAN_CSV = (
    "3782 822463 10005", "6011111111111117", 4012888888881881, "5105105105105100")
PLANTED_JSONL = "contact_centre_2026-01-01_planted.jsonl"
PLANTED_CSV = "purchases_2026-01-01_planted.csv"


def _isolated_settings(settings):
    from pipelines.config import Settings

    root = settings.var_dir / "it_bronze_all"
    raw = copy.deepcopy(settings.raw)
    raw["paths"].update({key: str(root / key) for key in
                         ("landing", "ground_truth", "lake", "checkpoints")})
    return Settings(env=settings.env, raw=raw), root


def _plant(landing) -> None:
    """A JSON-lines file with PANs, an unknown key, BOM, CRLF, blank, bad and duplicate lines."""
    good = json.dumps({"interaction_id": "IXPLANT1", "channel": "chat",
                       "transcript": f"Customer: charge my card {PAN_TEXT} please",
                       "customer": {"name": "Ada Planted", "notes": [PAN_NESTED]},
                       "card_on_file": PAN_NUMBER})
    lines = [good, "", good, '{"interaction_id": "IXPLANT2", "transcript": "cut', ""]
    (landing / "contact_centre" / PLANTED_JSONL).write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    source = sorted((landing / "purchases").glob("purchases_*.csv"))[0]
    with source.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    row = next(r for r in rows if len(r) == len(header))  # a well-formed row to carry the PAN
    row[header.index("card_token")] = PAN_CSV
    with (landing / "purchases" / PLANTED_CSV).open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n").writerows([header, row])


@pytest.fixture(scope="module")
def bronze(spark, settings):
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.generate import generate, load_generator_config
    from pipelines.run import SOURCES

    local, root = _isolated_settings(settings)
    shutil.rmtree(root, ignore_errors=True)
    dirt, activity = load_generator_config()
    dirt = replace(dirt, malformed=0.03, bad_encoding=0.05, duplicate=0.03, card_in_text=0.3,
                   raw_card_in_purchase=0.2)
    activity = replace(activity, contacts_per_day=0.03, social_posts_per_day=0.01,
                       web_orders_per_day=0.01)
    summary = generate(root, customers=150, days=3, seed=11, start_date=date(2026, 1, 1),
                       dirt=dirt, activity=activity, workers=1)
    _plant(local.path("paths.landing"))
    reports = ingest_all(spark, local, SOURCES)
    return local, root, summary, reports


def _table(spark, local, layer, name):
    from pipelines.spark import table_path

    return spark.read.format("delta").load(str(table_path(local, layer, name)))


def _landed_from_files(local, spec) -> int:
    """Non-blank lines of the landing files (minus CSV headers), counted without the parsers."""
    total = 0
    for path in spec.landing_dir(local).glob(spec.glob):
        lines = [ln for ln in path.read_bytes().split(b"\n") if ln.strip()]
        total += len(lines) - (1 if spec.format == "csv" and lines else 0)
    return total


def test_every_source_reconciles_with_its_landing_files(bronze, spark):
    from pipelines.sources import load_source

    local, _, summary, reports = bronze
    per_folder: Counter = Counter()
    for name, report in reports.items():
        spec = load_source(name)
        assert report.reconciled, report
        assert report.landed == _landed_from_files(local, spec) == report.bronze + \
            report.quarantine, name
        assert _table(spark, local, "bronze", spec.bronze_table).count() == report.bronze
        per_folder[spec.folder] += report.landed
    expected = dict(summary.records)
    expected["contact_centre"] += 3  # planted: two good (one a duplicate), one malformed
    expected["purchases"] += 1
    assert dict(per_folder) == expected


def test_every_malformed_line_of_the_ground_truth_is_in_quarantine(bronze, spark):
    local, root, _, _ = bronze
    expected: Counter = Counter()
    for path in (root / "ground_truth" / "dirt").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            expected.update(r["file"] for r in csv.DictReader(handle) if r["kind"] == "malformed")
    rows = _table(spark, local, "quarantine", "records").where("layer = 'bronze'").collect()
    assert sum(expected.values()) > 20
    found = Counter(r._source_file.rsplit("/", 1)[-1] for r in rows)
    assert found == expected + Counter({PLANTED_JSONL: 1})
    assert all(r._source_file and r._line > 0 and r.reason and r.source for r in rows)


def test_quarantine_row_names_file_line_and_reason(bronze, spark):
    local, *_ = bronze
    (row,) = _table(spark, local, "quarantine", "records").where(
        f"_source_file like '%{PLANTED_JSONL}'").collect()
    assert (row.source, row.table_name, row._line) == ("contact_centre",
                                                       "contact_centre_interactions", 4)
    assert row.reason.startswith("invalid JSON")


def test_bronze_rows_carry_metadata_and_rescued_fields(bronze, spark):
    local, *_ = bronze
    rows = _table(spark, local, "bronze", "contact_centre_interactions").where(
        "interaction_id = 'IXPLANT1'").collect()
    assert len(rows) == 2  # the duplicate is landed; dedupe is silver's job
    assert {r._line for r in rows} == {1, 3}
    assert all(r._batch_id and r._ingested_at and r._source_encoding == "utf-8" for r in rows)
    assert "card_on_file" in json.loads(rows[0]._rescued_data)
    loyalty = _table(spark, local, "bronze", "loyalty_members")
    assert loyalty.where("_rescued_data like '%preferred_language%'").count() > 0


def test_no_card_number_in_any_lake_file(bronze):
    import pyarrow.parquet as pq

    local, root, _, reports = bronze
    assert reports["contact_centre"].pans_removed >= 3
    assert reports["purchases"].pans_removed >= 1
    generated = _pans_in_landing(root)
    assert len(generated) >= 3  # the generator's own card_in_text / raw_card_in_purchase dirt
    pans = {PAN_TEXT, PAN_NESTED, str(PAN_NUMBER), PAN_CSV} | generated
    digits = {re.sub(r"\D", "", p) for p in pans}
    files = [p for p in local.path("paths.lake").rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        data = path.read_bytes()
        assert not any(p.encode() in data for p in pans | digits), path
        if path.suffix == ".parquet":
            text = str(pq.read_table(path).to_pylist())
            flat = re.sub(r"[ -]", "", text)
            assert not any(d in flat for d in digits), path


def _pans_in_landing(root) -> set[str]:
    """Card numbers the generator planted (contact centre, feedback, purchases), found by shape."""
    from privacy.pci import luhn_valid

    found = set()
    for folder in ("contact_centre", "feedback", "purchases"):
        for path in (root / "landing" / folder).glob("*"):
            text = path.read_bytes().decode("utf-8", errors="replace")
            found |= {m for m in re.findall(r"(?<![\d+])(?:\d[ -]?){14,15}\d(?!\d)", text)
                      if re.sub(r"\D", "", m)[0] in "23456" and luhn_valid(re.sub(r"\D", "", m))}
    return found


def test_replay_adds_nothing_even_without_a_checkpoint(bronze, spark):
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.run import SOURCES

    local, *_ = bronze
    lake = local.path("paths.lake")
    before = {p.parent.name: _count(spark, p.parent) for p in lake.glob("*/*/_delta_log")}
    shutil.rmtree(local.path("paths.checkpoints") / "bronze" / "pnr")  # lost checkpoint
    again = ingest_all(spark, local, SOURCES)
    assert all(r.landed == r.bronze == r.quarantine == 0 for r in again.values())
    assert len(again["pnr"].files_already_ingested) >= 2
    assert {p.parent.name: _count(spark, p.parent)
            for p in lake.glob("*/*/_delta_log")} == before


def _count(spark, path) -> int:
    return spark.read.format("delta").load(str(path)).count()
