"""AES-GCM envelope encryption of PII values and of the per-subject data keys that protect them.

Every subject (a loyalty member today, a golden customer once identity resolution exists) has one
random 256-bit data key. Values are encrypted under it; the data key itself is stored only wrapped
(AES-GCM) under the master key. Destroying a subject's wrapped key therefore makes every copy of
their ciphertext unreadable, in every Delta version and backup of the data tables: crypto-shredding.

Associated data binds each ciphertext to its subject, column and key version, so a blob copied to
another person's row or another column fails authentication instead of decrypting. Likewise a
wrapped key only unwraps for the subject and version it was made for.

Value blob layout: ``format (1 byte) || key_version (4 bytes, big endian) || nonce (12) ||
ciphertext || tag (16)``. The header is authenticated (it is part of the associated data).
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pipelines.errors import LakehouseError

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_V1 = 1
_HEADER = struct.Struct(">BI")
HEADER_BYTES = _HEADER.size
OVERHEAD = HEADER_BYTES + NONCE_BYTES + 16


class DecryptionError(LakehouseError):
    """A blob or wrapped key failed authentication: wrong key, wrong subject/column, or tampered."""

    def __init__(self, what: str) -> None:
        super().__init__(what, "check the master key and that the subject's data key still exists")


def generate_data_key() -> bytes:
    """A fresh random 256-bit data key (AES-256-GCM)."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _key_aad(subject_id: str, key_version: int) -> bytes:
    return f"subject-key|v{key_version}|{subject_id}".encode()


def wrap_key(master_key: bytes, data_key: bytes, subject_id: str, key_version: int) -> bytes:
    """Encrypt ``data_key`` under the master key, bound to its subject and version."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master_key).encrypt(nonce, data_key,
                                              _key_aad(subject_id, key_version))


def unwrap_key(master_key: bytes, wrapped: bytes, subject_id: str, key_version: int) -> bytes:
    """Return the data key inside ``wrapped``; raise :class:`DecryptionError` if it won't verify."""
    try:
        return AESGCM(master_key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:],
                                          _key_aad(subject_id, key_version))
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(f"data key of subject {subject_id!r} does not unwrap") from exc


def _value_aad(header: bytes, subject_id: str, column: str) -> bytes:
    return header + f"|{column}|{subject_id}".encode()


def encrypt_value(data_key: bytes, plaintext: str, subject_id: str, column: str,
                  key_version: int) -> bytes:
    """Encrypt one value of ``column`` for ``subject_id``; a fresh nonce every call."""
    header = _HEADER.pack(FORMAT_V1, key_version)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"),
                                      _value_aad(header, subject_id, column))
    return header + nonce + sealed


def blob_key_version(blob: bytes) -> int:
    """The data-key version a blob was encrypted under (read from its authenticated header)."""
    fmt, version = _HEADER.unpack_from(blob)
    if fmt != FORMAT_V1:
        raise DecryptionError(f"unknown ciphertext format {fmt}")
    return version


def decrypt_value(data_key: bytes, blob: bytes, subject_id: str, column: str) -> str:
    """Decrypt a blob made by :func:`encrypt_value` for the same subject and column."""
    if len(blob) < OVERHEAD:
        raise DecryptionError(f"ciphertext of {column} is truncated")
    header, nonce = blob[:HEADER_BYTES], blob[HEADER_BYTES:HEADER_BYTES + NONCE_BYTES]
    blob_key_version(header)
    try:
        plain = AESGCM(data_key).decrypt(nonce, blob[HEADER_BYTES + NONCE_BYTES:],
                                         _value_aad(header, subject_id, column))
    except InvalidTag as exc:
        raise DecryptionError(f"ciphertext of {column} does not verify for this subject") from exc
    return plain.decode("utf-8")
