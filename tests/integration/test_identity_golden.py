"""Golden customers end to end on one generated dataset: stable ids, guardrails, split, audit, F1.

Works in ``<var>/it_identity`` (wiped at its start): batches 1-2 of a small generated world go
through bronze and silver (loyalty, PNR, EDH check-in passengers); before bronze, eight
passengers of different people get one agency desk email and phone (strong evidence Splink
would follow without the identifier limits). Identity runs twice on that data, then once
more after batch 3 is added.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from pipelines.generate.scenarios import AGENCY, PLANTED

pytestmark = pytest.mark.integration

CUSTOMERS, DAYS, SEED = 150, 3, 11


def _dirt():
    """conf/generator.yaml's dirt, every kind of it (impossible DOCS birth dates included)."""
    from pipelines.generate.settings import load_generator_config

    return load_generator_config()[0]


DIRT = _dirt()
# Issue #4 targets F1 >= 0.98. Measured on this world (seed 11, all batches in one run,
# benchmarks/bench_identity_seeds.py): 0.952 before the third round of identity changes, 0.976
# after it, 0.981 after the fourth (PNR co-travel comparison, wider ambiguity rule); 0.995 on
# seed 42 and 0.986 on seed 7 (docs/research/identity_resolution.md). What is left here are
# name-only bookings of same-named relatives. Floor: measured minus margin (this test runs
# identity twice, after batches 1-2 and after batch 3).
F1_FLOOR = 0.97


def _plant_agency_contact(root) -> list[str]:
    from pipelines.generate.scenarios import plant_agency_contact

    planted = plant_agency_contact(root, PLANTED, AGENCY)
    assert len(planted) == PLANTED
    return planted


def _load(spark, local):
    """Bronze and silver for the identity sources: loyalty, PNR and EDH check-in passengers."""
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.silver.flight_ops import FLOWS
    from pipelines.silver.flow import build_table
    from pipelines.silver.loyalty import build_silver_loyalty
    from pipelines.silver.pnr import build_silver_pnr

    ingest_all(spark, local, ("loyalty", "pnr", "edh_pax"))
    build_silver_loyalty(spark, local)
    build_silver_pnr(spark, local)
    build_table(spark, local, next(f for f in FLOWS if f.table == "flight_passengers"))


def _xref(spark, local) -> dict[tuple[str, str], str]:
    from pipelines.identity import store

    return {(r.source_table, r.record_key): r.customer_id
            for r in store.read(spark, local, store.XREF).collect()}


@pytest.fixture(scope="module")
def world(spark, settings):
    from pipelines.generate import generate
    from pipelines.identity.golden import resolve_customers

    root = settings.var_dir / "it_identity"
    shutil.rmtree(root, ignore_errors=True)
    local = settings.with_overrides({f"paths.{key}": str(root / key) for key in
                                     ("landing", "ground_truth", "lake", "checkpoints",
                                      "reports")})
    for day in (1, 2):
        generate(root, customers=CUSTOMERS, days=DAYS, seed=SEED, start_date=date(2026, 1, 1),
                 dirt=DIRT, day=day, workers=1)
    planted = _plant_agency_contact(root)
    _load(spark, local)
    first = resolve_customers(spark, local, run_id="it-1")
    xref_1 = _xref(spark, local)
    merges_1 = _table(spark, local, "ops", "identity_merges").count()
    second = resolve_customers(spark, local, run_id="it-2")
    xref_2 = _xref(spark, local)
    merges_2 = _table(spark, local, "ops", "identity_merges").count()
    generate(root, customers=CUSTOMERS, days=DAYS, seed=SEED, start_date=date(2026, 1, 1),
             dirt=DIRT, day=3, workers=1)
    _load(spark, local)
    third = resolve_customers(spark, local, run_id="it-3")
    return {"local": local, "planted": planted, "runs": (first, second, third),
            "xref": (xref_1, xref_2, _xref(spark, local)), "merges": (merges_1, merges_2)}


def _table(spark, local, layer, name):
    from pipelines.spark import table_path

    return spark.read.format("delta").load(str(table_path(local, layer, name)))


def test_rerun_without_new_data_changes_nothing(world):
    first, second, _ = world["runs"]
    assert world["xref"][0] == world["xref"][1]
    assert world["merges"][0] == world["merges"][1]
    assert second["customers_created"] == 0 and second["merges"] == 0
    assert first["customers"] == second["customers"]


