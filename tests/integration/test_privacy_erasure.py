"""GDPR erasure, subject access and master-key rotation on the shared main-job lake.

Erasure deletes data for good, so the module is marked ``changes_main_run`` (collected last).
One customer with a loyalty profile, a PNR record and a CMP score is erased once (module
fixture); each test checks one promise. Rotation runs on a copy of the key store with a copy of
the master key in a temporary secrets folder: the real key file is shared by every environment
on the machine and must not change under other people's lakes.
"""

from __future__ import annotations

import json
import shutil

import pytest

from pipelines.spark import table_path

pytestmark = [pytest.mark.integration, pytest.mark.changes_main_run]
REQUEST = "TEST-GDPR-0001"
PLANTED = "PLANTED0001"  # conftest's planted loyalty member: Ada Planted


def _delta(spark, settings, layer, table, version=None):
    reader = spark.read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    return reader.load(str(table_path(settings, layer, table)))


def _pick_victim(spark, settings) -> dict:
    from pyspark.sql import functions as F

    from pipelines.services import postgres

    with postgres.connect(settings) as conn:
        scored = {r[0] for r in conn.execute("select customer_id from customer_scores")}
    xref = _delta(spark, settings, "silver", "customer_xref")
    both = (xref.groupBy("customer_id").agg(F.collect_set("source_table").alias("t"))
            .where(F.array_contains("t", "silver.loyalty_members")
                   & F.array_contains("t", "silver.pnr_passengers")))
    ids = sorted(r["customer_id"] for r in both.collect() if r["customer_id"] in scored)
    planted = {r["customer_id"] for r in xref.where(F.col("record_key") == PLANTED).collect()}
    cid = next(c for c in ids if c not in planted)
    rows = xref.where(F.col("customer_id") == cid).collect()
    return {"customer_id": cid,
            "loyalty": [r["record_key"] for r in rows
                        if r["source_table"] == "silver.loyalty_members"],
            "pax": [r["record_key"] for r in rows if r["source_table"] == "silver.pnr_passengers"]}


@pytest.fixture(scope="module")
def erasure(spark, settings, main_run):
    """Erase one customer (timed), then ask again; keep what is needed to check both."""
    import time

    from pyspark.sql import functions as F

    from privacy.erasure import erase_customer

    victim = _pick_victim(spark, settings)
    _quarantine_lines(spark, settings, victim["loyalty"][0])
    # What a stolen backup of silver would hold: the customer's ciphertext as of now.
    backup = (_delta(spark, settings, "silver", "loyalty_members")
              .where(F.col("loyalty_number").isin(victim["loyalty"]))
              .select("loyalty_number", "first_name_enc", "email_enc").collect())
    t0 = time.perf_counter()
    first = erase_customer(spark, settings, victim["customer_id"], REQUEST, "pytest-dpo")
    seconds = time.perf_counter() - t0
    versions = {t: _version(spark, settings, t) for t in ("bronze.loyalty_members",
                                                          "gold.customer_360")}
    second = erase_customer(spark, settings, victim["customer_id"], REQUEST, "pytest-dpo")
    return {**victim, "first": first, "second": second, "seconds": seconds, "backup": backup,
            "versions_after_first": versions}


QUARANTINE_CONTROL = "9999999999"  # a loyalty number nobody has


def _quarantine_lines(spark, settings, loyalty_number: str) -> None:
    """Two malformed lines in quarantine: one naming the victim's loyalty number, one not."""
    from pyspark.sql import functions as F

    quarantine = _delta(spark, settings, "quarantine", "records")
    template = quarantine.limit(1)
    lines = [f"{loyalty_number},GOLD,truncated", f"{QUARANTINE_CONTROL},GOLD,truncated"]
    for line in lines:
        template.withColumn("raw", F.lit(line)).write.format("delta").mode("append").save(
            str(table_path(settings, "quarantine", "records")))


def _version(spark, settings, name):
    from delta.tables import DeltaTable

    layer, table = name.split(".")
    return DeltaTable.forPath(spark, str(table_path(settings, layer, table))).history(1) \
        .collect()[0]["version"]


