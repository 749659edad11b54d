"""Anonymised partner extracts: ``lakehouse privacy extract --spec NAME [--as-of DATE]``.

A partner (a hotel chain, a card issuer) may get travel patterns of the customers who agreed to
it, and nothing that singles one of them out. The job, in order:

1. load and validate the spec (``privacy.extract_spec``; errors name the file and field);
2. build the source's rows for *every* customer (``privacy.extract_sources``) and keep those of
   customers whose consent for the spec's ``consent_purpose`` is in force at the end of the
   as-of day (the consent ledger, ``pipelines.segments.consent``);
3. generalise the quasi-identifiers up the spec's ladder until every group holds >= k people,
   suppress the rest, or refuse (``privacy.kanon``) - before any text is decrypted, so only the
   shipped rows' text is ever opened;
4. decrypt those rows' free text and replace every PII entity Presidio finds with its type tag
   (known people's names from every silver profile are on the PERSON deny-list); scan the result
   again and refuse if anything is still found;
5. measure the re-identification risk against the whole customer population generalised to the
   same levels, replace the subject by the partner's HMAC pseudonym;
6. write Parquet plus ``manifest.json`` to ``<extracts_dir>/<partner>/<as-of>/`` (a re-run for
   the same day replaces that folder whole) and append a row to the hash-chained audit log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from privacy.extract_spec import ExtractSpec, load_spec
from privacy.kanon import KSpec, Level, apply_levels, k_anonymise, reidentification_risk

log = logging.getLogger(__name__)
DATA_FILE, MANIFEST = "extract.parquet", "manifest.json"


@dataclass
class ExtractResult:
    spec: str
    folder: Path
    rows: int
    manifest: dict


def extracts_dir(settings: Settings) -> Path:
    """Where extracts go: ``privacy.extracts_dir`` in conf, else ``<var>/extracts``."""
    configured = settings.get("privacy.extracts_dir", None)
    return Path(configured) if configured else settings.var_dir / "extracts"


def end_of_day(day: date) -> datetime:
    """The last microsecond of ``day`` in UTC: consent "as of a date" counts that whole day."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - timedelta(microseconds=1)


def describe_level(level: Level) -> str:
    """``{age_band: 10, top: 80}`` -> ``"age_band 10 top=80"`` for the manifest."""
    extra = " ".join(f"{k}={v}" for k, v in sorted((level.extra or {}).items()))
    return " ".join(str(p) for p in (level.kind, level.arg, extra) if p not in (None, ""))


def levels_used(kspec: KSpec, levels: dict[str, int]) -> dict[str, dict]:
    return {qi: {"level": i, "as": describe_level(kspec.quasi_identifiers[qi][i])}
            for qi, i in levels.items()}


def consented(spark, settings: Settings, purpose: str, as_of: date) -> set[str]:
    """Customers whose latest consent event for ``purpose`` up to the end of ``as_of`` grants it."""
    from pipelines.segments.consent import consent_in_force

    rows = (consent_in_force(spark, settings, purpose, end_of_day(as_of))
            .where("is_granted").select("customer_id").collect())
    return {r.customer_id for r in rows}


TAG = re.compile(r"<[A-Z][A-Z_]*>")  # what privacy.anonymise writes in place of an entity


def residual_entities(text: str | None, analyzer) -> list:
    """Entities the analyzer still finds in cleaned text, ignoring hits inside our own tags
    (``<PERSON>`` is six capitals, the shape of a record locator)."""
    if not text:
        return []
    tags = [m.span() for m in TAG.finditer(text)]
    return [e for e in analyzer.analyze(text)
            if not any(start <= e.start and e.end <= end for start, end in tags)]


def anonymise_free_text(rows: pd.DataFrame, columns: list[str], analyzer) -> tuple[
        pd.DataFrame, dict[str, int], int]:
    """Tag PII in each free-text column; return rows, entities removed per type, and how many
    entities a second scan of the cleaned text still finds (must be 0)."""
    from privacy.anonymise import anonymise_column

    out, removed, residual = rows.copy(), Counter(), 0
    for column in columns:
        out[column], counts = anonymise_column(out[column], analyzer)
        removed += counts
        residual += sum(len(residual_entities(t, analyzer)) for t in out[column]
                        if isinstance(t, str))
    return out, dict(sorted(removed.items())), residual


