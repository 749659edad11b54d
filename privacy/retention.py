"""Retention: delete what we may no longer keep, then VACUUM so it is really gone.

GDPR's storage limitation: chat transcripts, social posts, raw payloads and quarantined lines
are kept only as long as ``conf/privacy/retention.yaml`` says (per data class: tables, the
timestamp column, the period, optionally a column value such as ``channel: chat``). A Delta
DELETE only writes new files without the rows and unreferences the old ones (a table with
deletion vectors is purged so it does too); time travel can still read them until VACUUM
removes the files. So each run deletes per class, then VACUUMs
every table of the policy where a deletion left files behind that no VACUUM has yet been
allowed to take, with the conf'd retain hours (Delta's 168-hour safety check is switched off
for that call only, and restored after).

Cut-offs are calendar arithmetic on the as-of date (``2 years`` before 2026-02-28 is
2024-02-28) at midnight UTC: a row is removed when its timestamp is strictly before the cut-off.
A re-run on the same day finds nothing more to delete and commits nothing. ``--dry-run`` counts
without deleting or vacuuming. Real runs are recorded in the hash-chained audit log.

Left out: Delta's ``_delta_log`` keeps per-file min/max statistics of the first columns until
its own log retention (30 days) cleans up; bronze's are raw strings. Shortening
``delta.logRetentionDuration`` on bronze would close that window.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from pipelines.config import CONF_DIR, Settings
from pipelines.errors import LakehouseError
from pipelines.spark import table_path

log = logging.getLogger(__name__)
POLICY_PATH = CONF_DIR / "privacy" / "retention.yaml"
PERIOD = re.compile(r"^\s*(\d+)\s*(day|month|year)s?\s*$")
CHECK = "spark.databricks.delta.retentionDurationCheck.enabled"


@dataclass(frozen=True)
class RetentionClass:
    name: str
    tables: list[str]
    timestamp: str
    keep: str
    match: dict[str, list] = field(default_factory=dict)


def _fail(where: str, what: str, fix: str) -> LakehouseError:
    return LakehouseError(f"retention policy {POLICY_PATH}: {where}: {what}", fix)


def cutoff(as_of: date, keep: str) -> date:
    """The first day still kept: ``as_of`` minus ``keep`` (``"90 days"``, ``"2 years"``)."""
    found = PERIOD.match(str(keep))
    if not found:
        raise _fail("keep", f"{keep!r} is not a period", "write e.g. '30 days', '6 months'")
    n, unit = int(found.group(1)), found.group(2)
    if unit == "day":
        return date.fromordinal(as_of.toordinal() - n)
    months = as_of.year * 12 + as_of.month - 1 - (n * 12 if unit == "year" else n)
    year, month = divmod(months, 12)
    day = min(as_of.day, calendar.monthrange(year, month + 1)[1])  # 29 Feb -> 28 Feb
    return date(year, month + 1, day)


def parse_policy(raw: object) -> tuple[list[RetentionClass], float]:
    """Validate the policy YAML; return its classes and the VACUUM retain hours."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("classes"), Mapping):
        raise _fail("classes", "missing", "map each data class to tables, timestamp and keep")
    hours = raw.get("vacuum_retain_hours", 168)
    if not isinstance(hours, int | float) or hours < 0:
        raise _fail("vacuum_retain_hours", f"{hours!r}", "give a number of hours >= 0")
    classes = []
    for name, spec in raw["classes"].items():
        spec = spec if isinstance(spec, Mapping) else {}
        missing = [k for k in ("tables", "timestamp", "keep") if not spec.get(k)]
        if missing:
            raise _fail(f"class {name}", f"no {', '.join(missing)}",
                        "give tables, timestamp and keep")
        tables = [spec["tables"]] if isinstance(spec["tables"], str) else list(spec["tables"])
        bad = [t for t in tables if not re.fullmatch(r"\w+\.(\w+|\*)", str(t))]
        if bad:
            raise _fail(f"class {name}", f"tables {bad} are not layer.table",
                        "write silver.social_posts or bronze.*")
        cutoff(date(2000, 1, 1), spec["keep"])  # validates the period
        match = {col: v if isinstance(v, list) else [v]
                 for col, v in (spec.get("match") or {}).items()}
        classes.append(RetentionClass(name, tables, spec["timestamp"], str(spec["keep"]), match))
    return classes, float(hours)


