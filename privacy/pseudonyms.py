"""Per-partner pseudonyms: the same customer gets the same pseudonym in every extract for one
partner, and unrelated pseudonyms for two partners, so partners cannot join their extracts.

``pseudonym = HMAC-SHA256(partner_key, customer_id)``, truncated to 128 bits (hex). The partner
key is derived from the master key with HKDF-SHA256 under a partner-specific ``info`` (the way
``privacy.blind_index`` derives index keys), so no per-partner secret has to be stored. Without
the master key a pseudonym cannot be reversed or recomputed from a guessed id. Like the blind
indexes, pseudonyms change if the master key itself is replaced (re-wrapping data keys does not
replace it), so a partner would see new pseudonyms after such a change.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipelines.errors import LakehouseError

INFO_PREFIX = b"airline-lakehouse/partner-pseudonym/v1/"
HEX_CHARS = 32  # 128 bits: collisions are negligible for any customer base


def partner_key(master_key: bytes, partner: str) -> bytes:
    """The 256-bit HMAC key of one partner, derived from the master key."""
    name = (partner or "").strip()
    if not name:
        raise LakehouseError("extract spec has no partner", "set partner: <id> in the spec")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=INFO_PREFIX + name.encode("utf-8")).derive(master_key)


def pseudonym(key: bytes, subject_id: object) -> str:
    """Hex pseudonym of one id under a partner key (ids compared as their string form)."""
    return hmac.new(key, str(subject_id).encode("utf-8"), hashlib.sha256).hexdigest()[:HEX_CHARS]


def pseudonymise(ids: pd.Series, master_key: bytes, partner: str) -> pd.Series:
    """Pseudonyms for a column of customer ids (missing ids stay missing)."""
    key = partner_key(master_key, partner)
    return ids.map(lambda v: None if pd.isna(v) else pseudonym(key, v))
