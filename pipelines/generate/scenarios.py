"""Adversarial scenarios planted into a generated landing zone, for tests and benchmarks.

A travel agency that books for many unrelated customers puts its own desk e-mail and phone on
each booking; identity resolution must not merge those customers on the shared contact. The
generator's own dirt does not produce that pattern, so it is planted after generation, using the
generator's truth to pick passengers who are different people.
"""

from __future__ import annotations

import json
from pathlib import Path

AGENCY = {"email": "desk@planted-agency.example", "phone": "+44 20 7946 0999"}
PLANTED = 8


def plant_agency_contact(root: Path, count: int = PLANTED,
                         agency: dict[str, str] = AGENCY) -> list[str]:
    """Give the first passenger of ``count`` PNRs (distinct people) the agency's e-mail and
    phone, rewriting the PNR landing files under ``root``; return the planted record keys."""
    import pandas as pd

    links = pd.concat(pd.read_csv(p, dtype=str) for p in (root / "ground_truth" / "links")
                      .glob("pnr_*.csv")).drop_duplicates("record_key")
    truth = dict(zip(links["record_key"], links["person_id"], strict=True))
    planted: list[str] = []
    persons: set[str] = set()
    for path in sorted((root / "landing" / "pnr").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            try:
                record = json.loads(line)
                key = f"{record['record_locator']}/{record['passengers'][0]['pax_id']}"
            except (json.JSONDecodeError, KeyError, IndexError, TypeError):
                continue
            if len(planted) < count and truth.get(key) not in persons | {None}:
                record["passengers"][0].update(agency)
                lines[n] = json.dumps(record, ensure_ascii=False)
                planted.append(key)
                persons.add(truth[key])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return planted