def test_no_silver_or_gold_table_keeps_a_row_of_the_erased_customer(spark, settings, erasure):
    from privacy.erasure_purge import tables_with_customer_id

    tables = tables_with_customer_id(settings, ("silver", "gold"))
    assert "gold.customer_360" in tables and "silver.customer_xref" in tables
    from pyspark.sql import functions as F

    counts = [_delta(spark, settings, *t.split(".")).where(
        F.col("customer_id") == erasure["customer_id"]).select(F.lit(t).alias("t"))
        for t in tables]
    union = counts[0]
    for more in counts[1:]:
        union = union.unionByName(more)
    left = [r["t"] for r in union.collect()]  # one job for every table
    assert left == []


def test_quarantined_raw_lines_naming_the_customer_are_gone(spark, settings, erasure):
    from pyspark.sql import functions as F

    raw = _delta(spark, settings, "quarantine", "records").select("raw")
    assert raw.where(F.col("raw").contains(erasure["loyalty"][0])).count() == 0
    assert raw.where(F.col("raw").startswith(QUARANTINE_CONTROL)).count() == 1
    changed = {t["table"] for t in erasure["first"].certificate["delta_tables"]}
    assert "quarantine.records" in changed


def test_postgres_keeps_no_row_of_the_erased_customer(settings, erasure):
    from pipelines.services import postgres

    with postgres.connect(settings) as conn:
        left = {t: conn.execute(f"select count(*) from {t} where customer_id = %s",
                                [erasure["customer_id"]]).fetchone()[0]
                for t in ("customer_scores", "next_best_action", "segment_membership")}
    assert erasure["first"].certificate["postgres"]["customer_scores"] >= 1
    assert not any(left.values()), left


def _erased_bronze(df, erasure) -> int:
    """Bronze rows that still carry the erased loyalty numbers or PNR passengers."""
    from pyspark.sql import functions as F

    if "passengers" not in df.columns:
        return df.where(F.col("loyalty_number").isin(erasure["loyalty"])).count()
    hits = 0
    for row in df.where(F.col("record_locator").isin(
            [p.split("/")[0] for p in erasure["pax"]])).collect():
        ids = {f"{row['record_locator']}/{p['pax_id']}" for p in json.loads(row["passengers"])}
        hits += len(ids & set(erasure["pax"]))
    return hits


@pytest.mark.parametrize("table", ["loyalty_members", "pnr_bookings"])
def test_bronze_rows_are_gone_now_and_from_every_older_version(spark, settings, erasure, table):
    from delta.tables import DeltaTable

    assert _erased_bronze(_delta(spark, settings, "bronze", table), erasure) == 0
    path = str(table_path(settings, "bronze", table))
    versions = [r["version"] for r in DeltaTable.forPath(spark, path).history().collect()]
    readable_with_them = []
    for version in versions[1:]:
        try:
            found = _erased_bronze(_delta(spark, settings, "bronze", table, version), erasure)
        except Exception:  # noqa: BLE001 - files VACUUMed away: the version cannot be read
            continue
        if found:
            readable_with_them.append(version)
    assert len(versions) > 1 and readable_with_them == []


def test_a_backup_of_their_silver_ciphertext_no_longer_decrypts(spark, settings, erasure):
    from privacy.columns import decrypt_columns

    backup = spark.createDataFrame(erasure["backup"])
    assert backup.where("first_name_enc is not null").count() > 0
    opened = decrypt_columns(backup, "loyalty_number", ["first_name", "email"], settings)
    assert opened.where("first_name is not null or email is not null").count() == 0


def test_certificate_says_what_was_done_and_carries_its_hashes(erasure):
    from privacy.erasure import seal

    first = erasure["first"]
    stored = json.loads(first.path.read_text())
    body = {k: v for k, v in stored.items() if k != "body_sha256"}
    assert not first.already_erased and stored == first.certificate
    assert seal(body)["body_sha256"] == stored["body_sha256"]
    assert len(stored["request_sha256"]) == 64 and stored["requested_by"] == "pytest-dpo"
    assert stored["keys_destroyed"] >= 2  # their loyalty profile and their PNR passenger
    tables = {t["table"]: t for t in stored["delta_tables"]}
    assert {"bronze.loyalty_members", "bronze.pnr_bookings", "silver.loyalty_members",
            "gold.customer_360"} <= set(tables)
    assert all(t["purged_at_version"] >= t["version_after"] > t["version_before"]
               for t in tables.values())


