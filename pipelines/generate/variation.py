"""How one true person looks in one source record: nicknames, transliterations, typos, swaps.

Each function takes pre-drawn uniforms so the caller controls the random stream, and returns the
names of the variations it applied; feeds write those to ground truth so tests can check that
each kind appears at its configured rate and identity resolution can be scored per kind.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.generate import vocab
from pipelines.generate.people import Shard
from pipelines.generate.settings import DirtRates
from pipelines.generate.text_utils import format_phone

_KEYBOARD = {"a": "s", "e": "r", "i": "o", "o": "p", "n": "m", "r": "t", "s": "a", "t": "r",
             "l": "k", "m": "n", "u": "y", "h": "j", "d": "f", "c": "v", "k": "l"}
UNIFORMS = 8  # how many uniforms `source_name` consumes


def typo(word: str, u1: float, u2: float) -> str:
    """One realistic edit: neighbour key, dropped letter, doubled letter or transposition."""
    if len(word) < 3:
        return word + word[-1]
    pos = 1 + int(u1 * (len(word) - 2))
    kind = int(u2 * 4)
    if kind == 0:
        char = word[pos].lower()
        return word[:pos] + _KEYBOARD.get(char, char + char) + word[pos + 1 :]
    if kind == 1:
        return word[:pos] + word[pos + 1 :]
    if kind == 2:
        return word[:pos] + word[pos] + word[pos:]
    return word[: pos - 1] + word[pos] + word[pos - 1] + word[pos + 1 :]


def _alternative(name: str, table: dict[str, tuple[str, ...]], u: float) -> str | None:
    options = table.get(name)
    return options[int(u * len(options))] if options else None


def source_name(p: Shard, i: int, u: Sequence[float],
                dirt: DirtRates) -> tuple[str, str, list[str]]:
    """(first, last, applied variations) for person ``i`` as a source system records them."""
    first, last, applied = p.first_name[i], p.last_name[i], []
    if p.maiden_name[i] and u[0] < dirt.married_name:
        last = p.maiden_name[i] if u[1] < 0.7 else f"{p.maiden_name[i]}-{last}"
        applied.append("married_name")
    if u[2] < dirt.nickname and (alt := _alternative(first, vocab.NICKNAMES, u[1])):
        first = alt
        applied.append("nickname")
    if u[3] < dirt.transliteration:
        alt_first = _alternative(first, vocab.TRANSLITERATIONS, u[1])
        alt_last = _alternative(last, vocab.TRANSLITERATIONS, u[4])
        if alt_first or alt_last:
            first, last = alt_first or first, alt_last or last
            applied.append("transliteration")
    if u[5] < dirt.typo:
        if u[6] < 0.5:
            first = typo(first, u[7], u[4])
        else:
            last = typo(last, u[7], u[4])
        applied.append("typo")
    if u[6] < dirt.swapped_names:
        first, last = last, first
        applied.append("swapped_names")
    return first, last, applied


def source_phone(p: Shard, i: int, u_stale: float, u_style: float, dirt: DirtRates,
                 styles: int = 4) -> tuple[str, list[str]]:
    """Phone as a source stores it: maybe an older number, in one of several formats."""
    c = vocab.CULTURES[p.culture[i]]
    number, applied = p.phone[i], []
    if u_stale < dirt.stale_contact:
        number, applied = p.old_phone[i], ["stale_contact"]
    local = number[len(c.phone_prefix) :]
    return format_phone(c.phone_prefix, local, int(u_style * styles)), applied


def household_email(p: Shard, i: int, u: float, dirt: DirtRates) -> tuple[str, list[str]]:
    """A family member often gives the household head's email instead of their own."""
    head = int(p.household[i])
    if head != i and u < dirt.shared_household_contact:
        return p.email[head], ["shared_household_contact"]
    return p.email[i], []
