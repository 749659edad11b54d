"""Turn one landed file's bytes into bronze records or quarantine entries (pure Python).

Runs inside Spark's Python workers (one call per file) and in unit tests. Every record of the
file comes out exactly once, either as ``ok`` or as ``quarantine`` with a reason, so landed counts
reconcile. Card numbers are scrubbed here, before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Iterator

from privacy.pci import scrub_pan

FALLBACK_ENCODING = "cp1252"


@dataclass(frozen=True)
class ParsedRecord:
    """One landed record: ``values`` in the expected column order, or a quarantine reason."""

    status: str  # "ok" or "quarantine"
    source_file: str
    line: int
    encoding: str
    values: list[str | None] | None = None
    rescued: str | None = None
    field: str | None = None
    reason: str | None = None
    raw: str | None = None
    pans_removed: int = 0


def decode(content: bytes) -> tuple[str, str]:
    """Decode as UTF-8, falling back to cp1252 for files exported by legacy Windows tools."""
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return content.decode(FALLBACK_ENCODING, errors="replace"), FALLBACK_ENCODING


def _scrub_all(values: list[str]) -> tuple[list[str], int]:
    scrubbed, total = [], 0
    for value in values:
        clean, found = scrub_pan(value)
        scrubbed.append(clean if clean is not None else value)
        total += found
    return scrubbed, total


def parse_csv(source_file: str, content: bytes, expected: list[str]) -> Iterator[ParsedRecord]:
    """Parse a headed CSV file; extra columns go to ``rescued`` as JSON, never dropped."""
    text, encoding = decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    start = reader.line_num
    for row in reader:
        line, start = start + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        row, pans = _scrub_all(row)
        if len(row) != len(header):
            yield ParsedRecord(
                "quarantine", source_file, line, encoding, field=None,
                reason=f"expected {len(header)} fields, found {len(row)}",
                raw=",".join(row), pans_removed=pans,
            )
            continue
        record = dict(zip(header, row, strict=True))
        rescued = {c: record[c] for c in extra}
        yield ParsedRecord(
            "ok", source_file, line, encoding,
            values=[record.get(c) if c not in missing else None for c in expected],
            rescued=json.dumps(rescued, ensure_ascii=False, sort_keys=True) if rescued else None,
            pans_removed=pans,
        )
