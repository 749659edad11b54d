"""JSON-lines feeds: one object per line, kept whole as JSON text plus promoted top-level keys.

Bronze keeps the source payload, not a model of it: nested structures (PNR passengers, segments,
SSRs) stay JSON strings and silver decides what they mean. The spec lists the top-level keys that
are promoted to columns; any other top-level key lands in ``_rescued_data`` so a feed that grows a
field loses nothing. Card numbers are scrubbed in every string (and long integer) value at any
depth before the payload is re-serialised, so the payload column can never carry one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pipelines.bronze.records import ParsedRecord, quarantine, split_lines
from privacy.pci import scrub_pan


def scrub_json(value: Any) -> tuple[Any, int]:
    """Return ``value`` with card numbers redacted at any depth, and how many were found.

    Strings are scrubbed in place; a number that is itself a card number (a PAN sent as a JSON
    number) becomes the redaction string. Object keys are scrubbed too.
    """
    if isinstance(value, str):
        return scrub_pan(value)
    if isinstance(value, bool) or value is None:
        return value, 0
    if isinstance(value, int | float):
        clean, found = scrub_pan(str(value))
        return (clean, found) if found else (value, 0)
    if isinstance(value, list):
        pairs = [scrub_json(v) for v in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    if isinstance(value, dict):
        out, total = {}, 0
        for key, item in value.items():
            clean_key, in_key = scrub_pan(key)
            clean_item, in_item = scrub_json(item)
            out[clean_key] = clean_item
            total += in_key + in_item
        return out, total
    return value, 0


def _column_value(value: Any) -> str | None:
    """Promoted column text: strings as they are, everything else (incl. nested) as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"invalid JSON: {exc.msg} at column {exc.colno}"


def parse_jsonl(source_file: str, content: bytes, columns: list[str]) -> Iterator[ParsedRecord]:
    """Parse a JSON-lines file: each non-blank line is one record, ok or quarantined."""
    for line in split_lines(content):
        if not line.text.strip():
            continue
        try:
            obj = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield quarantine(source_file, line, _json_error(exc))
            continue
        except RecursionError:
            yield quarantine(source_file, line, "invalid JSON: nested too deeply")
            continue
        if not isinstance(obj, dict):
            kind = type(obj).__name__
            yield quarantine(source_file, line, f"expected a JSON object, found {kind}")
            continue
        obj, pans = scrub_json(obj)
        rescued = {k: v for k, v in obj.items() if k not in columns}
        yield ParsedRecord(
            "ok", source_file, line.number, line.encoding,
            values=[_column_value(obj.get(c)) for c in columns],
            rescued=_column_value(rescued) if rescued else None,
            payload=_column_value(obj),
            pans_removed=pans,
        )
