"""``lakehouse segments list|export``: what marketing managers run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

segments_app = typer.Typer(help="Marketing segments: list them, export their members.",
                           no_args_is_help=True)


def segment_sizes(settings) -> dict[str, int]:
    """Members per segment, read through Trino from gold (empty when gold is not built yet)."""
    from pipelines.services import trino

    if not trino.status(settings).get("healthy"):
        from pipelines.errors import LakehouseError

        raise LakehouseError("Trino is not running", "start it with: lakehouse services up")
    tables = {row[0] for row in trino.query(settings, "show tables from gold")}
    if "fct_segment_membership" not in tables:
        return {}
    rows = trino.query(settings, "select segment, count(*) from gold.fct_segment_membership "
                                 "group by segment")
    return {name: int(count) for name, count in rows}


@segments_app.command("list")
def list_command() -> None:
    """Every segment: name, definition and current size (from the last gold build)."""
    from pipelines.config import load_settings
    from pipelines.segments.definitions import load_segments

    settings = load_settings()
    sizes = segment_sizes(settings)
    for segment in load_segments(settings):
        typer.echo(f"{segment.name:<30} {sizes.get(segment.name, 0):>8}  "
                   f"{segment.definition_text()}  — {segment.description}")


@segments_app.command("export")
def export_command(
    name: Annotated[str, typer.Argument(help="segment name (see `lakehouse segments list`)")],
    out: Annotated[Path, typer.Option("--out", help="file to write")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    by: Annotated[str | None, typer.Option("--by", help="who exports (default: OS user)")] = None,
) -> None:
    """Members of NAME with marketing consent in force now, with consented contact fields."""
    from pipelines.config import load_settings
    from pipelines.segments.export import check_segment, export_segment
    from pipelines.spark import get_spark

    settings = load_settings()
    check_segment(settings, name)  # fail fast, before starting Spark
    result = export_segment(get_spark(settings), settings, name, fmt, out, by)
    typer.echo(f"exported {result.rows} of {result.members} members of {name} to {result.path} "
               f"({result.excluded_without_consent} without marketing consent; "
               f"sha256 {result.sha256})")
