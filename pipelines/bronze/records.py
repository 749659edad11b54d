"""What every bronze parser shares: the record it yields, per-line decoding and PAN scrubbing.

Files are split into physical lines *before* decoding, and each line is decoded on its own: a feed
that is UTF-8 except for one line exported in Windows-1252 must not turn every other line into
mojibake. A UTF-8 byte-order mark is dropped from the first line only. Parsers yield one
:class:`ParsedRecord` per landed record, ``ok`` or ``quarantine``, never neither, so the landed
count of a file is simply how many records its parser yields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from privacy.pci import scrub_pan

FALLBACK_ENCODING = "cp1252"
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ParsedRecord:
    """One landed record: ``values`` in the spec's column order, or a quarantine reason."""

    status: str  # "ok" or "quarantine"
    source_file: str
    line: int  # 1-based physical line where the record starts
    encoding: str
    values: list[str | None] | None = None
    rescued: str | None = None
    field: str | None = None
    reason: str | None = None
    raw: str | None = None
    pans_removed: int = 0
    payload: str | None = None  # JSON sources: the whole (scrubbed) object as JSON text


class Line(NamedTuple):
    number: int  # 1-based
    text: str  # without the line terminator
    encoding: str


def decode_line(data: bytes) -> tuple[str, str]:
    """Decode one line as UTF-8, falling back to cp1252 (legacy Windows exports)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode(FALLBACK_ENCODING, errors="replace"), FALLBACK_ENCODING


def decode(content: bytes) -> tuple[str, str]:
    """Decode a whole file; the encoding is cp1252 if any of its lines needed the fallback."""
    lines = split_lines(content)
    encoding = FALLBACK_ENCODING if any(ln.encoding != "utf-8" for ln in lines) else "utf-8"
    return "\n".join(ln.text for ln in lines), encoding


def split_lines(content: bytes) -> list[Line]:
    """Physical lines of a file, each decoded on its own; ``\\r\\n`` and a final newline are fine.

    The bytes are split on ``\\n`` only (cp1252 and UTF-8 never use that byte inside a
    character), so a bad byte on one line cannot move the line boundaries of the others.
    """
    if content.startswith(UTF8_BOM):
        content = content[len(UTF8_BOM):]
    chunks = content.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()  # the terminator of the last line, not an empty line
    lines = []
    for number, chunk in enumerate(chunks, start=1):
        text, encoding = decode_line(chunk[:-1] if chunk.endswith(b"\r") else chunk)
        lines.append(Line(number, text, encoding))
    return lines


def scrub_all(values: list[str | None]) -> tuple[list[str | None], int]:
    """Scrub card numbers from every value; return the clean values and how many were found."""
    scrubbed, total = [], 0
    for value in values:
        clean, found = scrub_pan(value)
        scrubbed.append(clean)
        total += found
    return scrubbed, total


def quarantine(source_file: str, line: Line, reason: str, field: str | None = None,
               raw: str | None = None) -> ParsedRecord:
    """A quarantine record whose raw text (and reason, which may quote a value) is PAN-free."""
    clean_raw, found = scrub_pan(line.text if raw is None else raw)
    clean_reason, _ = scrub_pan(reason)  # a quoted value is also in raw: count it once
    return ParsedRecord("quarantine", source_file, line.number, line.encoding, field=field,
                        reason=clean_reason, raw=clean_raw, pans_removed=found)
