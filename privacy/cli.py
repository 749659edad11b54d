"""``lakehouse privacy``: privacy tools a DPO runs by hand.

Heavy imports (Presidio pulls in spaCy and transformers) happen inside the commands, so
``lakehouse --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

privacy_app = typer.Typer(help="Privacy tools: scan free text for PII (Presidio).",
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