def test_added_day_keeps_every_existing_id_or_records_the_merge(world, spark):
    old, _, new = world["xref"]
    assert set(old) < set(new)
    retired = {r.absorbed_customer_id: r.customer_id for r in _table(
        spark, world["local"], "ops", "identity_merges").where(
        "absorbed_customer_id is not null").collect()}
    for record, customer in old.items():
        assert new[record] in (customer, retired.get(customer)), record
    newest_old = max(old.values())
    fresh = {c for r, c in new.items() if r not in old and c not in old.values()}
    assert all(c > newest_old for c in fresh)  # new customers continue the sequence


def test_agency_contact_shared_by_many_passengers_links_none_of_them(world):
    *_, xref = world["xref"]
    customers = [xref[("silver.pnr_passengers", key)] for key in world["planted"]]
    assert len(set(customers)) == PLANTED
    assert world["runs"][0]["shared_identifiers_nulled"]["email"] >= 1
    assert world["runs"][0]["shared_identifiers_nulled"]["phone"] >= 1


def test_check_in_loyalty_number_joins_a_booking_to_its_member(world, spark):
    """A booking without the traveller's number, whose ticket was checked in with one, is that
    member (deterministic rule ``checkin_loyalty_number``; computed from silver, not truth)."""
    local = world["local"]
    checked_in = (_table(spark, local, "silver", "flight_passengers")
                  .where("loyalty_number is not null")
                  .selectExpr("ticket_number", "loyalty_number as checkin_number").distinct())
    bookings = (_table(spark, local, "silver", "pnr_passengers")
                .where("loyalty_number is null").join(checked_in, "ticket_number")
                .select("pax_key", "checkin_number").collect())
    *_, xref = world["xref"]
    members = {key: customer for (table, key), customer in xref.items()
               if table == "silver.loyalty_members"}
    checked = [(xref[("silver.pnr_passengers", r.pax_key)], members[r.checkin_number])
               for r in bookings if r.checkin_number in members]
    assert checked, "the test world should hold bookings whose loyalty number only check-in knows"
    assert all(booking == member for booking, member in checked)
    assert world["runs"][0]["edges_by_evidence"].get("checkin_loyalty_number", 0) > 0


def test_no_customer_holds_two_loyalty_numbers(world, spark):
    from pyspark.sql import functions as F

    local = world["local"]
    numbers = _table(spark, local, "silver", "loyalty_members").select(
        F.lit("silver.loyalty_members").alias("source_table"),
        F.col("loyalty_number").alias("record_key"), "loyalty_number").unionByName(
        _table(spark, local, "silver", "pnr_passengers").select(
            F.lit("silver.pnr_passengers").alias("source_table"),
            F.col("pax_key").alias("record_key"), "loyalty_number"))
    per_customer = (_table(spark, local, "silver", "customer_xref")
                    .join(numbers, ["source_table", "record_key"])
                    .where("loyalty_number is not null").groupBy("customer_id")
                    .agg(F.countDistinct("loyalty_number").alias("n")))
    assert per_customer.count() > 0
    assert per_customer.where("n > 1").count() == 0
    golden = _table(spark, local, "silver", "golden_customers")
    assert golden.count() == golden.select("customer_id").distinct().count()
    assert golden.where("loyalty_number is not null").count() == per_customer.count()


def test_f1_against_ground_truth(world, spark):
    from pipelines.identity.accuracy import identity_accuracy

    report = identity_accuracy(spark, world["local"])
    assert report["records"] > 150
    assert report["precision"] >= 0.93 and report["f1"] >= F1_FLOOR, report
    assert (world["local"].path("paths.reports") / "identity_accuracy.json").exists()


def test_split_is_audited_survives_a_rerun_and_tampering_is_detected(world, spark):
    from pipelines.identity.golden import resolve_customers
    from pipelines.identity.split import split_customer
    from privacy import audit

    local = world["local"]
    xref = _table(spark, local, "silver", "customer_xref")
    customer = (xref.groupBy("customer_id").count().where("count >= 2")
                .orderBy("customer_id").first()["customer_id"])
    moved = xref.where(f"customer_id = '{customer}'").orderBy("record_key").first()
    done = split_customer(spark, local, customer, [moved.record_key], "two people", "steward")
    after = _xref(spark, local)
    assert after[(moved.source_table, moved.record_key)] == done["new_customer_id"]
    assert audit.verify(local) is None and audit.count(local) == 1
    resolve_customers(spark, local, run_id="it-after-split")
    again = _xref(spark, local)
    assert again[(moved.source_table, moved.record_key)] == done["new_customer_id"]
    assert customer in again.values()
    path = audit.audit_path(local)
    spark.sql(f"alter table delta.`{path}` set tblproperties ('delta.appendOnly' = 'false')")
    spark.sql(f"update delta.`{path}` set actor = 'mallory' where seq = 1")
    broken = audit.verify(local)
    assert broken is not None and broken["seq"] == 1
