"""Blind indexes: keyed HMACs of normalised PII, so encrypted records can still be matched.

Ciphertext is randomised (a fresh nonce per value), so equal emails never look equal. A blind index
restores equality, and only equality: ``HMAC-SHA256(index_key[kind], normalise(value))``. Without
the index key nobody can test a guess against it (unlike a plain hash of an email, which a
dictionary reverses in seconds).

One index key per *kind* of value (email, phone, passport, name+dob), derived from the master key
with HKDF. The key depends on the kind, not on the table, so an email index computed from the
loyalty feed joins with one computed from PNRs; separate kinds keep an email index from ever
matching a phone index.

Normalisation (documented here because every source must apply the same rules):

- ``email``: trim, lower-case (the whole address; no provider rules such as Gmail dots).
- ``phone``: digits, with a leading ``+`` if the value had one; a ``00`` prefix becomes ``+``.
  National forms (``020 ...``) are not converted to E.164: that needs the country.
- ``passport``: upper-case, letters and digits only.
- ``name``: Unicode NFKD, accents dropped, case-folded, letters only (``O'Brien`` = ``obrien``).
- ``date``: ISO ``YYYY-MM-DD`` (Spark dates arrive as ``datetime.date`` or ISO strings).
- composite indexes join the normalised parts with ``|``; any missing part means no index (null),
  so two people missing a date of birth are never matched by name alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Sequence

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO_PREFIX = b"airline-lakehouse/blind-index/v1/"
_NOT_LETTERS = re.compile(r"[^a-z]")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def index_key(master_key: bytes, kind: str) -> bytes:
    """The 256-bit HMAC key of one index kind, derived from the master key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=INFO_PREFIX + kind.encode()).derive(master_key)


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return "+" + digits
    return "+" + digits[2:] if digits.startswith("00") else digits


def normalise_passport(value: str) -> str:
    return _NOT_ALNUM.sub("", value.upper())


def normalise_name(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_LETTERS.sub("", stripped.casefold())


def normalise_date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value).strip()[:10]


NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": normalise_email, "phone": normalise_phone, "passport_number": normalise_passport,
    "first_name": normalise_name, "last_name": normalise_name, "date_of_birth": normalise_date,
}


def normalise(column: str, value: object) -> str | None:
    """Normalise ``value`` by its column's rule (unknown columns: trimmed, case-folded)."""
    if value is None or value != value:  # None or NaN from pandas
        return None
    rule = NORMALISERS.get(column, lambda v: str(v).strip().casefold())
    text = rule(value) if column == "date_of_birth" else rule(str(value))
    return text or None


def blind_index(key: bytes, columns: Sequence[str], values: Sequence[object]) -> str | None:
    """Hex HMAC-SHA256 of the normalised values joined by ``|``; null if any part is missing."""
    parts = [normalise(c, v) for c, v in zip(columns, values, strict=True)]
    if any(p is None for p in parts):
        return None
    return hmac.new(key, "|".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
