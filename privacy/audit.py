"""Append-only, hash-chained audit log of privileged actions (``ops.audit_log``).

Splitting a golden customer, and later erasure or key destruction, changes what the lake says
about a person; a data-protection officer must be able to show who did it, when and why, and
that nobody rewrote that record afterwards. Two layers make tampering visible:

- the Delta table has ``delta.appendOnly = true``, so UPDATE and DELETE are refused outright;
- each row carries ``hash = SHA-256(prev_hash | seq | at | actor | action | details)``, so
  someone who lifts the table property (or rewrites files) and edits a row breaks the chain
  from that row on, which :func:`verify` reports.

Schema: ``seq`` (1, 2, ...), ``at`` (UTC timestamp), ``actor``, ``action``, ``details`` (JSON,
sorted keys), ``prev_hash``, ``hash``. ``at`` is hashed as epoch microseconds, read back with
``unix_micros`` so the Python process's time zone cannot change a hash.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

import typer

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.spark import table_path

log = logging.getLogger(__name__)
GENESIS = "0" * 64
SCHEMA = ("seq long not null, at timestamp not null, actor string not null, "
          "action string not null, details string not null, prev_hash string not null, "
          "hash string not null")


def row_hash(prev_hash: str, seq: int, at_micros: int, actor: str, action: str,
             details: str) -> str:
    """The chain link of one row (pure; the same function writes and verifies)."""
    text = "|".join((prev_hash, str(seq), str(at_micros), actor, action, details))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_details(details: dict[str, Any]) -> str:
    """JSON with sorted keys and no spaces, so equal details always hash alike."""
    return json.dumps(details, sort_keys=True, separators=(",", ":"), default=str)


def default_actor() -> str:
    """The OS user running the command (what ``--by`` overrides)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def audit_path(settings: Settings) -> str:
    layer, table = settings.get("privacy.audit_log", "ops.audit_log").split(".")
    return str(table_path(settings, layer, table))


def _ensure_table(spark, settings: Settings) -> str:
    from delta.tables import DeltaTable

    path = audit_path(settings)
    if not DeltaTable.isDeltaTable(spark, path):
        schema = spark.createDataFrame([], SCHEMA).schema
        (DeltaTable.createIfNotExists(spark).location(path).addColumns(schema)
         .property("delta.appendOnly", "true").execute())
    return path


def _rows(spark, path: str) -> list:
    return (spark.read.format("delta").load(path)
            .selectExpr("seq", "unix_micros(at) as at_micros", "actor", "action", "details",
                        "prev_hash", "hash").orderBy("seq").collect())


def append(settings: Settings, actor: str, action: str, details: dict[str, Any]) -> dict:
    """Add one row at the end of the chain and return it (as written)."""
    row = append_many(settings, [(actor, action, details)])[0]
    log.info("audit: %s by %s (seq %d)", action, actor, row["seq"])
    return row


def chain_rows(prev_hash: str, last_seq: int, entries: list[tuple[str, str, dict[str, Any]]],
               at_micros: int) -> list[dict[str, Any]]:
    """The chained rows for ``entries`` (actor, action, details) after ``last_seq`` (pure)."""
    rows = []
    for offset, (actor, action, details) in enumerate(entries, start=1):
        seq = last_seq + offset
        text = canonical_details(details)
        digest = row_hash(prev_hash, seq, at_micros, actor, action, text)
        rows.append({"seq": seq, "at_micros": at_micros, "actor": actor, "action": action,
                     "details": text, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    return rows


def append_many(settings: Settings,
                entries: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Add ``entries`` (actor, action, details) at the end of the chain in one Delta commit.

    Single writer assumed (privileged commands are run by a person, one at a time, and the
    query-audit collector by one scheduled task); a concurrent append would show up as a
    repeated ``seq``, which :func:`verify` reports.
    """
    from pyspark.sql import functions as F

    from pipelines.spark import get_spark

    if not entries:
        return []
    spark = get_spark(settings)
    path = _ensure_table(spark, settings)
    last = (spark.read.format("delta").load(path).orderBy(F.col("seq").desc())
            .select("seq", "hash").first())
    seq, prev = (0, GENESIS) if last is None else (last["seq"], last["hash"])
    now = datetime.now(UTC)
    rows = chain_rows(prev, seq, entries, int(now.timestamp()) * 1_000_000 + now.microsecond)
    (spark.createDataFrame(rows).selectExpr(
        "seq", "timestamp_micros(at_micros) as at", "actor", "action", "details", "prev_hash",
        "hash").write.format("delta").mode("append").save(path))
    return rows


def first_broken(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first row whose seq, prev_hash or hash does not follow the chain, else None (pure)."""
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        reason = None
        if row["seq"] != expected_seq:
            reason = f"expected seq {expected_seq} (a row was removed or repeated)"
        elif row["prev_hash"] != prev:
            reason = "prev_hash does not match the previous row's hash"
        elif row["hash"] != row_hash(prev, row["seq"], row["at_micros"], row["actor"],
                                     row["action"], row["details"]):
            reason = "hash does not match the row's contents (edited)"
        if reason:
            return {**row, "reason": reason}
        prev = row["hash"]
    return None


def verify(settings: Settings) -> dict[str, Any] | None:
    """Re-compute the chain; return the first broken row (with ``reason``) or None when intact."""
    from delta.tables import DeltaTable

    from pipelines.spark import get_spark

    spark = get_spark(settings)
    path = audit_path(settings)
    if not DeltaTable.isDeltaTable(spark, path):
        return None
    return first_broken([r.asDict() for r in _rows(spark, path)])


def count(settings: Settings) -> int:
    """Rows in the audit log (0 when it does not exist yet)."""
    from delta.tables import DeltaTable

    from pipelines.spark import get_spark

    spark = get_spark(settings)
    path = audit_path(settings)
    if not DeltaTable.isDeltaTable(spark, path):
        return 0
    return spark.read.format("delta").load(path).count()


def require_intact(settings: Settings) -> None:
    """Raise when the chain is broken (privileged commands refuse to extend a broken log)."""
    broken = verify(settings)
    if broken:
        raise LakehouseError(f"audit log broken at seq {broken['seq']}: {broken['reason']}",
                             "investigate ops.audit_log before running privileged commands")


audit_app = typer.Typer(help="The append-only, hash-chained audit log (ops.audit_log).",
                        no_args_is_help=True)


@audit_app.command("verify")
def verify_command() -> None:
    """Re-compute the hash chain; exit 1 and name the first broken row if it was tampered with."""
    from pipelines.config import load_settings

    settings = load_settings()
    broken = verify(settings)
    if broken:
        typer.echo(f"audit log BROKEN at seq {broken['seq']}: {broken['reason']} "
                   f"(action {broken['action']} by {broken['actor']})", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {count(settings)} rows")


@audit_app.command("collect")
def collect_command() -> None:
    """Record the Trino queries against customer data (spooled by the audit receiver)."""
    from pipelines.config import load_settings
    from privacy.query_audit import collect

    report = collect(load_settings())
    typer.echo(f"{report.events} query events: {report.recorded} recorded ({report.denied} "
               f"denied), {report.not_customer_data} without customer data, "
               f"{report.already_recorded} already recorded, {report.unreadable} unreadable")
