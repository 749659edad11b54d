"""Scan JSON-lines text for PII with the extract analyzer: ``lakehouse privacy scan``.

The DPO checks a document before it is shared, and we measure recall on outside text, with the
very analyzer partner extracts go through. Output is one JSON line per input line: its line
number, its record id when it has one, and each entity's type, character offsets, score and
recognizer. The matched text itself is *not* written: the report must not become a second copy
of the PII it points at (offsets into the input are enough to review it).

Input errors name the file, the line and the field. Output is written to a temporary file and
renamed, so a failed scan leaves no half-written report behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import LakehouseError

# Fields taken as the record id when no --id-field is given (first present wins).
ID_FIELDS = ("id", "record_id", "interaction_id", "case_id", "post_id", "message_id")
_MISSING = object()


class LazyAnalyzer:
    """The registry's analyzer, built (and Presidio imported) only when a text needs it, so a
    wrong --text-field fails at once instead of after half a minute of imports."""

    def __init__(self, registry: Path | None = None, names_file: Path | None = None) -> None:
        if names_file is not None and not names_file.is_file():
            raise LakehouseError(f"names file {names_file} does not exist",
                                 "give a .csv with first_name,last_name or a file of full names")
        self.registry, self.names_file, self._analyzer = registry, names_file, None

    def analyze(self, text: str) -> list:
        if self._analyzer is None:
            from privacy.analyzer import get_analyzer
            from privacy.recognizers.person_deny_list import load_known_names

            names = load_known_names(self.names_file) if self.names_file else ()
            self._analyzer = get_analyzer(self.registry, frozenset(names))
        return self._analyzer.analyze(text)


@dataclass
class ScanSummary:
    lines: int = 0
    entities: Counter = field(default_factory=Counter)


def field_value(record: object, dotted: str) -> object:
    """``record["a"]["b"]`` for ``"a.b"``; ``_MISSING`` when any part is absent."""
    value = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _record(line: str, where: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LakehouseError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})",
                             "give one JSON object per line (JSON Lines)") from exc
    if not isinstance(record, dict):
        raise LakehouseError(f"{where}: a JSON {type(record).__name__}, not an object",
                             "give one JSON object per line (JSON Lines)")
    return record


def _text(record: dict, text_field: str, where: str) -> str:
    value = field_value(record, text_field)
    if value is _MISSING:
        raise LakehouseError(f"{where}: no field '{text_field}' (fields: {', '.join(record)})",
                             "pass the field holding the text with --text-field (a.b for nested)")
    if value is not None and not isinstance(value, str):
        raise LakehouseError(f"{where}: field '{text_field}' is a {type(value).__name__}, not text",
                             "point --text-field at a string field")
    return value or ""


def _record_id(record: dict, id_field: str | None, where: str) -> object:
    if id_field:
        value = field_value(record, id_field)
        if value is _MISSING:
            raise LakehouseError(f"{where}: no id field '{id_field}'",
                                 "check --id-field, or leave it out")
        return value
    return next((record[name] for name in ID_FIELDS if name in record), None)


def scan_lines(lines: Iterable[str], source: str, text_field: str, analyzer,
               id_field: str | None = None) -> Iterator[dict]:
    """One result dict per non-blank JSON line: line number, id if any, entities."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        record = _record(line, where)
        text = _text(record, text_field, where)
        out = {"line": number}
        record_id = _record_id(record, id_field, where)
        if record_id is not None:
            out["id"] = record_id
        out["entities"] = [e.as_dict() for e in analyzer.analyze(text)]
        yield out


def scan_file(path: Path, text_field: str, out: Path, analyzer,
              id_field: str | None = None) -> ScanSummary:
    """Scan ``path`` (JSON lines) into ``out`` (JSON lines); return counts per entity type."""
    if not path.is_file():
        raise LakehouseError(f"input file {path} does not exist", "check --in")
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = ScanSummary()
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with path.open(encoding="utf-8") as src, os.fdopen(fd, "w", encoding="utf-8") as dst:
            for result in scan_lines(src, str(path), text_field, analyzer, id_field):
                summary.lines += 1
                summary.entities.update(e["type"] for e in result["entities"])
                dst.write(json.dumps(result, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return summary
