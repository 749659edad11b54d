"""Master-key rotation: re-wrapping, refusals, the blind-index root, and one run on a tmp lake."""

from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime

import pytest

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from privacy.crypto import DecryptionError, generate_data_key, unwrap_key, wrap_key
from privacy.rotation import backup_name, rewrap

OLD, NEW = b"o" * 32, b"n" * 32


def _settings(tmp_path) -> Settings:
    paths = {"var": str(tmp_path), "lake": str(tmp_path / "lake")}
    return Settings(env="unit", raw={"paths": paths, "secrets": {"dir": str(tmp_path / "secrets")}})


def test_rewrapped_keys_open_with_the_new_master_key_only():
    data = generate_data_key()
    (subject, version, wrapped), = rewrap(OLD, NEW, [("L1", 2, wrap_key(OLD, data, "L1", 2))])
    assert (subject, version) == ("L1", 2) and unwrap_key(NEW, wrapped, "L1", 2) == data
    with pytest.raises(DecryptionError):
        unwrap_key(OLD, wrapped, "L1", 2)


def test_rewrap_refuses_a_key_the_old_master_key_does_not_open():
    with pytest.raises(DecryptionError):
        rewrap(OLD, NEW, [("L1", 1, wrap_key(NEW, generate_data_key(), "L1", 1))])


def test_backup_file_is_dated_beside_the_key_file(tmp_path):
    when = datetime(2026, 11, 29, 19, 5, 1, tzinfo=UTC)
    expected = tmp_path / "master_key.20261129T190501Z.bak"
    assert backup_name(tmp_path / "master_key", when) == expected


def test_rotation_is_refused_when_the_key_comes_from_the_environment(tmp_path, monkeypatch):
    from privacy.rotation import rotate_master_key

    monkeypatch.setenv("LAKEHOUSE_MASTER_KEY", base64.b64encode(OLD).decode())
    with pytest.raises(LakehouseError, match="LAKEHOUSE_MASTER_KEY") as err:
        rotate_master_key(None, _settings(tmp_path), "dpo")
    assert "KMS" in err.value.fix


def _with_command(tmp_path, argv) -> Settings:
    settings = _settings(tmp_path)
    return Settings(env="unit", raw={**settings.raw, "privacy": {"master_key_command": argv}})


def test_master_key_from_a_kms_or_vault_command(tmp_path):
    import sys

    from privacy.master_key import load_master_key

    printed = base64.b64encode(NEW).decode()
    settings = _with_command(tmp_path, [sys.executable, "-c", f"print('{printed}')"])
    assert load_master_key(settings) == NEW
    assert not (tmp_path / "secrets" / "master_key").exists()  # no key file made beside it


def test_a_failing_or_malformed_key_command_is_named(tmp_path):
    import sys

    from privacy.master_key import load_master_key

    failing = _with_command(tmp_path, [sys.executable, "-c", "import sys; sys.exit('denied')"])
    with pytest.raises(LakehouseError, match="exited 1: denied"):
        load_master_key(failing)
    with pytest.raises(LakehouseError, match="list of strings"):
        load_master_key(_with_command(tmp_path, "vault kv get x"))
    short = _with_command(tmp_path, [sys.executable, "-c", "print('c2hvcnQ=')"])
    with pytest.raises(LakehouseError, match="5 bytes"):
        load_master_key(short)


def test_rotation_is_refused_when_the_key_comes_from_a_command(tmp_path):
    import sys

    from privacy.rotation import rotate_master_key

    settings = _with_command(tmp_path, [sys.executable, "-c", "print('x')"])
    with pytest.raises(LakehouseError, match="master_key_command") as err:
        rotate_master_key(None, settings, "dpo")
    assert "Vault" in err.value.fix


def test_blind_index_root_is_the_master_key_until_saved_separately(tmp_path, monkeypatch):
    from privacy.master_key import load_index_root, load_master_key
    from privacy.rotation import write_secret_file

    monkeypatch.delenv("LAKEHOUSE_MASTER_KEY", raising=False)
    monkeypatch.delenv("LAKEHOUSE_MASTER_KEY_INDEX_ROOT", raising=False)
    settings = _settings(tmp_path)
    master = load_master_key(settings)
    assert load_index_root(settings) == master
    write_secret_file(tmp_path / "secrets" / "master_key_index_root", OLD)
    assert load_index_root(settings) == OLD and load_master_key(settings) == master


def test_rotation_rewraps_the_key_store_and_keeps_the_old_key_file(tmp_path, monkeypatch, spark):
    from privacy.keys import ensure_subject_keys, live_keys
    from privacy.master_key import load_index_root, load_master_key
    from privacy.rotation import rotate_master_key

    monkeypatch.delenv("LAKEHOUSE_MASTER_KEY", raising=False)
    monkeypatch.delenv("LAKEHOUSE_MASTER_KEY_INDEX_ROOT", raising=False)
    settings = _settings(tmp_path)
    old = load_master_key(settings)
    subjects = spark.createDataFrame([("L1",), ("L2",)], "subject_id string")
    ensure_subject_keys(spark, settings, subjects)
    before = {r["subject_id"]: unwrap_key(old, bytes(r["wrapped_key"]), r["subject_id"], 1)
              for r in live_keys(spark, settings).collect()}
    report = rotate_master_key(spark, settings, "dpo")
    new = load_master_key(settings, create=False)
    after = {r["subject_id"]: unwrap_key(new, bytes(r["wrapped_key"]), r["subject_id"], 1)
             for r in live_keys(spark, settings).collect()}
    backup = tmp_path / "secrets" / report["backup"].rsplit("/", 1)[1]
    assert new != old and after == before and report["rewrapped"] == 2
    assert base64.b64decode(backup.read_text()) == old
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert load_index_root(settings) == old  # blind indexes keep their key
