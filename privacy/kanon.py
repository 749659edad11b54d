"""k-anonymity for partner extracts: generalise quasi-identifiers up a ladder until every group
holds at least k people, suppress what is left over, or refuse.

A partner who knows a customer's age, home town and travel dates could pick them out of an
extract even without a name. Each quasi-identifier (QI) therefore has a list of ever coarser
*levels* in the extract spec (age -> 5-year band -> 10-year band; city -> country -> region;
date -> month -> quarter), and the spec's *ladder* says which QI climbs one level next. After each
step we count, per combination of QI values, the distinct people (the spec's ``subject``
column; rows if none: ten trips of one traveller are still one person). When the rows in groups
smaller than k are at most ``max_suppressed_share`` of the extract, they are dropped and we stop;
when the ladder runs out first, the extract is refused with a :class:`LakehouseError`.

The re-identification risk reported in the manifest is the share of extract rows whose QI
combination matches exactly one customer of a reference population (the whole customer base,
generalised to the same levels); with the extract itself as population, any k >= 2 makes it 0.

Level kinds, written ``kind`` or ``{kind: arg, other: value}`` in the spec:
``keep``; ``{age_band: 5}`` ("30-34"; ``top: 80`` gives "80+"); ``{date: month|quarter|year}``;
``{column: other_col}`` (take another column of the row, e.g. city -> country of residence);
``{map: table, source: col}`` (look the value, or ``source``'s, up in a table; unknown ->
"other"); ``{route: table}`` ("AMS-JFK" -> both ends looked up); ``suppress`` ("*").
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError

OTHER, SUPPRESSED, UNKNOWN = "other", "*", "unknown"


def _age_band(df, col, arg, extra, tables):
    width, top = int(arg), extra.get("top")
    age = pd.to_numeric(df[col], errors="coerce")
    low = (age // width * width).astype("Int64")
    out = low.astype("string") + "-" + (low + width - 1).astype("string")
    if top is not None:
        out = out.mask(age >= int(top), f"{int(top)}+")
    return out.fillna(UNKNOWN)


def _date(df, col, arg, extra, tables):
    # The calendar date as written (local to the traveller), not shifted to UTC.
    when = pd.to_datetime(df[col].astype("string").str[:10], format="%Y-%m-%d", errors="coerce")
    freq = {"month": "M", "quarter": "Q", "year": "Y"}.get(arg)
    if freq is None:
        raise LakehouseError(f"date level '{arg}' for {col}", "use month, quarter or year")
    return when.dt.to_period(freq).astype("string").fillna(UNKNOWN)


def _column(df, name):
    if name not in df.columns:
        raise LakehouseError(f"generalisation reads column '{name}', which the data lacks",
                             "add the column to the extract or fix the level in the spec")
    return df[name]


def _lookup(tables, name):
    if name not in tables:
        raise LakehouseError(f"no generalisation table '{name}'", f"use one of {sorted(tables)}")
    return tables[name]


def _map(df, col, arg, extra, tables):
    table = _lookup(tables, arg)
    return _column(df, extra.get("source", col)).map(lambda v: table.get(v, OTHER)).astype("string")


def _route(df, col, arg, extra, tables):
    table = _lookup(tables, arg)

    def ends(route):
        if not isinstance(route, str) or "-" not in route:
            return UNKNOWN
        return "-".join(table.get(end.strip(), OTHER) for end in route.split("-", 1))

    return df[col].map(ends).astype("string")


GENERALISERS: dict[str, Callable] = {
    "keep": lambda df, col, arg, extra, tables: df[col].astype("string").fillna(UNKNOWN),
    "suppress": lambda df, col, arg, extra, tables: pd.Series(SUPPRESSED, index=df.index,
                                                              dtype="string"),
    "column": lambda df, col, arg, extra, tables: _column(df, arg).astype("string").fillna(UNKNOWN),
    "age_band": _age_band, "date": _date, "map": _map, "route": _route,
}


@dataclass(frozen=True)
class Level:
    kind: str
    arg: object = None
    extra: Mapping = None

    @classmethod
    def parse(cls, raw: object, qi: str) -> Level:
        """``"keep"`` or ``{age_band: 5, top: 80}`` -> Level; unknown kinds are errors."""
        kind, arg, extra = (raw, None, {}) if isinstance(raw, str) else (None, None, {})
        if isinstance(raw, dict):
            kinds = [k for k in raw if k in GENERALISERS]
            kind = kinds[0] if len(kinds) == 1 else None
            arg, extra = raw.get(kind), {k: v for k, v in raw.items() if k != kind}
        if kind not in GENERALISERS:
            raise LakehouseError(f"quasi-identifier '{qi}': level {raw!r} is not one of "
                                 f"{sorted(GENERALISERS)}", "fix the extract spec")
        return cls(kind, arg, extra)

    def apply(self, df: pd.DataFrame, col: str, tables: Mapping) -> pd.Series:
        return GENERALISERS[self.kind](df, col, self.arg, self.extra or {}, tables)


@dataclass(frozen=True)
class KSpec:
    """The k-anonymity part of an extract spec (``conf/extracts/*.yaml``)."""

    k: int
    quasi_identifiers: dict[str, list[Level]]
    ladder: list[str]
    max_suppressed_share: float = 0.0
    subject: str | None = None

    @classmethod
    def from_dict(cls, spec: Mapping) -> KSpec:
        """Validate and parse; the default ladder climbs each QI in turn."""
        k = int(spec.get("k", 10))
        if k < 2:
            raise LakehouseError(f"k={k} protects nobody", "use k >= 2 (default 10)")
        qis = {qi: [Level.parse(raw, qi) for raw in (levels or ["keep"])]
               for qi, levels in (spec.get("quasi_identifiers") or {}).items()}
        if not qis:
            raise LakehouseError("the spec names no quasi_identifiers", "list them with levels")
        depth = max(map(len, qis.values()))
        ladder = list(spec.get("ladder") or [q for i in range(1, depth) for q in qis
                                             if i < len(qis[q])])
        unknown = sorted(set(ladder) - set(qis))
        if unknown:
            raise LakehouseError(f"ladder names {unknown}, which are not quasi_identifiers",
                                 f"use {sorted(qis)}")
        return cls(k, qis, ladder, float(spec.get("max_suppressed_share", 0.0)),
                   spec.get("subject"))


@dataclass
class KResult:
    """Rows kept (QIs generalised, original index), levels reached and what was dropped."""

    frame: pd.DataFrame
    levels: dict[str, int]
    k_achieved: int
    suppressed_rows: int
    steps: int


def apply_levels(df: pd.DataFrame, spec: KSpec, levels: Mapping[str, int],
                 tables: Mapping) -> pd.DataFrame:
    """A copy of ``df`` with each QI generalised to its level (apply to a population too)."""
    missing = sorted(set(spec.quasi_identifiers) - set(df.columns))
    if missing:
        raise LakehouseError(f"quasi-identifier column(s) {missing} not in the data",
                             "fix the spec's quasi_identifiers or the extract's columns")
    out = df.copy()
    for qi, level in levels.items():
        out[qi] = spec.quasi_identifiers[qi][level].apply(df, qi, tables)
    return out


def group_sizes(df: pd.DataFrame, qis: list[str], subject: str | None = None) -> pd.Series:
    """Per row: people (distinct ``subject`` values, else rows) sharing its QI combination."""
    grouped = df.groupby(qis, dropna=False, sort=False)
    sizes = grouped[subject].transform("nunique") if subject else grouped[qis[0]].transform("size")
    return sizes.astype(int)


def _refuse(spec: KSpec, small: pd.Series) -> LakehouseError:
    return LakehouseError(
        f"k={spec.k} cannot be met: with the whole ladder climbed, {int(small.sum())} of "
        f"{len(small)} rows ({small.mean():.1%}) are in groups of fewer than {spec.k} people, "
        f"more than max_suppressed_share {spec.max_suppressed_share:.1%}",
        "coarsen the levels or lengthen the ladder, allow more suppression, or extract more "
        "people; the extract was not written")


def k_anonymise(df: pd.DataFrame, spec: KSpec, tables: Mapping) -> KResult:
    """Climb the ladder until suppressing the small groups is allowed; refuse if it never is."""
    if df.empty:
        raise LakehouseError("the extract has no rows", "check the spec's population and consent")
    qis, ladder = list(spec.quasi_identifiers), list(spec.ladder)
    levels, steps = {qi: 0 for qi in qis}, 0
    while True:
        generalised = apply_levels(df, spec, levels, tables)
        sizes = group_sizes(generalised, qis, spec.subject)
        small = sizes < spec.k
        if small.mean() <= spec.max_suppressed_share and not small.all():
            return KResult(generalised[~small], dict(levels), int(sizes[~small].min()),
                           int(small.sum()), steps)
        while ladder and levels[ladder[0]] + 1 >= len(spec.quasi_identifiers[ladder[0]]):
            ladder.pop(0)
        if not ladder:
            raise _refuse(spec, small)
        levels[ladder.pop(0)] += 1
        steps += 1


def reidentification_risk(extract: pd.DataFrame, qis: list[str], subject: str | None = None,
                          population: pd.DataFrame | None = None) -> float:
    """Share of extract rows whose QI combination matches exactly one person of ``population``.

    ``population`` (default: the extract) must be generalised to the extract's levels; people
    are distinct ``subject`` values when given, else rows.
    """
    if extract.empty:
        return 0.0
    base = extract if population is None else population
    grouped = base.groupby(qis, dropna=False, sort=False)
    counts = (grouped[subject].nunique() if subject else grouped.size()).rename("_people")
    matched = extract[qis].merge(counts.reset_index(), on=qis, how="left")
    return float((matched["_people"] == 1).mean())


def load_tables(geography: Path | None = None, airports: Path | None = None) -> dict[str, dict]:
    """Lookup tables for ``map``/``route`` levels: country and airport -> sub-region, continent."""
    countries = yaml.safe_load((geography or CONF_DIR / "privacy" / "geography.yaml")
                               .read_text(encoding="utf-8"))["countries"]
    by_name = {name: iso for iso, (name, _, _) in countries.items()}
    with (airports or CONF_DIR / "reference" / "airports.csv").open(encoding="utf-8") as fh:
        airport_country = {r["iata"]: by_name.get(r["country"], OTHER) for r in csv.DictReader(fh)}
    region = {iso: sub for iso, (_, sub, _) in countries.items()}
    continent = {iso: cont for iso, (_, _, cont) in countries.items()}
    return {"country_region": region, "country_continent": continent,
            "airport_country": airport_country,
            "airport_region": {a: region.get(c, OTHER) for a, c in airport_country.items()},
            "airport_continent": {a: continent.get(c, OTHER) for a, c in airport_country.items()}}
