"""Partner extract specs (``conf/extracts/<name>.yaml``): load and validate before any data moves.

A spec is a contract with a partner and the DPO's sign-off on what leaves the airline, so a
mistake in it must stop the job with the file and the field named, not surface as a Spark error
half-way through (or, worse, as an extract with a column nobody meant to share). Checks here are
pure (no Spark): the partner id, the consent purpose (one the consent ledger records), the source
(one of :data:`privacy.extract_sources.SOURCES`), that every column is one the source offers,
that every column the source marks as a quasi-identifier is generalised and every free-text
column anonymised, that the subject is the source's customer id, and the k-anonymity part (via
:class:`privacy.kanon.KSpec`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError
from privacy.kanon import KSpec

SPEC_DIR = CONF_DIR / "extracts"
PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")  # also a folder name and the HKDF info
REQUIRED = ("version", "partner", "consent_purpose", "source", "subject", "columns",
            "quasi_identifiers")


@dataclass(frozen=True)
class ExtractSpec:
    """A validated spec: who gets what, under which consent, generalised how far."""

    name: str
    path: Path
    version: int
    partner: str
    purpose: str
    consent_purpose: str
    source: str
    subject: str
    columns: list[str]
    free_text: list[str]
    kspec: KSpec
    sha256: str


def _fail(path: Path, field: str, what: str, fix: str) -> LakehouseError:
    return LakehouseError(f"extract spec {path}: field '{field}': {what}", fix)


def _list_of_names(path: Path, raw: Mapping, field: str) -> list[str]:
    value = raw.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(path, field, f"must be a list of column names, got {value!r}",
                    f"write {field}: [col_a, col_b]")
    dupes = sorted({v for v in value if value.count(v) > 1})
    if dupes:
        raise _fail(path, field, f"names {dupes} more than once", "list each column once")
    return list(value)


def _check_header(path: Path, raw: Mapping, purposes: tuple[str, ...]) -> None:
    missing = [f for f in REQUIRED if raw.get(f) in (None, "", [], {})]
    if missing:
        raise _fail(path, missing[0], "is missing", f"add {', '.join(missing)} (see "
                    "conf/extracts/example_partner.yaml)")
    if not isinstance(raw["version"], int) or isinstance(raw["version"], bool) \
            or raw["version"] < 1:
        raise _fail(path, "version", f"{raw['version']!r} is not a positive integer",
                    "number spec versions 1, 2, ... and bump it on every change")
    if not PARTNER_ID.match(str(raw["partner"])):
        raise _fail(path, "partner", f"{raw['partner']!r} is not a partner id",
                    "use 2-64 lower-case letters, digits, '_' or '-'")
    if raw["consent_purpose"] not in purposes:
        raise _fail(path, "consent_purpose", f"{raw['consent_purpose']!r} is not a purpose of "
                    "the consent ledger", f"use one of {', '.join(purposes)}")


def _check_columns(path: Path, raw: Mapping, offered: Mapping[str, str]) -> tuple[list, list]:
    columns = _list_of_names(path, raw, "columns")
    unknown = [c for c in columns if c not in offered]
    if unknown:
        raise _fail(path, "columns", f"{unknown} not offered by source '{raw['source']}'",
                    f"choose from {sorted(offered)}")
    subjects = [c for c, kind in offered.items() if kind == "subject"]
    if raw["subject"] not in subjects or raw["subject"] not in columns:
        raise _fail(path, "subject", f"'{raw['subject']}' is not the source's subject column "
                    f"among the columns", f"use subject: {subjects[0] if subjects else '?'} and "
                    "list it in columns (it is replaced by a pseudonym)")
    free_text = _list_of_names(path, raw, "free_text")
    text_cols = {c for c in columns if offered[c] == "free_text"}
    if set(free_text) != text_cols:
        raise _fail(path, "free_text", f"{sorted(free_text)} must name exactly the free-text "
                    f"columns extracted, {sorted(text_cols)}",
                    "list every free-text column of columns in free_text (and no other)")
    qis = raw.get("quasi_identifiers")
    if not isinstance(qis, Mapping):
        raise _fail(path, "quasi_identifiers", "must map each QI to its list of levels",
                    "write quasi_identifiers: {age: [{age_band: 5}, suppress]}")
    ungeneralised = [c for c in columns if offered[c] == "quasi_identifier" and c not in qis]
    if ungeneralised:
        raise _fail(path, "quasi_identifiers", f"columns {ungeneralised} identify people in "
                    "combination and must be generalised", "give each of them a list of levels")
    wrong = [q for q in qis if q not in columns or offered[q] in ("subject", "free_text")]
    if wrong:
        raise _fail(path, "quasi_identifiers", f"{wrong} are not extracted columns that can be "
                    "generalised", "add them to columns, or drop their levels")
    return columns, free_text


def validate(raw: object, path: Path, offered: Mapping[str, str],
             purposes: tuple[str, ...]) -> ExtractSpec:
    """Check a parsed spec against the source's columns (``{name: kind}``, kinds as in
    ``privacy.extract_sources``: subject, quasi_identifier, free_text, plain)."""
    if not isinstance(raw, Mapping):
        raise LakehouseError(f"extract spec {path} does not hold a mapping",
                             "see conf/extracts/example_partner.yaml for the format")
    _check_header(path, raw, purposes)
    columns, free_text = _check_columns(path, raw, offered)
    share = raw.get("max_suppressed_share", 0.0)
    if not isinstance(share, int | float) or not 0 <= share < 1:
        raise _fail(path, "max_suppressed_share", f"{share!r} is not a share in [0, 1)",
                    "write e.g. 0.05 for at most 5% of rows dropped")
    try:
        kspec = KSpec.from_dict(raw)
    except LakehouseError as exc:
        raise _fail(path, "quasi_identifiers/ladder/k", exc.what, exc.fix) from exc
    except (TypeError, ValueError) as exc:
        raise _fail(path, "k", str(exc), "k is a whole number >= 2") from exc
    return ExtractSpec(path.stem, path, raw["version"], raw["partner"],
                       str(raw.get("purpose") or ""), raw["consent_purpose"], raw["source"],
                       raw["subject"], columns, free_text, kspec,
                       hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")


def spec_path(name_or_path: str | Path) -> Path:
    """``example_partner`` -> ``conf/extracts/example_partner.yaml``; a path is taken as is."""
    text = str(name_or_path)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        return Path(text)
    return SPEC_DIR / f"{text}.yaml"


def spec_names(folder: Path = SPEC_DIR) -> list[str]:
    """Every spec in ``conf/extracts`` (one DAG task each)."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_spec(name_or_path: str | Path) -> ExtractSpec:
    """Read, parse and validate one spec; every problem names the file and the field."""
    from pipelines.silver.consents import PURPOSES
    from privacy.extract_sources import SOURCES

    path = spec_path(name_or_path)
    if not path.is_file():
        known = ", ".join(spec_names()) or "none"
        raise LakehouseError(f"no extract spec {path}", f"known specs: {known}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LakehouseError(f"extract spec {path} is not valid YAML: {exc}",
                             "fix the YAML syntax") from exc
    source = raw.get("source") if isinstance(raw, Mapping) else None
    if isinstance(raw, Mapping) and source not in SOURCES:
        raise _fail(path, "source", f"{source!r} is not an extract source",
                    f"use one of {', '.join(sorted(SOURCES))} (privacy/extract_sources.py)")
    offered = SOURCES[source].columns if source in SOURCES else {}
    return validate(raw, path, offered, tuple(PURPOSES))
