"""Small string helpers shared by the feeds (ASCII folding, phone and postcode formatting)."""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "İ": "I", "ø": "o", "Ø": "O",
                          "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d"})


def ascii_fold(text: str) -> str:
    """Drop diacritics as airline systems do (``Müller`` -> ``Muller``, ``Łódź`` -> ``Lodz``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def email_local(first: str, last: str, style: int, number: int) -> str:
    """A plausible mailbox name; ``style`` picks one of the usual patterns."""
    first_a = ascii_fold(first).lower().replace(" ", "").replace("-", "")
    last_a = ascii_fold(last).lower().replace(" ", "").replace("-", "")
    patterns = (f"{first_a}.{last_a}", f"{first_a[0]}{last_a}", f"{first_a}{last_a}{number}",
                f"{last_a}.{first_a}", f"{first_a}_{last_a}{number % 100}", f"{first_a}{number}")
    return patterns[style % len(patterns)]


def format_phone(prefix: str, digits: str, style: int) -> str:
    """The same number written the ways different systems store it (E.164, spaced, national)."""
    if style == 0:
        return f"{prefix}{digits}"
    if style == 1:
        return f"{prefix} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 2:
        return f"00{prefix[1:]}{digits}"
    return f"0{digits}" if prefix != "+1" else f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def fill_pattern(pattern: str, digits: str, letters: str) -> str:
    """Fill ``9`` with digits and ``A`` with letters, in order; other characters are literal."""
    out, d, a = [], 0, 0
    for char in pattern:
        if char == "9":
            out.append(digits[d % len(digits)])
            d += 1
        elif char == "A":
            out.append(letters[a % len(letters)])
            a += 1
        else:
            out.append(char)
    return "".join(out)
