"""Gold marts on the shared main-job run: every mart through Trino, the timeline against the
generator's ground truth, and segment exports that honour a withdrawn marketing consent."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.integration

MARTS = ("dim_customer", "customer_360", "fct_bookings", "fct_flights", "fct_ancillaries",
         "fct_purchases", "fct_customer_timeline", "fct_feedback", "dim_customer_preferences",
         "fct_segment_membership")
# Landing feeds whose every record is an event in a customer's life (loyalty lines are
# profile snapshots, so they are not timeline events by themselves).
TIMELINE_FEEDS = {"pnr": "silver.pnr_passengers", "edh_pax": "silver.flight_passengers",
                  "contact_centre": "silver.contact_interactions",
                  "purchases": "silver.purchase_lines", "consents": "silver.consent_events",
                  "feedback": "silver.feedback_events", "edh_ancillaries": "silver.ancillaries"}


def _gold(spark, settings, table):
    return spark.read.format("delta").load(str(settings.path("paths.lake") / "gold" / table))


def test_dbt_built_every_mart_and_all_dbt_tests_passed(main_run):
    gold = main_run["steps"]["gold"]
    assert gold["tests_failed"] == [] and gold["tests_passed"] >= 60
    assert set(MARTS) <= {t.split(".", 1)[1] for t in main_run["rows_per_table"]
                          if t.startswith("gold.")}


def test_every_mart_is_queryable_through_trino_with_sparks_row_count(main_run, spark, settings):
    from pipelines.services import trino

    catalog = settings.get("trino.catalog")
    for mart in MARTS:
        expected = _gold(spark, settings, mart).count()
        assert trino.query(settings, f"select count(*) from {catalog}.gold.{mart}")[0][0] \
            == expected, mart


def test_dbt_docs_site_is_generated(main_run):
    from pathlib import Path

    docs = main_run["steps"]["gold"]["docs"]
    assert docs and Path(docs).name == "index.html" and Path(docs).exists()
    assert (Path(docs).parent / "catalog.json").exists()


def _truth_links(settings) -> dict[str, list[tuple[str, str]]]:
    """person_id -> [(timeline source table, record key)] from the generator's ground truth."""
    links: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((settings.path("paths.ground_truth") / "links").glob("*.csv")):
        feed = path.stem.rsplit("_", 1)[0]
        if feed not in TIMELINE_FEEDS:
            continue
        with path.open() as handle:
            for row in csv.DictReader(handle):
                links.setdefault(row["person_id"], []).append(
                    (TIMELINE_FEEDS[feed], row["record_key"]))
    return links


def _resolved_person(spark, settings, links):
    """A person with many events whose PNR records all resolved to one golden customer."""
    xref = {r.record_key: r.customer_id for r in spark.read.format("delta").load(
        str(settings.path("paths.lake") / "silver" / "customer_xref")).collect()}
    for person, keys in sorted(links.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        kinds = {table for table, _ in keys}
        pnr = {xref.get(key) for table, key in keys if table == "silver.pnr_passengers"}
        if len(pnr) == 1 and None not in pnr and len(kinds) >= 3:
            return person, pnr.pop(), keys
    pytest.fail("no generated person with PNR records resolved to a single customer")


def test_timeline_holds_every_ground_truth_event_of_a_customer_in_order(main_run, spark,
                                                                        settings):
    person, customer_id, keys = _resolved_person(spark, settings, _truth_links(settings))
    timeline = _gold(spark, settings, "fct_customer_timeline").where(
        f"customer_id = '{customer_id}'").orderBy("sequence_no").collect()
    on_timeline = {(r.source_table, r.source_key) for r in timeline}
    # a feedback case shows each of its events; the ground truth keys them <case>/<event>
    missing = [k for k in keys if k not in on_timeline]
    assert missing == [], f"{person} -> {customer_id}: not on the timeline: {missing}"
    times = [r.event_at for r in timeline]
    assert times == sorted(times)
    assert [r.sequence_no for r in timeline] == list(range(1, len(timeline) + 1))


def _land_consent(settings, loyalty_number: str, action: str, at: datetime, n: int) -> None:
    folder = settings.path("paths.landing") / "consents"
    event = {"event_id": f"CETEST{n:07d}", "loyalty_number": loyalty_number, "email": "",
             "purpose": settings.get("segments.marketing_purpose"), "action": action,
             "event_at": at.isoformat(), "channel": "web", "policy_version": "2024-05"}
    (folder / f"consents_{at:%Y-%m-%d}_test{n}.jsonl").write_text(json.dumps(event) + "\n")


def _ingest_consents(spark, settings) -> None:
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.silver.consents import build_silver_consents

    ingest_all(spark, settings, ("consents",))
    build_silver_consents(spark, settings)


@pytest.mark.changes_main_run
def test_segment_export_drops_a_member_who_withdrew_marketing_consent(main_run, spark,
                                                                      settings, tmp_path):
    from pipelines.segments.export import export_segment

    members = (_gold(spark, settings, "fct_segment_membership")
               .join(_gold(spark, settings, "dim_customer"), "customer_id")
               .where("loyalty_number is not null").orderBy("segment", "customer_id").first())
    assert members is not None, "no loyalty member in any segment"
    segment, customer_id = members.segment, members.customer_id

    _land_consent(settings, members.loyalty_number, "given", datetime.now(UTC), 1)
    _ingest_consents(spark, settings)
    before = export_segment(spark, settings, segment, "csv", tmp_path / "before.csv", "pytest")
    assert customer_id in (tmp_path / "before.csv").read_text()

    _land_consent(settings, members.loyalty_number, "withdrawn", datetime.now(UTC), 2)
    _ingest_consents(spark, settings)
    after = export_segment(spark, settings, segment, "parquet", tmp_path / "after.parquet",
                           "pytest")
    import pandas as pd

    exported = pd.read_parquet(tmp_path / "after.parquet")
    assert customer_id not in set(exported.customer_id)
    assert after.rows == before.rows - 1 and after.members == before.members

    from privacy.audit import audit_path, verify

    audited = [json.loads(r.details) for r in spark.read.format("delta").load(
        audit_path(settings)).where("action = 'segment_export'").collect()]
    assert {(d["sha256"], d["rows"], d["exported_by"]) for d in audited} >= {
        (before.sha256, before.rows, "pytest"), (after.sha256, after.rows, "pytest")}
    assert verify(settings) is None


def test_unknown_segment_is_a_clear_error_listing_known_ones(settings):
    from pipelines.errors import LakehouseError
    from pipelines.segments.export import check_segment

    with pytest.raises(LakehouseError) as error:
        check_segment(settings, "no_such_segment")
    assert "family_leisure" in error.value.fix