def load_policy(path: Path = POLICY_PATH) -> tuple[list[RetentionClass], float]:
    try:
        return parse_policy(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise LakehouseError(f"cannot read the retention policy {path}: {exc.strerror}",
                             "restore conf/privacy/retention.yaml from git") from exc


def resolve_tables(settings: Settings, pattern: str) -> list[str]:
    """``bronze.*`` -> every Delta table of the layer; ``silver.x`` -> itself if it exists."""
    layer, table = pattern.split(".")
    if table == "*":
        root = settings.path("paths.lake") / layer
        return sorted(f"{layer}.{p.parent.name}" for p in root.glob("*/_delta_log"))
    return [pattern] if (table_path(settings, layer, table) / "_delta_log").exists() else []


@dataclass
class TableOutcome:
    data_class: str
    table: str
    cutoff: str
    rows_removed: int
    rows_kept: int  # of the class (matching rows), including those without a timestamp
    rows_without_timestamp: int


def _conditions(cls: RetentionClass, cut: date):
    """(rows of the class, rows of the class older than the cut-off at midnight UTC)."""
    from pyspark.sql import functions as F

    start = datetime(cut.year, cut.month, cut.day, tzinfo=UTC)
    in_class = F.lit(True)
    for column, values in cls.match.items():
        in_class = in_class & F.col(column).isin(*values)
    return in_class, in_class & (F.col(cls.timestamp) < F.lit(start))


def _apply(spark, settings: Settings, cls: RetentionClass, table: str, cut: date,
           dry_run: bool) -> TableOutcome:
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    path = str(table_path(settings, *table.split(".")))
    df = spark.read.format("delta").load(path)
    missing = sorted({cls.timestamp, *cls.match} - set(df.columns))
    if missing:
        raise _fail(f"class {cls.name}", f"{table} has no column(s) {missing}",
                    "fix the class's timestamp, match or tables")
    in_class, old = _conditions(cls, cut)
    counts = df.where(in_class).select(
        F.count("*").alias("all"), F.count_if(old).alias("old"),
        F.count_if(F.col(cls.timestamp).isNull()).alias("no_ts")).first()
    if counts["old"] and not dry_run:
        table_ = DeltaTable.forPath(spark, path)
        table_.delete(old)
        if _has_deletion_vectors(table_):  # rows only marked deleted: rewrite the files
            spark.sql(f"REORG TABLE delta.`{path}` APPLY (PURGE)")
    return TableOutcome(cls.name, table, cut.isoformat(), int(counts["old"]),
                        int(counts["all"] - counts["old"]), int(counts["no_ts"]))


def _has_deletion_vectors(table) -> bool:
    """With deletion vectors a DELETE leaves the rows in their file, marked; VACUUM would keep
    that file, so such tables are purged (REORG ... APPLY (PURGE)) after the delete."""
    props = table.detail().select("properties").first()["properties"] or {}
    return str(props.get("delta.enableDeletionVectors", "false")).lower() == "true"


def _data_files(path: Path) -> int:
    return sum(1 for p in path.rglob("*.parquet") if "_delta_log" not in p.parts)


def needs_vacuum(history: list[tuple[str, datetime]], retain_hours: float) -> bool:
    """Whether a DELETE (or purge) in ``history`` (operation, commit time) still has files no
    VACUUM could take yet: none ran at least ``retain_hours`` after it. Pure, for the tests."""
    vacuums = [at for op, at in history if op == "VACUUM END"]
    wait = timedelta(hours=retain_hours)
    return any(not any(v >= at + wait for v in vacuums)
               for op, at in history if op in ("DELETE", "REORG"))


def vacuum(spark, settings: Settings, tables: list[str], retain_hours: float) -> dict[str, int]:
    """VACUUM each table that has deleted rows' files left; return data files removed per
    table. Delta's retention check is disabled for these calls only (it refuses < 168 h)."""
    from delta.tables import DeltaTable

    previous = spark.conf.get(CHECK, "true")
    removed = {}
    spark.conf.set(CHECK, "false")
    try:
        for table in tables:
            path = table_path(settings, *table.split("."))
            delta = DeltaTable.forPath(spark, str(path))
            history = [(r.operation, r.timestamp) for r in
                       delta.history().select("operation", "timestamp").collect()]
            if not needs_vacuum(history, retain_hours):
                continue
            before = _data_files(path)
            delta.vacuum(retain_hours)
            removed[table] = before - _data_files(path)
    finally:
        spark.conf.set(CHECK, previous)
    return removed


def enforce_retention(spark, settings: Settings, as_of: date | None = None,
                      dry_run: bool = False, policy: tuple | None = None,
                      actor: str | None = None) -> dict:
    """Delete rows past their retention, VACUUM, audit; return what was (or would be) removed."""
    from privacy import audit

    classes, hours = policy or load_policy()
    as_of = as_of or datetime.now(UTC).date()
    if not dry_run:
        audit.require_intact(settings)
    outcomes = [_apply(spark, settings, cls, table, cutoff(as_of, cls.keep), dry_run)
                for cls in classes for pattern in cls.tables
                for table in resolve_tables(settings, pattern)]
    tables = sorted({o.table for o in outcomes})
    files = {} if dry_run else vacuum(spark, settings, tables, hours)
    report = {"as_of": as_of.isoformat(), "dry_run": dry_run, "vacuum_retain_hours": hours,
              "rows_removed": sum(o.rows_removed for o in outcomes),
              "tables": [asdict(o) for o in outcomes], "files_vacuumed": files}
    if not dry_run:
        audit.append(settings, actor or audit.default_actor(), "retention", {
            k: report[k] for k in ("as_of", "vacuum_retain_hours", "rows_removed")} | {
            "removed": {f"{o.data_class}:{o.table}": o.rows_removed for o in outcomes},
            "files_vacuumed": files})
    log.info("retention as of %s%s: %d rows %s in %d tables", as_of,
             " (dry run)" if dry_run else "", report["rows_removed"],
             "would be removed" if dry_run else "removed", len(tables))
    return report