def test_audit_chain_verifies_and_records_the_erasure(spark, settings, erasure):
    from privacy import audit

    assert audit.verify(settings) is None
    rows = spark.read.format("delta").load(audit.audit_path(settings)).where(
        "action = 'privacy_erase'").collect()
    mine = [json.loads(r["details"]) for r in rows if REQUEST in r["details"]]
    assert len(mine) == 1 and mine[0]["customer_id"] == erasure["customer_id"]
    assert mine[0]["certificate_sha256"] == erasure["first"].certificate["body_sha256"]


def test_a_second_erase_of_the_request_changes_nothing(spark, settings, erasure):
    second = erasure["second"]
    assert second.already_erased and second.path == erasure["first"].path
    now = {t: _version(spark, settings, t) for t in erasure["versions_after_first"]}
    assert now == erasure["versions_after_first"]


def test_new_bronze_rows_of_the_erased_member_are_kept_out_of_silver(spark, settings, erasure):
    from pyspark.sql import functions as F

    from privacy.exclusions import exclude_erased

    bronze = _delta(spark, settings, "bronze", "loyalty_members").limit(3)
    comeback = bronze.limit(1).withColumn("loyalty_number", F.lit(erasure["loyalty"][0]))
    kept = exclude_erased(bronze.unionByName(comeback), settings, "loyalty_members")
    assert kept.count() == 3
    assert kept.where(F.col("loyalty_number") == erasure["loyalty"][0]).count() == 0


def test_erasing_an_unknown_customer_is_a_clear_error(spark, settings, erasure):
    from pipelines.errors import LakehouseError
    from privacy.erasure import erase_customer

    with pytest.raises(LakehouseError, match="C999999999 not found") as err:
        erase_customer(spark, settings, "C999999999", "TEST-UNKNOWN", "pytest-dpo")
    assert err.value.fix


def test_access_export_holds_another_customers_decrypted_name(spark, settings, erasure,
                                                              tmp_path):
    from pyspark.sql import functions as F

    from privacy.access import export_subject

    xref = _delta(spark, settings, "silver", "customer_xref")
    cid = xref.where(F.col("record_key") == PLANTED).first()["customer_id"]
    path, doc = export_subject(spark, settings, cid, tmp_path / "access.json", "pytest-dpo")
    profile = doc["golden_record"]["profile"][0]
    assert (profile["first_name"], profile["last_name"]) == ("Ada", "Planted")
    assert "first_name_enc" not in profile and "email_bidx" not in profile
    assert "Planted" in path.read_text() and oct(path.stat().st_mode)[-3:] == "600"
    assert doc["gold"]["gold.dim_customer"][0]["customer_id"] == cid


def test_rotation_keeps_every_remaining_customers_pii_readable(spark, settings, erasure,
                                                               tmp_path, monkeypatch):
    from privacy import audit
    from privacy.columns import decrypt_columns
    from privacy.keys import key_store_path
    from privacy.master_key import load_master_key
    from privacy.rotation import rotate_master_key, write_secret_file

    monkeypatch.delenv("LAKEHOUSE_MASTER_KEY", raising=False)
    copy = settings.with_overrides({"secrets.dir": str(tmp_path / "secrets"),
                                    "paths.lake": str(tmp_path / "lake")})
    shutil.copytree(key_store_path(settings), key_store_path(copy))
    write_secret_file(tmp_path / "secrets" / "master_key", load_master_key(settings))
    members = _delta(spark, settings, "silver", "loyalty_members").select(
        "loyalty_number", "first_name_enc", "email_enc")

    def clear(s):
        return sorted(tuple(r) for r in decrypt_columns(members, "loyalty_number",
                                                        ["first_name", "email"], s).collect())

    before = clear(settings)
    report = rotate_master_key(spark, copy, "pytest-dpo")
    assert report["rewrapped"] > 0 and load_master_key(copy) != load_master_key(settings)
    after = clear(copy)
    assert after == before and any(r[1] for r in after)
    assert audit.verify(copy) is None and audit.count(copy) == 1
