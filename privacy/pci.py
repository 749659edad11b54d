"""PCI DSS: find primary account numbers (card numbers) and replace them before anything is stored.

A PAN is a run of 13-19 digits (spaces or dashes allowed between groups) that passes the Luhn check.
We replace it with a keyed-hash-free token that keeps only the last four digits, the form PCI DSS
allows for display, so no stored value can be turned back into the card number.
"""

from __future__ import annotations

import re

PATTERNS = (re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])"),)
REPLACEMENT = "[PAN-REDACTED-{last4}]"


def luhn_valid(digits: str) -> bool:
    """True if the digit string passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def scrub_pan(text: str | None) -> tuple[str | None, int]:
    """Return ``text`` with every Luhn-valid 13-19 digit run redacted, and how many were found."""
    if not text:
        return text, 0
    found = 0

    def _replace(match: re.Match[str]) -> str:
        nonlocal found
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found += 1
            return REPLACEMENT.format(last4=digits[-4:])
        return match.group(0)

    for pattern in PATTERNS:
        text = pattern.sub(_replace, text)
    return text, found
