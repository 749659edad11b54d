"""The master key: 32 random bytes, base64, from ``$LAKEHOUSE_MASTER_KEY`` or a 0600 key file.

It never lives in the repository or the lake. It wraps the per-subject data keys and seeds the
blind-index keys, so losing it loses every encrypted value: back it up like a KMS root key. On a
fresh machine the key file is generated under ``secrets.dir`` (outside the repo), as the other
secrets are; ``pipelines.secrets`` generates text tokens, so the 32-byte key is made here.

The blind-index root is a separate secret (``<master key name>_index_root``) once the master
key has been rotated: blind indexes are HMACs stored in silver, and re-keying them would mean
rewriting every table, which is what rotation must avoid. Until the first rotation the root *is*
the master key (how every existing index was made); ``privacy.rotation`` saves it as its own
0600 file before it switches the master key, so indexes made before and after still join.
"""

from __future__ import annotations

import base64
import binascii
import os

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.secrets import read_secret, secret_path
from privacy.crypto import KEY_BYTES


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LakehouseError(f"master key in {where} is not base64",
                             "generate one: python -c \"import os,base64;"
                             "print(base64.b64encode(os.urandom(32)).decode())\"") from exc
    if len(key) != KEY_BYTES:
        raise LakehouseError(f"master key in {where} is {len(key)} bytes, expected {KEY_BYTES}",
                             "use 32 random bytes, base64-encoded")
    return key


def _create_key_file(settings: Settings, name: str) -> None:
    path = secret_path(settings, name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; use theirs
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(base64.b64encode(os.urandom(KEY_BYTES)).decode() + "\n")


def master_key_name(settings: Settings) -> str:
    return settings.get("privacy.master_key_secret", "master_key")


def env_var(name: str) -> str:
    """The environment variable that overrides the key file of secret ``name``."""
    return f"LAKEHOUSE_{name.upper()}"


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def key_command(settings: Settings) -> list[str] | None:
    """``privacy.master_key_command``: the argv of a command that prints the master key (base64),
    e.g. a Vault or KMS CLI, in production; None where the key is an env var or a key file."""
    command = settings.get("privacy.master_key_command", None)
    if not command:
        return None
    if isinstance(command, str) or not all(isinstance(part, str) for part in command):
        raise LakehouseError(
            f"privacy.master_key_command must be a list of strings (argv), got {command!r}",
            'write it as a YAML list, e.g. ["vault", "kv", "get", "-field=key", "secret/x"]')
    return list(command)


def _from_command(argv: list[str]) -> bytes:
    """Run the key command (no shell) and decode what it prints; its failure is named."""
    import subprocess

    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LakehouseError(f"privacy.master_key_command {argv[0]!r} could not run: {exc}",
                             "check the command and that its CLI is installed and logged in"
                             ) from exc
    if result.returncode != 0:
        raise LakehouseError(
            f"privacy.master_key_command {argv[0]!r} exited {result.returncode}: "
            f"{result.stderr.strip()[-300:]}",
            "check the KMS / Vault login and the key's path")
    return _decode(result.stdout, f"the output of privacy.master_key_command ({argv[0]})")


def load_master_key(settings: Settings, create: bool = True) -> bytes:
    """Return the 32-byte master key: from ``privacy.master_key_command`` when configured (KMS /
    Vault), else ``$LAKEHOUSE_<name>``, else the key file, created (0600) when absent and
    ``create``."""
    command = key_command(settings)
    if command:
        return _from_command(command)
    name = settings.get("privacy.master_key_secret", "master_key")
    if create and not os.environ.get(f"LAKEHOUSE_{name.upper()}"):
        if not secret_path(settings, name).exists():
            _create_key_file(settings, name)
    where = f"$LAKEHOUSE_{name.upper()} or {secret_path(settings, name)}"
    return _decode(read_secret(settings, name, create=False), where)


def index_root_name(settings: Settings) -> str:
    """The blind-index root's secret name; tied to the master key's, so two environments with
    their own master keys never share a root."""
    return settings.get("privacy.blind_index_root_secret",
                        f"{master_key_name(settings)}_index_root")


def load_index_root(settings: Settings) -> bytes:
    """The root of the blind-index (HMAC) keys: its own secret after a rotation, else the master
    key (see the module docstring)."""
    name = index_root_name(settings)
    if os.environ.get(env_var(name)) or secret_path(settings, name).exists():
        where = f"${env_var(name)} or {secret_path(settings, name)}"
        return _decode(read_secret(settings, name, create=False), where)
    return load_master_key(settings)
