"""PII encrypted at rest and crypto-shredding, on real Delta tables in a lake of their own.

Two members are written through ``encrypt_columns``, updated once (a second Delta version), then
one member's data key is destroyed. No file holds clear PII; with the key everything decrypts;
after destruction the erased member's PII is unreadable in *every* Delta version while the other
member's still decrypts, and no copy of the destroyed wrapped key is left in the key store.
"""

from __future__ import annotations

import copy
import shutil
from datetime import date

import pytest

pytestmark = pytest.mark.integration

PII = ["first_name", "last_name", "date_of_birth", "email", "phone", "passport_number"]
INDEXES = {"email": ["email"], "name_dob": ["last_name", "first_name", "date_of_birth"]}
COLUMNS = ["member_id", "tier", *PII]
SCHEMA = ", ".join(f"{c} {'date' if c == 'date_of_birth' else 'string'}" for c in COLUMNS)
ERASED, KEPT = "PIITEST-ERASED", "PIITEST-KEPT"
ROWS = [
    (ERASED, "GOLD", "Erika", "Mustermann", date(1971, 3, 4), "erika@example.org",
     "+4915112345678", "C01X00T47"),
    (KEPT, "BLUE", "Zoë", "O'Brien", date(1990, 12, 31), "zoe@example.org", "+353861234567",
     "PB1234567"),
]
UPDATES = [
    (ERASED, "PLATINUM", "Erika", "Mustermann", date(1971, 3, 4), "erika.m@example.net",
     "+4915112345678", "C01X00T47"),
    (KEPT, "SILVER", "Zoë", "O'Brien", date(1990, 12, 31), "zoe.obrien@example.net",
     "+353861234567", "PB1234567"),
]
CLEAR_MARKERS = ["Erika", "Mustermann", "erika", "4915112345678", "C01X00T47", "O'Brien",
                 "zoe", "353861234567", "PB1234567", "1971-03-04"]


@pytest.fixture(scope="module")
def pii_settings(settings):
    """The session settings with a private lake, so the key store here is ours alone."""
    from pipelines.config import Settings

    raw = copy.deepcopy(settings.raw)
    lake = settings.var_dir / "pii_test" / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    raw["paths"]["lake"] = str(lake)
    return Settings(env=settings.env, raw=raw)


@pytest.fixture(scope="module")
def members(spark, pii_settings):
    """Write version 0 (insert) and version 1 (MERGE of updates); return the table path."""
    from delta.tables import DeltaTable

    from privacy.columns import encrypt_columns

    path = str(pii_settings.path("paths.lake") / "silver" / "pii_members")
    first = encrypt_columns(spark.createDataFrame(ROWS, SCHEMA), "member_id", PII, pii_settings,
                            INDEXES)
    first.write.format("delta").save(path)
    updates = encrypt_columns(spark.createDataFrame(UPDATES, SCHEMA), "member_id", PII,
                              pii_settings, INDEXES)
    (DeltaTable.forPath(spark, path).alias("t").merge(updates.alias("s"),
                                                      "t.member_id = s.member_id")
     .whenMatchedUpdateAll().execute())
    return path


def _decrypted(spark, settings, path, version):
    from privacy.columns import decrypt_columns

    df = spark.read.format("delta").option("versionAsOf", version).load(path)
    return {r.member_id: r.asDict() for r in
            decrypt_columns(df, "member_id", PII, settings).collect()}


def _expected(row) -> dict:
    values = dict(zip(COLUMNS, row, strict=True))
    return {c: str(values[c]) for c in PII}


def test_table_stores_ciphertext_and_blind_indexes_only(spark, members):
    columns = spark.read.format("delta").load(members).columns
    assert not set(PII) & set(columns)
    assert {f"{c}_enc" for c in PII} | {"email_bidx", "name_dob_bidx"} <= set(columns)


def test_no_clear_pii_in_any_file_of_the_table(members):
    from pathlib import Path

    import pyarrow.parquet as pq

    files = [p for p in Path(members).rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        content = path.read_bytes()
        text = str(pq.read_table(path).to_pylist()) if path.suffix == ".parquet" else ""
        for marker in CLEAR_MARKERS:
            assert marker.encode() not in content and marker not in text, (marker, path)


def test_every_version_decrypts_with_the_key(spark, pii_settings, members):
    first = _decrypted(spark, pii_settings, members, 0)
    latest = _decrypted(spark, pii_settings, members, 1)
    assert {c: first[KEPT][c] for c in PII} == _expected(ROWS[1])
    assert {c: latest[ERASED][c] for c in PII} == _expected(UPDATES[0])
    assert latest[ERASED]["tier"] == "PLATINUM"


def test_blind_index_matches_a_normalised_lookup(spark, pii_settings, members):
    from privacy.blind_index import blind_index, index_key
    from privacy.master_key import load_master_key

    key = index_key(load_master_key(pii_settings), "email")
    probe = blind_index(key, ["email"], [" ZOE.OBRIEN@Example.NET "])
    hits = spark.read.format("delta").load(members).where(f"email_bidx = '{probe}'").collect()
    assert [r.member_id for r in hits] == [KEPT]


def test_destroyed_key_makes_pii_unreadable_in_every_version(spark, pii_settings, members):
    from pathlib import Path

    from delta.tables import DeltaTable

    from privacy.keys import destroy_subject_key, key_store_path

    store = key_store_path(pii_settings)
    wrapped = spark.read.format("delta").load(store).where(
        f"subject_id = '{ERASED}'").first().wrapped_key
    before = DeltaTable.forPath(spark, store).history(1).first().version
    assert destroy_subject_key(spark, pii_settings, ERASED) == 1
    latest = DeltaTable.forPath(spark, members).history(1).first().version
    for version in range(latest + 1):
        rows = _decrypted(spark, pii_settings, members, version)
        assert all(rows[ERASED][c] is None for c in PII), version
        assert rows[KEPT]["date_of_birth"] == "1990-12-31", version
    leftovers = [p for p in Path(store).rglob("*") if p.is_file()
                 and bytes(wrapped) in p.read_bytes()]
    assert leftovers == []
    with pytest.raises(Exception, match="(?i)file|exist|not found"):
        spark.read.format("delta").option("versionAsOf", before).load(store).collect()
