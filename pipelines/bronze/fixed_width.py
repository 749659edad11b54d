"""Fixed-width mainframe extracts (EDH), sliced by the copybook-like layout in ``conf/feeds``.

A fixed-width line has no delimiters to resynchronise on: one lost or extra character shifts
every later field, so a line whose length differs from the layout is quarantined whole rather
than half-read. A line of the right length must also pass each field's declared type (``9``
digits, ``D`` a real date, ``T`` a real time); the first field that fails is named. Values are
kept as the source text (padding stripped, blank as null); silver casts them, including the
implied decimals of ``9V99``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from pipelines.bronze.records import Line, ParsedRecord, quarantine, scrub_all, split_lines
from pipelines.generate.copybook import Field, Layout, load_layout

DIGITS = re.compile(r"[0-9]+")
TIME = re.compile(r"([01][0-9]|2[0-3])[0-5][0-9]")


def _is_date(text: str) -> bool:
    if not DIGITS.fullmatch(text) or len(text) != 8:
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def type_error(f: Field, raw: str) -> str | None:
    """Why ``raw`` (the field's unstripped slice) fails the field's declared type, or None."""
    text = raw.strip()
    if f.type in ("9", "9V99"):
        ok = len(raw) == f.length and DIGITS.fullmatch(raw) is not None
        return None if ok else f"{f.type} expects {f.length} digits"
    if f.type == "D":
        return None if not text or _is_date(raw) else "D expects a date YYYYMMDD or blank"
    if f.type == "T":
        return None if not text or TIME.fullmatch(raw) else "T expects a time HHMM or blank"
    return None


def _slice(f: Field, text: str) -> str:
    return text[f.start - 1: f.start - 1 + f.length]


def first_bad_field(layout: Layout, text: str) -> tuple[Field, str] | None:
    """The first field whose slice fails its type, with the reason (None if all pass)."""
    for f in layout.fields:
        problem = type_error(f, _slice(f, text))
        if problem:
            return f, problem
    return None


def _length_problem(source_file: str, layout: Layout, line: Line) -> ParsedRecord:
    """Quarantine a line of the wrong length, naming the first field its shift breaks, if any."""
    padded = line.text.ljust(layout.width)[: layout.width]
    bad = first_bad_field(layout, padded)
    reason = (f"line is {len(line.text)} characters, layout {layout.record} expects "
              f"{layout.width}")
    if bad:
        reason += f"; first field failing its type: {bad[0].name} ({bad[1]})"
    return quarantine(source_file, line, reason, field=bad[0].name if bad else None)


def parse_fixed_width(source_file: str, content: bytes,
                      layout: Layout | str) -> Iterator[ParsedRecord]:
    """Parse a fixed-width file with ``layout`` (or the name of a ``conf/feeds`` layout)."""
    if isinstance(layout, str):
        layout = load_layout(layout)
    for line in split_lines(content):
        if not line.text.strip():
            continue
        if len(line.text) != layout.width:
            yield _length_problem(source_file, layout, line)
            continue
        bad = first_bad_field(layout, line.text)
        if bad:
            f, problem = bad
            value = _slice(f, line.text)
            yield quarantine(source_file, line, f"field {f.name} at {f.start}-"
                             f"{f.start + f.length - 1}: {value!r} fails type: {problem}",
                             field=f.name)
            continue
        values, pans = scrub_all([_slice(f, line.text).strip() or None for f in layout.fields])
        yield ParsedRecord("ok", source_file, line.number, line.encoding, values=values,
                           pans_removed=pans)
