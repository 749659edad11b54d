"""PCI DSS: find primary account numbers (card numbers) and replace them before anything is stored.

A PAN is a run of 13-19 digits (spaces or dashes allowed between groups) that passes the Luhn check.
We replace it with a keyed-hash-free token that keeps only the last four digits, the form PCI DSS
allows for display, so no stored value can be turned back into the card number.

People type a card next to other numbers ("2 bags, card 4111 1111 1111 1111 30 EUR"), so we take
the whole run of digit groups and test every window of whole groups that holds 13-19 digits;
testing only the longest run would miss the card whenever the run as a whole fails Luhn.

Two airline identifiers look like PANs and pass Luhn one time in ten by chance; redacting them
would destroy keys that silver joins on, so they are told apart the way issuers number cards:
- a digit run right after ``+`` is an international phone number (``+5515336924040``);
- a 13-digit PAN must start with 4: only Visa ever issued 13-digit cards, while 13 digits is the
  length of every IATA e-ticket number (``999`` + serial); no card number starts with 0.
"""

from __future__ import annotations

import re

PATTERNS = (re.compile(r"(?<![\d+])\d(?:[ -]?\d){12,}(?!\d)"),)
GROUP = re.compile(r"\d+")
REPLACEMENT = "[PAN-REDACTED-{last4}]"


def _luhn_sum(digits: str, doubled: int) -> int:
    """Luhn sum, doubling the digits at (reversed) positions of parity ``doubled``."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == doubled:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def luhn_valid(digits: str) -> bool:
    """True if the digit string passes the Luhn checksum."""
    return _luhn_sum(digits, doubled=1) % 10 == 0


def luhn_check_digit(digits: str) -> str:
    """Check digit that makes ``digits + check`` pass the Luhn test (cards, loyalty numbers)."""
    return str((10 - _luhn_sum(digits, doubled=0) % 10) % 10)


def looks_like_pan(digits: str) -> bool:
    """True for a 13-19 digit string that passes Luhn and could be a card (see module doc)."""
    if not 13 <= len(digits) <= 19 or digits[0] == "0":
        return False
    if len(digits) == 13 and digits[0] != "4":
        return False
    return luhn_valid(digits)


def _pan_window(groups: list[re.Match[str]], first: int) -> int | None:
    """Index past the last group of the longest PAN starting at group ``first``, if any.

    Longest, so that no digit of a card is left behind when a shorter window passes by chance.
    """
    digits, end = "", None
    for last in range(first, len(groups)):
        digits += groups[last].group(0)
        if len(digits) > 19:
            break
        if looks_like_pan(digits):
            end = last + 1
    return end


def _redact_run(run: str) -> tuple[str, int]:
    """Redact every card number made of whole digit groups of one run; keep the other digits."""
    groups = list(GROUP.finditer(run))
    out, position, found, first = [], 0, 0, 0
    while first < len(groups):
        end = _pan_window(groups, first)
        if end is None:
            first += 1
            continue
        digits = "".join(g.group(0) for g in groups[first:end])
        out += [run[position:groups[first].start()], REPLACEMENT.format(last4=digits[-4:])]
        position, found, first = groups[end - 1].end(), found + 1, end
    return "".join(out) + run[position:], found


def scrub_pan(text: str | None) -> tuple[str | None, int]:
    """Return ``text`` with every Luhn-valid 13-19 digit run redacted, and how many were found."""
    if not text:
        return text, 0
    found = 0

    def _replace(match: re.Match[str]) -> str:
        nonlocal found
        clean, count = _redact_run(match.group(0))
        found += count
        return clean

    for pattern in PATTERNS:
        text = pattern.sub(_replace, text)
    return text, found
