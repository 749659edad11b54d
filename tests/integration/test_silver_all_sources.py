"""Silver for the EDH, contact-centre, purchase, feedback, baggage, compensation and social feeds
from one generated data set with planted bad records: non-empty, reconciled, idempotent,
PII-free, and gated by the critical GX expectations.

Works in ``<var>/it_silver_all`` (wiped at its start): 200 customers x 2 days, plus a few planted
lines (the generator emits baggage, payouts and posts only now and then at this size), bronze for
these sources once, then the silver builds twice.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

pytestmark = pytest.mark.integration

SOURCES = ("edh_flight_legs", "edh_pax", "edh_ancillaries", "edh_forecast", "contact_centre",
           "purchases", "feedback", "baggage", "compensation", "social")
TABLES = ("flight_legs", "flight_passengers", "ancillaries", "cabin_forecast",
          "contact_interactions", "purchase_lines", "feedback_events", "feedback_cases",
          "baggage_reports", "compensation_payouts", "social_posts")
SINGLE = {"flight_legs": "edh_flight_legs", "flight_passengers": "edh_pax",
          "ancillaries": "edh_ancillaries", "cabin_forecast": "edh_forecast",
          "contact_interactions": "contact_centre", "purchase_lines": "purchases",
          "baggage_reports": "baggage", "compensation_payouts": "compensation",
          "social_posts": "social"}
DAY = "2026-01-01"
MARKERS = ("Wojciechowska", "wojciechowska.planted@example.org", "NL91BANK0417164300",
           "@planted_handle", "Przybylski")
BAG = (f"AMSMR0000000001,{DAY}T09:00:00+01:00,AMS,DELAYED,0999000001,ABC123,MR1000,{DAY},"
       "WOJCIECHOWSKA/ANNA,+31 6 12345678,wojciechowska.planted@example.org,"
       "\"Keizersgracht 1, 1015 CJ Amsterdam\",red duffel bag,OPEN\n"
       f"AMSMR0000000002,{DAY}T09:10:00+01:00,ZZZ,LOST,0999000002,ABC123,MR1000,{DAY},"
       "DOE/JOHN,,,,blue suitcase,OPEN\n")
PAYOUT = (f"PO00000000001,{DAY},Jan Przybylski,NL91BANK0417164300,250.00,EUR,EU261_DELAY,"
          f"MR1000,2025-12-01,ABC123,9990000000001\n")
POST = {"post_id": "SB00000000001", "platform": "x", "posted_at": f"{DAY}T10:00:00+01:00",
        "handle": "@planted_handle", "display_name": "Wojciechowska", "likes": 1, "reposts": 0,
        "text": "MR1000 late again, Wojciechowska here"}


def _plant(landing):
    """A leg failing only a critical GX expectation (no seats), a truncated leg line, a broken
    JSON line, and one valid baggage report, payout and post (plus a bad-station report)."""
    legs = landing / "edh" / f"edh_flight_legs_{DAY}.txt"
    first = legs.read_text().splitlines()[0]
    no_seats = first[:5] + "09999" + first[10:55] + "000"
    legs.write_text(legs.read_text() + no_seats + "\n" + first[:30] + "\n")
    with (landing / "contact_centre" / f"contact_centre_{DAY}.jsonl").open("a") as out:
        out.write('{"interaction_id": "IXBROKEN", "channel": \n')
    with (landing / "baggage" / f"baggage_{DAY}.csv").open("a") as out:
        out.write(BAG)
    with (landing / "compensation" / f"compensation_{DAY}.csv").open("a") as out:
        out.write(PAYOUT)
    with (landing / "social" / f"social_{DAY}.jsonl").open("a") as out:
        out.write(json.dumps(POST) + "\n")


@pytest.fixture(scope="module")
def silver(spark, settings):
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.generate import generate
    from pipelines.silver.all_tables import builds

    root = settings.var_dir / "it_silver_all"
    shutil.rmtree(root, ignore_errors=True)
    local = settings.with_overrides({f"paths.{key}": str(root / key) for key in
                                     ("landing", "ground_truth", "lake", "checkpoints")})
    generate(root, customers=200, days=2, seed=11, start_date=date(2026, 1, 1), workers=1)
    _plant(root / "landing")
    bronze = ingest_all(spark, local, SOURCES)
    ours = [b for b in builds() if b.__module__.rsplit(".", 1)[-1] not in (
        "pnr", "consents", "pnr_service_requests")]  # test_silver_sources covers PNR, consents

    def run_all():
        return {k: v for build in ours for k, v in build(spark, local).items()}

    first = run_all()
    second = run_all()
    return local, root, bronze, first, second


def _table(spark, local, layer, name):
    from pipelines.spark import table_path

    return spark.read.format("delta").load(str(table_path(local, layer, name)))


def test_every_new_silver_table_exists_and_is_non_empty(silver, spark):
    local, *_ = silver
    counts = {t: _table(spark, local, "silver", t).count() for t in TABLES}
    assert all(n > 0 for n in counts.values()), counts


def test_landed_is_bronze_plus_quarantine_with_malformed_input(silver, spark):
    local, _, bronze, first, _ = silver
    assert all(r.reconciled for r in bronze.values()), bronze
    quarantine = _table(spark, local, "quarantine", "records")
    legs = quarantine.where("layer = 'bronze' and source = 'edh_flight_legs'")
    assert legs.where(f"_source_file like '%edh_flight_legs_{DAY}.txt'").count() >= 1
    assert quarantine.where("layer = 'bronze' and source = 'contact_centre'").count() >= 1
    for table, source in SINGLE.items():
        report = first[table]
        assert report.read == bronze[source].bronze, (table, report)
        assert report.read == _table(spark, local, "silver", table).count() + \
            report.quarantined + report.duplicates, (table, report)
        silver_rejects = quarantine.where(f"layer = 'silver' and table_name = '{table}'")
        assert silver_rejects.count() == report.quarantined, table
    station = quarantine.where("table_name = 'baggage_reports' and raw = 'AMSMR0000000002'")
    assert [(r.field, r.reason) for r in station.collect()] == [("station", "station_iata_known")]


def test_critical_expectation_failure_sends_the_row_to_quarantine(silver, spark):
    local, *_ = silver
    rows = _table(spark, local, "quarantine", "records").where(
        "table_name = 'flight_legs' and raw = 'MR/MR9999/2026-01-01'").collect()
    assert [(r.layer, r.field, r.reason) for r in rows] == [
        ("silver", "seats", "expectation seats_in_range failed")]
    assert rows[0]._source_file.endswith(f"edh_flight_legs_{DAY}.txt") and rows[0]._line > 0
    assert _table(spark, local, "silver", "flight_legs").where(
        "flight_number = 'MR9999'").count() == 0


def test_rerun_reads_and_adds_nothing_and_a_replay_merges_no_new_rows(silver, spark):
    from pipelines.silver.social import build_silver_social

    local, _, _, first, second = silver
    assert all(r.read == r.inserted == 0 for r in second.values()), second
    for table in TABLES:
        assert _table(spark, local, "silver", table).count() == first[table].inserted, table
    shutil.rmtree(local.path("paths.checkpoints") / "silver" / "social_posts")
    replay = build_silver_social(spark, local)["social_posts"]
    assert replay.read == first["social_posts"].read > 0 and replay.inserted == 0


def test_pii_columns_are_ciphertext_and_nothing_planted_is_in_clear(silver, spark):
    import pyarrow.parquet as pq

    from privacy.columns import decrypt_columns

    local, *_ = silver
    for table, spec in local.get("privacy.tables.silver").items():
        if table not in TABLES:
            continue
        fields = {f.name: f.dataType.simpleString()
                  for f in _table(spark, local, "silver", table).schema.fields}
        assert not set(spec["encrypt"]) & set(fields), table
        assert all(fields[f"{c}_enc"] == "binary" for c in spec["encrypt"]), table
    files = list((local.path("paths.lake") / "silver").rglob("*.parquet"))
    for path in files:
        text = str(pq.read_table(path).to_pylist()) + path.read_bytes().decode("latin-1")
        assert not [m for m in MARKERS if m in text], path
    bags = _table(spark, local, "silver", "baggage_reports").where("report_id = 'AMSMR0000000001'")
    clear = decrypt_columns(bags, "report_id", ["last_name", "email"], local).first()
    assert (clear.last_name, clear.email) == ("Wojciechowska",
                                              "wojciechowska.planted@example.org")


def test_new_silver_tables_pass_their_critical_expectations(silver, spark):
    from quality.runner import run_suite

    local, *_ = silver
    for table in TABLES:
        report = run_suite(f"silver__{table}", _table(spark, local, "silver", table),
                           raise_on_critical=False)
        assert report.evaluated > 0 and report.critical_failed == [], report