def _analyzer(spark, settings: Settings):
    from privacy.analyzer import get_analyzer
    from privacy.extract_sources import known_names

    return get_analyzer(None, frozenset(known_names(spark, settings)))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_output(frame: pd.DataFrame, manifest: dict, folder: Path) -> dict:
    """Write Parquet + manifest into a fresh sibling folder, then swap it in for ``folder``.

    Returns the manifest as written (with the file's checksum). A crash leaves either the old
    extract or the new one, never a mix, and a re-run for the same day never adds a second copy.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    frame.to_parquet(staging / DATA_FILE, index=False)
    manifest = {**manifest, "files": [{"name": DATA_FILE, "rows": len(frame),
                                       "bytes": (staging / DATA_FILE).stat().st_size,
                                       "sha256": sha256_file(staging / DATA_FILE)}]}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def _cut(spark, settings: Settings, spec: ExtractSpec, as_of: date):
    """Population, the consented candidates and the k-anonymous result (or a refusal)."""
    from privacy.extract_sources import SOURCES
    from privacy.kanon import load_tables

    population = SOURCES[spec.source].population(spark, settings, as_of)
    allowed = consented(spark, settings, spec.consent_purpose, as_of)
    candidates = population[population[spec.subject].isin(allowed)]
    if candidates.empty:
        raise LakehouseError(
            f"extract {spec.name}: no {spec.source} rows of customers with "
            f"'{spec.consent_purpose}' consent in force on {as_of}",
            "check the as-of date and the consent ledger; nothing was written")
    tables = load_tables()
    try:
        result = k_anonymise(candidates, spec.kspec, tables)
    except LakehouseError as exc:
        raise LakehouseError(f"extract {spec.name} refused: {exc.what}", exc.fix) from exc
    return population, candidates, result, tables


def build_extract(spark, settings: Settings, spec: ExtractSpec, as_of: date) -> tuple[
        pd.DataFrame, dict]:
    """The extract rows (columns of the spec, subject pseudonymised) and the manifest body."""
    from privacy.extract_sources import SOURCES
    from privacy.master_key import load_index_root
    from privacy.pseudonyms import pseudonymise

    population, candidates, result, tables = _cut(spark, settings, spec, as_of)
    qis = list(spec.kspec.quasi_identifiers)
    rows = result.frame
    removed, residual = {}, 0
    if spec.free_text:
        rows = SOURCES[spec.source].free_text(spark, settings, rows)
        rows, removed, residual = anonymise_free_text(rows, spec.free_text,
                                                      _analyzer(spark, settings))
    if residual:
        raise LakehouseError(f"extract {spec.name} refused: {residual} PII entities remain in "
                             "the free text after anonymisation",
                             "scan the texts with `lakehouse privacy scan` and fix the "
                             "recognizers; nothing was written")
    generalised_population = apply_levels(population, spec.kspec, result.levels, tables)
    risk = reidentification_risk(rows, qis, spec.subject, generalised_population)
    # The HMAC root blind indexes use: the master key until its first rotation, then kept, so
    # a partner's pseudonyms survive a master-key rotation (privacy.master_key).
    rows = rows.assign(**{spec.subject: pseudonymise(rows[spec.subject],
                                                     load_index_root(settings), spec.partner)})
    frame = (rows[spec.columns].sort_values([spec.subject, *qis], kind="stable")
             .reset_index(drop=True))
    return frame, {
        "spec": spec.name, "spec_version": spec.version, "spec_sha256": spec.sha256,
        "partner": spec.partner, "purpose": spec.purpose,
        "consent_purpose": spec.consent_purpose, "as_of": as_of.isoformat(),
        "source": spec.source, "columns": spec.columns,
        "rows": len(frame), "people": int(frame[spec.subject].nunique()),
        "consented_rows": len(candidates), "population_rows": len(population),
        "population_people": int(population[spec.subject].nunique()),
        "k_required": spec.kspec.k, "k_achieved": result.k_achieved,
        "suppressed_rows": result.suppressed_rows, "ladder_steps": result.steps,
        "levels": levels_used(spec.kspec, result.levels),
        "free_text": {"columns": spec.free_text, "entities_removed": removed,
                      "residual_entities": residual},
        "reidentification_risk": risk,
    }


def run_extract(spark, settings: Settings, spec_name: str, as_of: date | None = None,
                actor: str | None = None) -> ExtractResult:
    """Build, write and audit the extract of ``spec_name`` (a name in conf/extracts or a path)."""
    from privacy import audit

    spec = load_spec(spec_name)
    audit.require_intact(settings)
    as_of = as_of or datetime.now(UTC).date()
    frame, body = build_extract(spark, settings, spec, as_of)
    body["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    folder = extracts_dir(settings) / spec.partner / as_of.isoformat()
    manifest = write_output(frame, body, folder)
    audit.append(settings, actor or audit.default_actor(), "partner_extract", {
        "spec": spec.name, "spec_version": spec.version, "partner": spec.partner,
        "as_of": as_of.isoformat(), "folder": str(folder), "rows": manifest["rows"],
        "k_achieved": manifest["k_achieved"], "suppressed_rows": manifest["suppressed_rows"],
        "reidentification_risk": manifest["reidentification_risk"],
        "files": manifest["files"], "manifest_sha256": sha256_file(folder / MANIFEST)})
    log.info("extract %s for %s: %d rows, k=%d achieved, %d suppressed, risk %.3f -> %s",
             spec.name, spec.partner, manifest["rows"], manifest["k_achieved"],
             manifest["suppressed_rows"], manifest["reidentification_risk"], folder)
    return ExtractResult(spec.name, folder, manifest["rows"], manifest)
