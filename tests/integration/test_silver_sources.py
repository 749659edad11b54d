"""Silver PNR and consent tables from a generated bronze: reconciled, idempotent, PII-free, valid.

Works in ``<var>/it_silver`` (landing, lake, checkpoints), wiped at its start. Bronze is
ingested once for ``pnr`` and ``consents``; the silver builds then run twice: the second run must
read and add nothing.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

pytestmark = pytest.mark.integration

SILVER = ("pnr_bookings", "pnr_passengers", "pnr_segments", "consent_events", "consents_current")


@pytest.fixture(scope="module")
def silver(spark, settings):
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.generate import generate
    from pipelines.silver.consents import build_silver_consents
    from pipelines.silver.pnr import build_silver_pnr

    root = settings.var_dir / "it_silver"
    shutil.rmtree(root, ignore_errors=True)
    local = settings.with_overrides({f"paths.{key}": str(root / key) for key in
                                     ("landing", "ground_truth", "lake", "checkpoints")})
    generate(root, customers=150, days=3, seed=7, start_date=date(2026, 1, 1), workers=1)
    bronze = ingest_all(spark, local, ("pnr", "consents"))
    first = {**build_silver_pnr(spark, local), **build_silver_consents(spark, local)}
    second = {**build_silver_pnr(spark, local), **build_silver_consents(spark, local)}
    return local, root, bronze, first, second


def _table(spark, local, layer, name):
    from pipelines.spark import table_path

    return spark.read.format("delta").load(str(table_path(local, layer, name)))


def test_second_run_reads_and_adds_nothing(silver, spark):
    local, _, _, first, second = silver
    assert all(r.read == r.merged == r.inserted == 0 for r in second.values()), second
    for name in SILVER:
        assert _table(spark, local, "silver", name).count() == first[name].inserted, name


def test_bronze_rows_reconcile_with_silver_quarantine_and_duplicates(silver, spark):
    local, _, bronze, first, _ = silver
    quarantine = _table(spark, local, "quarantine", "records").where(
        "layer = 'silver' and reason not like 'warning:%'")
    for name, source in (("pnr_bookings", "pnr"), ("consent_events", "consents")):
        report = first[name]
        assert report.read == bronze[source].bronze > 0
        assert report.read == _table(spark, local, "silver", name).count() + \
            report.quarantined + report.duplicates, report
        assert quarantine.where(f"table_name = '{name}'").count() == report.quarantined
    for name in ("pnr_passengers", "pnr_segments"):
        report = first[name]
        assert report.read == _table(spark, local, "silver", name).count() + \
            report.quarantined + report.duplicates, report
    bookings = _table(spark, local, "silver", "pnr_bookings")
    assert bookings.count() == bookings.select("record_locator").distinct().count()


def _records(folder):
    """Every readable JSON object of a landing folder (malformed lines skipped)."""
    for path in folder.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                yield record


def test_no_clear_names_or_emails_in_silver_files(silver):
    import pyarrow.parquet as pq

    local, root, _, _, _ = silver
    markers = set()
    for record in _records(root / "landing" / "pnr"):
        contact = record.get("contact") or {}
        if contact.get("type") == "passenger" and contact.get("email"):
            markers.add(contact["email"])
        markers |= {p["last_name"] for p in record.get("passengers") or []
                    if len(p.get("last_name") or "") > 4}
    markers |= {r["email"] for r in _records(root / "landing" / "consents") if r.get("email")}
    assert len(markers) > 50
    silver_dir = local.path("paths.lake") / "silver"
    files = [p for p in silver_dir.rglob("*.parquet")]
    assert files
    for path in files:
        text = str(pq.read_table(path).to_pylist()) + path.read_bytes().decode("latin-1")
        found = [m for m in markers if m in text]
        assert not found, (path, found[:3])


def test_quality_suites_pass(silver, spark):
    from quality.runner import run_suite

    local, *_ = silver
    for name in SILVER:
        report = run_suite(f"silver__{name}", _table(spark, local, "silver", name))
        assert report.critical_failed == [] and report.evaluated > 0, report
