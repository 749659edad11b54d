"""Record-level dirt that real feeds carry: broken rows, wrong encodings, impossible dates, PANs.

Each function is deterministic in the uniforms it is given. Callers log every applied kind to
ground truth, so a test can compare the configured rate with what landed.
"""

from __future__ import annotations

from datetime import date

from privacy.pci import luhn_check_digit

# (prefix, length) of common card schemes: Visa, Mastercard, Amex, Maestro
_SCHEMES = (("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6759", 16))


def card_number(u: float, digits: str, style: float = 0.0) -> str:
    """A Luhn-valid card number, optionally grouped the way people type it."""
    prefix, length = _SCHEMES[int(u * len(_SCHEMES))]
    body = (prefix + digits)[: length - 1]
    number = body + luhn_check_digit(body)
    if style < 0.4:
        return number
    sep = " " if style < 0.8 else "-"
    if length == 15:
        return sep.join((number[:4], number[4:10], number[10:]))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def impossible_date(u: float, real: date) -> str:
    """A date string a system accepted but the calendar does not (or the timeline does not)."""
    kind = int(u * 5)
    if kind == 0:
        return f"{real.year}-02-30"
    if kind == 1:
        return f"{real.year}-13-{real.day:02d}"
    if kind == 2:
        return "0000-00-00"
    if kind == 3:
        return f"{real.year + 120}-{real.month:02d}-{real.day:02d}"  # born in the future
    return f"1800-{real.month:02d}-{real.day:02d}"


def malform_delimited(line: str, u: float, sep: str = ",") -> str:
    """Break a CSV row the ways exports break: truncated, stray quote, extra field."""
    kind = int(u * 3)
    cut = line.find(sep, len(line) // 2)
    if kind == 0 and cut > 0:
        return line[:cut]
    if kind == 1 and cut > 0:
        return line[:cut] + sep + '"unterminated' + line[cut:]
    return line + sep + "#REF!"


def malform_json(line: str, u: float) -> str:
    """Truncated object, single quotes, or a trailing comma: JSON parsers reject all three."""
    kind = int(u * 3)
    if kind == 0:
        return line[: max(2, len(line) * 2 // 3)]
    if kind == 1:
        return line.replace('"', "'", 4)
    return line[:-1] + ",}"


def malform_fixed(line: str, u: float) -> str:
    """Fixed-width lines break by losing or gaining characters, shifting every later field."""
    cut = 5 + int(u * max(1, len(line) - 10))
    return line[:cut] + line[cut + 3 :] if u < 0.5 else line[:cut] + "   " + line[cut:]


def wrong_encoding(line: str, u: float) -> bytes | None:
    """Bytes of ``line`` in a wrong encoding, or None if the line is pure ASCII (no visible effect).

    Half the time the row is Windows-1252 (invalid UTF-8 bytes; characters outside 1252 become
    ``?``), half the time UTF-8 read as 1252 and written back (valid UTF-8 mojibake: ``MÃ¼ller``).
    """
    if line.isascii():
        return None
    if u < 0.5:
        data = line.encode("cp1252", errors="replace")
        if not data.isascii():  # all-"?" output would hide the encoding problem
            return data
    return line.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
