"""Random streams that depend only on *what* is drawn, never on *when* it is drawn.

Every draw comes from a NumPy PCG64 stream keyed by (seed, stream name, shard, day). Because the
key names the content, generating day 5 alone gives exactly the bytes of day 5 in a full run, the
number of worker processes does not matter, and adding days or sources does not disturb earlier
ones. Stream names are hashed with CRC32 (stable across runs, unlike Python's ``hash``).
"""

from __future__ import annotations

import zlib

import numpy as np

# Days are offset so that history days (negative) still give non-negative seed words.
_DAY_OFFSET = 10_000


def stream(seed: int, name: str, shard: int = 0, day: int = 0) -> np.random.Generator:
    """Return the generator for one (seed, name, shard, day) cell."""
    words = [seed & 0xFFFFFFFF, zlib.crc32(name.encode()), shard, day + _DAY_OFFSET]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words)))


def scramble(value: int, bits: int, key: int) -> int:
    """Bijectively scramble ``value`` in ``[0, 2**bits)`` so sequential ids do not look sequential.

    Multiplication by an odd constant and xor with a key are both bijections modulo ``2**bits``,
    so distinct inputs always give distinct outputs (unique record locators without a registry).
    """
    mask = (1 << bits) - 1
    value = (value * 0x9E3779B1) & mask
    value ^= key & mask
    value = (value * 0x85EBCA6B) & mask
    return value ^ (value >> (bits // 2))
