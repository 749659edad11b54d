"""Collects one shard's output per file: landing bytes plus the ground truth that explains them.

Feeds hand finished text lines to an :class:`Emitter`; the emitter decides (from its own random
stream) which lines get duplicated, broken or mis-encoded, and writes for every line which person
it belongs to (``links``) and what was done to it (``dirt``). Pipeline code never reads the truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from pipelines.generate import dirt as dirty
from pipelines.generate.settings import DirtRates

LINKS_HEADER = "file,record_key,person_id\n"
DIRT_HEADER = "file,record_key,kind\n"


def csv_field(value: object) -> str:
    """RFC 4180 quoting: quote when the value holds a comma, quote or line break."""
    text = "" if value is None else str(value)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: list[object]) -> str:
    return ",".join(csv_field(v) for v in values)


def truth_path(kind: str, file_name: str) -> str:
    return f"ground_truth/{kind}/{file_name.rsplit('.', 1)[0]}.csv"


@dataclass
class Emitter:
    """Lines of one landing file from one shard, plus their links and dirt log."""

    file_name: str                 # e.g. loyalty_2026-01-01.csv
    fmt: str                       # csv | jsonl | fixed
    rng: np.random.Generator
    rates: DirtRates
    lines: list[bytes] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    dirt: list[str] = field(default_factory=list)
    records: int = 0

    def add(self, key: str, person_id: str, line: str, applied: list[str] | None = None) -> None:
        """Add one record; ``applied`` names the identity variations the feed already made."""
        self.add_multi(key, line, [(key, person_id, applied or [])])

    def add_multi(self, key: str, line: str, people: list[tuple[str, str, list[str]]]) -> None:
        """Add one record about several people (a PNR): one link per ``(key, person, applied)``."""
        u = self.rng.random(5)
        kinds: list[str] = []
        if u[0] < self.rates.malformed:
            line = self._malform(line, u[1])
            kinds.append("malformed")
        data = None
        if u[2] < self.rates.bad_encoding:
            data = dirty.wrong_encoding(line, u[1])
            if data is not None:
                kinds.append("bad_encoding")
        self._append(key, data if data is not None else line.encode("utf-8"), kinds, people)
        if u[3] < self.rates.duplicate:
            self._append(key, self.lines[-1][:-1], [*kinds, "duplicate"], people)

    def _append(self, key: str, data: bytes, kinds: list[str],
                people: list[tuple[str, str, list[str]]]) -> None:
        self.lines.append(data + b"\n")
        self.records += 1
        name = self.file_name
        for sub_key, person_id, applied in people:
            self.links.append(f"{name},{csv_field(sub_key)},{person_id}\n")
            self.dirt.extend(f"{name},{csv_field(sub_key)},{kind}\n" for kind in applied)
        self.dirt.extend(f"{name},{csv_field(key)},{kind}\n" for kind in kinds)

    def _malform(self, line: str, u: float) -> str:
        if self.fmt == "csv":
            return dirty.malform_delimited(line, u)
        if self.fmt == "jsonl":
            return dirty.malform_json(line, u)
        return dirty.malform_fixed(line, u)


@dataclass
class Sink:
    """Everything one shard produced, keyed by path relative to the output root."""

    rates: DirtRates
    files: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def flush(self, source: str, emitter: Emitter) -> None:
        """Move an emitter's lines into the landing file and its truth files."""
        self.files[f"landing/{source}/{emitter.file_name}"].extend(emitter.lines)
        self.files[truth_path("links", emitter.file_name)].append("".join(emitter.links).encode())
        self.files[truth_path("dirt", emitter.file_name)].append("".join(emitter.dirt).encode())
        self.counts[source] += emitter.records

    def truth(self, relpath: str, rows: list[str]) -> None:
        """Append rows (already CSV text with newline) to a ground-truth table."""
        self.files[relpath].append("".join(rows).encode("utf-8"))
