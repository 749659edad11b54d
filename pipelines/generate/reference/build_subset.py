"""Rebuild the OpenFlights subset shipped in this folder (run by hand, never by the pipeline).

Why a subset: the full OpenFlights files are ~3.5 MB and ODbL asks derived databases to be shared
under the same licence with attribution; we ship only the ~100 airports and ~200 routes of one
real network (KLM's own-metal, non-stop routes of the June 2014 snapshot) so flights follow real
routes and distances come from real coordinates. The airline in the generated data is fictional.

Usage:
    .venv/bin/python -m pipelines.generate.reference.build_subset /work/shared/data/openflights
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CARRIER = "KL"


def _operated_routes(source: Path) -> list[tuple[str, str]]:
    with (source / "routes.dat").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle) if r[0] == CARRIER and r[6] != "Y" and r[7] == "0"]
    return sorted({(r[2], r[4]) for r in rows})


def _airports(source: Path, codes: set[str]) -> list[list[str]]:
    with (source / "airports.dat").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle) if r[4] in codes]
    return sorted(
        ([r[4], r[1], r[2], r[3], r[6], r[7], r[11]] for r in rows), key=lambda r: r[0]
    )


def main(source: Path) -> None:
    routes = _operated_routes(source)
    codes = {code for route in routes for code in route}
    airports = _airports(source, codes)
    known = {row[0] for row in airports}
    routes = [r for r in routes if r[0] in known and r[1] in known]
    with (HERE / "airports.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["iata", "name", "city", "country", "latitude", "longitude", "tz"])
        writer.writerows(airports)
    with (HERE / "routes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["origin", "destination"])
        writer.writerows(routes)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
