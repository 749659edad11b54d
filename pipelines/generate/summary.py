"""What a generator run produced, as a JSON-friendly record for logs, the CLI and benchmarks."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GenerationSummary:
    out: str
    customers: int
    days: int
    seed: int
    start_date: str
    batches: list[int]
    files: dict[str, int]           # landing files written per source
    records: dict[str, int]         # landing records (lines) written per source
    late_files: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @classmethod
    def build(cls, out: Path, customers: int, days: int, seed: int, start: date,
              batches: list[int], landing: list[str], file_source: dict[str, str],
              records: dict[str, int], late: list[dict[str, Any]],
              seconds: float) -> GenerationSummary:
        files = Counter(file_source[r] for r in landing)
        return cls(str(out), customers, days, seed, start.isoformat(), list(batches),
                   dict(sorted(files.items())), dict(sorted(records.items())), late,
                   round(seconds, 3))

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
