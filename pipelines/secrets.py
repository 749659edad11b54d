"""Secrets from the environment or from key files outside the repository.

A secret named ``NAME`` is read from the environment variable ``LAKEHOUSE_<NAME>`` first, then from
``<secrets.dir>/<name>``; when neither exists and ``create`` is set, a random value is generated and
written with mode 0600 so a fresh machine works without manual steps and nothing lands in git.
"""

from __future__ import annotations

import os
import secrets as _random
from pathlib import Path

from pipelines.config import Settings
from pipelines.errors import LakehouseError


def secret_path(settings: Settings, name: str) -> Path:
    return settings.path("secrets.dir") / name


def read_secret(settings: Settings, name: str, create: bool = True) -> str:
    """Return the secret ``name``; generate and store it (0600) when missing and ``create``."""
    from_env = os.environ.get(f"LAKEHOUSE_{name.upper()}")
    if from_env:
        return from_env
    path = secret_path(settings, name)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    if not create:
        raise LakehouseError(
            f"secret '{name}' not found in $LAKEHOUSE_{name.upper()} or {path}",
            "run `make setup`, or export the variable",
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = _random.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
