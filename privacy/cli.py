"""``lakehouse privacy``: privacy tools a DPO runs by hand.

Heavy imports (Presidio pulls in spaCy and transformers) happen inside the commands, so
``lakehouse --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

privacy_app = typer.Typer(help="Privacy tools: PII scan, GDPR erasure and access, key rotation.",
                          no_args_is_help=True)


@privacy_app.command("scan")
def scan_command(
    in_: Annotated[Path, typer.Option("--in", help="JSON-lines file to scan.")],
    text_field: Annotated[str, typer.Option(
        help="Field holding the text; a.b for a nested field.")],
    out: Annotated[Path, typer.Option(help="JSON-lines report: entities per input line.")],
    names: Annotated[Path | None, typer.Option(
        help="Known people for the PERSON deny-list: .csv with first_name,last_name"
             "[,maiden_name] or a text file with one full name per line.")] = None,
    id_field: Annotated[str | None, typer.Option(
        help="Field holding the record id (default: the first of id, record_id, "
             "interaction_id, case_id, post_id, message_id present).")] = None,
    registry: Annotated[Path | None, typer.Option(
        help="Recognizer registry (default conf/privacy/recognizers.yaml).")] = None,
) -> None:
    """Detect PII in one text field of every line; write types, offsets and scores."""
    from privacy.scan import LazyAnalyzer, scan_file

    summary = scan_file(in_, text_field, out, LazyAnalyzer(registry, names), id_field)
    counts = ", ".join(f"{k}={v}" for k, v in sorted(summary.entities.items())) or "none"
    typer.echo(f"scanned {summary.lines} lines of {in_}: {sum(summary.entities.values())} "
               f"entities ({counts}) -> {out}")


@privacy_app.command("erase")
def erase_command(
    customer: Annotated[str, typer.Option(help="Golden customer id, e.g. C000000042.")],
    request: Annotated[str, typer.Option(help="The erasure request's reference (ticket id).")],
    by: Annotated[str | None, typer.Option(
        "--by", help="Who carries out the erasure (default: the OS user).")] = None,
) -> None:
    """GDPR erasure: destroy the customer's data keys, delete their rows everywhere (bronze,
    silver, gold, PostgreSQL) and their old Delta versions, keep them out of later runs,
    write a certificate; audited. Re-running a request changes nothing."""
    from pipelines.config import load_settings
    from pipelines.spark import get_spark
    from privacy.audit import default_actor
    from privacy.erasure import erase_customer

    settings = load_settings()
    done = erase_customer(get_spark(settings), settings, customer, request, by or default_actor())
    if done.already_erased:
        typer.echo(f"already erased: {customer} (request {done.certificate.get('request_ref')}, "
                   f"certificate {done.path}); nothing changed")
        return
    cert = done.certificate
    typer.echo(f"erased {customer} for {request} in {cert['duration_s']} s: "
               f"{cert['keys_destroyed']} data keys destroyed, "
               f"{sum(t['rows'] for t in cert['delta_tables'])} rows in "
               f"{len(cert['delta_tables'])} Delta tables, "
               f"{sum(cert['postgres'].values())} PostgreSQL rows; certificate {done.path} "
               f"(sha256 {cert['body_sha256'][:16]}...)")


@privacy_app.command("access")
def access_command(
    customer: Annotated[str, typer.Option(help="Golden customer id, e.g. C000000042.")],
    out: Annotated[Path | None, typer.Option(
        help="JSON file to write (default var/<env>/privacy/access/...).")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who asks for the export (default: the OS user).")] = None,
) -> None:
    """GDPR subject access: everything held about the customer, PII decrypted, as JSON (0600);
    the read is audited."""
    from pipelines.config import load_settings
    from pipelines.spark import get_spark
    from privacy.access import export_subject
    from privacy.audit import default_actor

    settings = load_settings()
    path, doc = export_subject(get_spark(settings), settings, customer, out,
                               by or default_actor())
    records = sum(len(v) for v in doc["source_records"].values())
    gold = sum(len(v) for v in doc["gold"].values())
    typer.echo(f"subject access export of {customer}: {records} source records, {gold} gold "
               f"rows, {sum(len(v) for v in doc['cmp_postgres'].values())} CMP rows -> {path} "
               f"(audited)")


@privacy_app.command("rotate-master-key")
def rotate_master_key_command(
    by: Annotated[str | None, typer.Option(
        "--by", help="Who rotates (default: the OS user).")] = None,
) -> None:
    """New master key; every live data key re-wrapped (no data rewritten); the old key file
    kept as a dated 0600 backup; audited. Refused when the key comes from the environment."""
    from pipelines.config import load_settings
    from pipelines.spark import get_spark
    from privacy.audit import default_actor
    from privacy.rotation import check_can_rotate, rotate_master_key

    settings = load_settings()
    check_can_rotate(settings)  # refuse before Spark starts
    report = rotate_master_key(get_spark(settings), settings, by or default_actor())
    typer.echo(f"master key rotated: {report['rewrapped']} data keys re-wrapped; old key kept "
               f"as {report['backup']} (0600); audited")


def _as_of(value: str | None):
    from datetime import date

    from pipelines.errors import LakehouseError

    try:
        return date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise LakehouseError(f"--as-of {value!r} is not a date", "write YYYY-MM-DD") from exc


@privacy_app.command("extract")
def extract_command(
    spec: Annotated[str, typer.Option(help="Spec name in conf/extracts (or a path to one).")],
    as_of: Annotated[str | None, typer.Option(
        help="Consent and data as of this day, YYYY-MM-DD (default: today, UTC).")] = None,
    by: Annotated[str | None, typer.Option(help="Who runs it (default: OS user).")] = None,
) -> None:
    """Anonymised partner extract: consented people only, k-anonymous, PII-free text, audited."""
    from pipelines.config import load_settings
    from pipelines.spark import get_spark
    from privacy.extract import run_extract
    from privacy.extract_spec import load_spec

    day = _as_of(as_of)
    load_spec(spec)  # a bad spec fails before Spark starts
    settings = load_settings()
    result = run_extract(get_spark(settings), settings, spec, day, by)
    m = result.manifest
    typer.echo(f"extract {spec} for {m['partner']}: {m['rows']} rows of {m['people']} people, "
               f"k={m['k_achieved']} (required {m['k_required']}), {m['suppressed_rows']} rows "
               f"suppressed, re-identification risk {m['reidentification_risk']:.3f} -> "
               f"{result.folder}")


@privacy_app.command("retention")
def retention_command(
    as_of: Annotated[str | None, typer.Option(
        help="Apply the periods as of this day, YYYY-MM-DD (default: today, UTC).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Count what would be removed; delete and vacuum nothing.")] = False,
) -> None:
    """Delete rows past conf/privacy/retention.yaml's periods, VACUUM, report per table."""
    from pipelines.config import load_settings
    from pipelines.spark import get_spark
    from privacy.retention import enforce_retention, load_policy

    day = _as_of(as_of)
    policy = load_policy()  # a bad policy fails before Spark starts
    settings = load_settings()
    report = enforce_retention(get_spark(settings), settings, day, dry_run, policy)
    verb = "would remove" if dry_run else "removed"
    for t in report["tables"]:
        typer.echo(f"{t['data_class']:<28} {t['table']:<40} before {t['cutoff']}: "
                   f"{verb} {t['rows_removed']}, kept {t['rows_kept']}")
    typer.echo(f"retention as of {report['as_of']}: {verb} {report['rows_removed']} rows; "
               f"files vacuumed {sum(report['files_vacuumed'].values())}")
