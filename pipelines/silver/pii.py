"""Encrypt a silver table's PII columns as configured under ``privacy.tables.<layer>.<table>``.

Silver is the first layer that keeps PII for long, so it stores none in clear: the configured
columns become ``<c>_enc`` ciphertext under the subject's data key, plus ``<name>_bidx`` blind
indexes for matching (see ``privacy.columns``). Anything derived from clear PII that gold needs
(e.g. an age band) must be computed before this call.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.errors import LakehouseError


def protect_pii(df, settings: Settings, layer: str, table: str):
    """Return ``df`` with the table's PII encrypted and blind-indexed; raise if any stays clear."""
    from privacy.columns import encrypt_columns

    spec = settings.get(f"privacy.tables.{layer}.{table}")
    protected = encrypt_columns(df, spec["subject"], spec["encrypt"], settings,
                                spec.get("blind_indexes", {}))
    clear = sorted(set(spec["encrypt"]) & set(protected.columns))
    if clear:
        raise LakehouseError(f"{layer}.{table}: PII columns still in clear: {clear}",
                             f"check privacy.tables.{layer}.{table} in conf/base.yaml")
    return protected
