"""``lakehouse privacy rotate-master-key``: a new master key, every live data key re-wrapped.

Envelope encryption makes rotation cheap: only ``ops.subject_keys.wrapped_key`` changes (one
MERGE of a few thousand 60-byte values); no PII ciphertext is rewritten. Destroyed keys stay
null. Blind indexes do not depend on the master key after this (``privacy.master_key``: the
current master key is first saved as the blind-index root, once), so matching is unaffected.

Order, so an interruption never leaves data keys wrapped under a key nobody has:

1. refuse when the key comes from ``$LAKEHOUSE_MASTER_KEY`` (rotate it in the KMS / secret
   store that sets it; we cannot switch it) or when an interrupted rotation left a staged key;
2. unwrap every live key with the old master key (a failure aborts before any change);
3. write the new key to ``<key file>.new`` (0600), MERGE the re-wrapped keys, VACUUM the key
   store (old wrapped copies go), check one key unwraps under the new key;
4. keep the old key file as ``<key file>.<UTC time>.bak`` (0600) and move the new one in place
   (``os.replace``, atomic); audit.

Only this environment's key store is re-wrapped. Environments that share the key file (by
default all on one machine: ``secrets.dir``) must each first get a copy under a name of their
own (``privacy.master_key_secret``), or their key stores stop unwrapping after the switch.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.secrets import secret_path
from privacy.crypto import KEY_BYTES, unwrap_key, wrap_key
from privacy.master_key import (
    encode_key,
    env_var,
    index_root_name,
    key_command,
    load_master_key,
    master_key_name,
)


def rewrap(old: bytes, new: bytes, rows: list[tuple[str, int, bytes]]) -> list[tuple]:
    """``(subject_id, key_version, wrapped under new)`` for rows wrapped under ``old`` (pure);
    raises :class:`privacy.crypto.DecryptionError` if any does not unwrap."""
    return [(s, v, wrap_key(new, unwrap_key(old, bytes(w), s, v), s, v)) for s, v, w in rows]


def write_secret_file(path: Path, key: bytes) -> None:
    """Write a base64 key file with mode 0600 (created so, never widened)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(encode_key(key) + "\n")


def backup_name(path: Path, now: datetime) -> Path:
    """``<key file>.<YYYYmmddTHHMMSSZ>.bak`` beside the key file (pure)."""
    return path.with_name(f"{path.name}.{now:%Y%m%dT%H%M%SZ}.bak")


def check_can_rotate(settings: Settings) -> Path:
    """The key file to rotate; raise when rotation cannot or must not run here."""
    name = master_key_name(settings)
    if key_command(settings):
        raise LakehouseError(
            "the master key comes from privacy.master_key_command (KMS / Vault), which this "
            "command cannot change",
            "rotate it in the KMS / Vault: create the new key there, re-wrap with it, then "
            "point the command at it")
    if os.environ.get(env_var(name)):
        raise LakehouseError(
            f"the master key comes from ${env_var(name)}, which this command cannot change",
            "rotate it where it is set (KMS / secret store): create the new key there, re-wrap "
            "with it, then switch the variable; or unset it to use the key file")
    path = secret_path(settings, name)
    staged = path.with_name(path.name + ".new")
    if staged.exists():
        raise LakehouseError(
            f"an interrupted rotation left {staged}",
            f"if ops.subject_keys unwraps with it, move it to {path}; else delete it, then "
            "rotate again")
    if not path.exists():
        raise LakehouseError(f"no master key file at {path}", "run `make setup` first")
    return path


def _keep_index_root(settings: Settings, old: bytes) -> bool:
    """Save the pre-rotation master key as the blind-index root (first rotation only)."""
    name = index_root_name(settings)
    if os.environ.get(env_var(name)) or secret_path(settings, name).exists():
        return False
    write_secret_file(secret_path(settings, name), old)
    return True


def rotate_master_key(spark, settings: Settings, actor: str) -> dict:
    """Rotate the master key of this environment (see the module docstring); return a report."""
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    from privacy import audit
    from privacy.keys import PURGE_CONF, SCHEMA, key_store_path, live_keys, session_conf

    path = check_can_rotate(settings)
    audit.require_intact(settings)
    old, new = load_master_key(settings, create=False), os.urandom(KEY_BYTES)
    live = [(r["subject_id"], r["key_version"], r["wrapped_key"])
            for r in live_keys(spark, settings).collect()]
    fresh = rewrap(old, new, live)  # every key checked before anything changes
    root_saved = _keep_index_root(settings, old)
    staged = path.with_name(path.name + ".new")
    write_secret_file(staged, new)
    now = datetime.now(UTC)
    if fresh:
        rows = spark.createDataFrame([(s, v, w, now, None) for s, v, w in fresh], SCHEMA)
        store = DeltaTable.forPath(spark, key_store_path(settings))
        (store.alias("t").merge(rows.alias("s"), "t.subject_id = s.subject_id and "
                                "t.key_version = s.key_version and t.wrapped_key is not null")
         .whenMatchedUpdate(set={"wrapped_key": "s.wrapped_key"}).execute())
        with session_conf(spark, PURGE_CONF):
            store.vacuum(0.0)
        s, v, _ = fresh[0]
        check = live_keys(spark, settings).where(F.col("subject_id") == s).first()
        unwrap_key(new, bytes(check["wrapped_key"]), s, v)
    backup = backup_name(path, now)
    os.replace(path, backup)
    os.chmod(backup, 0o600)
    os.replace(staged, path)
    report = {"rewrapped": len(fresh), "backup": str(backup), "key_file": str(path),
              "blind_index_root_saved": root_saved, "at": now.isoformat()}
    audit.append(settings, actor, "privacy_rotate_master_key", report)
    return report
