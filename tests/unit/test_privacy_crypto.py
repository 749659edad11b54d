"""Envelope encryption, key wrapping, blind indexes and the master key: pure crypto, no Spark."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from privacy.blind_index import blind_index, index_key, normalise
from privacy.crypto import (
    DecryptionError,
    blob_key_version,
    decrypt_value,
    encrypt_value,
    generate_data_key,
    unwrap_key,
    wrap_key,
)

MASTER = bytes(range(32))


def test_value_round_trips_under_its_key():
    key = generate_data_key()
    blob = encrypt_value(key, "Zoë O'Brien", "L1", "last_name", 1)
    assert decrypt_value(key, blob, "L1", "last_name") == "Zoë O'Brien"
    assert blob_key_version(blob) == 1


def test_ciphertext_is_randomised_and_hides_the_value():
    key = generate_data_key()
    first, second = (encrypt_value(key, "ann@example.org", "L1", "email", 1) for _ in range(2))
    assert first != second
    assert b"ann@example.org" not in first


def test_wrong_key_fails():
    blob = encrypt_value(generate_data_key(), "ann", "L1", "first_name", 1)
    with pytest.raises(DecryptionError):
        decrypt_value(generate_data_key(), blob, "L1", "first_name")


@pytest.mark.parametrize("position", [0, 3, 5, 20, -1])
def test_tampered_ciphertext_fails(position):
    key = generate_data_key()
    blob = bytearray(encrypt_value(key, "P1234567", "L1", "passport_number", 1))
    blob[position] ^= 0x01
    with pytest.raises(DecryptionError):
        decrypt_value(key, bytes(blob), "L1", "passport_number")


@pytest.mark.parametrize(("subject", "column"), [("L2", "email"), ("L1", "phone")])
def test_ciphertext_is_bound_to_its_subject_and_column(subject, column):
    key = generate_data_key()
    blob = encrypt_value(key, "ann@example.org", "L1", "email", 1)
    with pytest.raises(DecryptionError):
        decrypt_value(key, blob, subject, column)


def test_truncated_ciphertext_fails():
    key = generate_data_key()
    with pytest.raises(DecryptionError):
        decrypt_value(key, encrypt_value(key, "x", "L1", "city", 1)[:20], "L1", "city")


def test_wrapped_key_unwraps_only_for_its_master_subject_and_version():
    data_key = generate_data_key()
    wrapped = wrap_key(MASTER, data_key, "L1", 1)
    assert unwrap_key(MASTER, wrapped, "L1", 1) == data_key
    assert data_key not in wrapped
    for master, subject, version in ((os.urandom(32), "L1", 1), (MASTER, "L2", 1),
                                     (MASTER, "L1", 2)):
        with pytest.raises(DecryptionError):
            unwrap_key(master, wrapped, subject, version)


def test_blind_index_is_stable_across_formatting_and_keyed():
    key = index_key(MASTER, "email")
    assert blind_index(key, ["email"], [" Ann@Example.ORG "]) == blind_index(
        key, ["email"], ["ann@example.org"])
    assert blind_index(key, ["email"], ["ann@example.org"]) != blind_index(
        index_key(os.urandom(32), "email"), ["email"], ["ann@example.org"])
    assert len(blind_index(key, ["email"], ["ann@example.org"])) == 64


def test_index_keys_differ_by_kind():
    assert index_key(MASTER, "email") != index_key(MASTER, "phone")
    assert index_key(MASTER, "email") == index_key(MASTER, "email")


def test_composite_index_matches_name_variants_and_needs_every_part():
    key = index_key(MASTER, "name_dob")
    parts = ["last_name", "first_name", "date_of_birth"]
    assert blind_index(key, parts, ["O'Brien", "Zoë", "1980-02-01"]) == blind_index(
        key, parts, ["OBRIEN", "zoe", "1980-02-01"])
    assert blind_index(key, parts, ["O'Brien", "Zoë", None]) is None


@pytest.mark.parametrize(("column", "raw", "expected"), [
    ("email", " Ann@X.COM ", "ann@x.com"),
    ("phone", "+44 (20) 7946-0958", "+442079460958"),
    ("phone", "0044 20 7946 0958", "+442079460958"),
    ("passport_number", "ab 12-34", "AB1234"),
    ("first_name", "  José-María ", "josemaria"),
    ("last_name", "", None),
    ("email", None, None),
])
def test_normalisation_rules(column, raw, expected):
    assert normalise(column, raw) == expected


def test_master_key_file_is_created_private_and_reused(tmp_path, monkeypatch):
    from pipelines.config import Settings
    from privacy.master_key import load_master_key

    monkeypatch.delenv("LAKEHOUSE_MASTER_KEY", raising=False)
    settings = Settings(env="unit", raw={"paths": {"var": str(tmp_path)},
                                         "secrets": {"dir": str(tmp_path / "secrets")}})
    first = load_master_key(settings)
    path = tmp_path / "secrets" / "master_key"
    assert len(first) == 32 and load_master_key(settings) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_master_key_from_environment_must_be_32_bytes(tmp_path, monkeypatch):
    from pipelines.config import Settings
    from pipelines.errors import LakehouseError
    from privacy.master_key import load_master_key

    settings = Settings(env="unit", raw={"paths": {"var": str(tmp_path)},
                                         "secrets": {"dir": str(tmp_path / "secrets")}})
    monkeypatch.setenv("LAKEHOUSE_MASTER_KEY", base64.b64encode(MASTER).decode())
    assert load_master_key(settings) == MASTER
    monkeypatch.setenv("LAKEHOUSE_MASTER_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(LakehouseError):
        load_master_key(settings)
