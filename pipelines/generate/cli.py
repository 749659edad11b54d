"""``lakehouse generate``: write synthetic source feeds (and their ground truth) to disk.

The lead registers :func:`generate_command` on the main Typer app; defaults come from settings
(``generator.*`` for sizes, ``paths.landing`` for the output root) so `make run` needs no flags.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from pipelines.config import load_settings
from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)


def default_out() -> Path:
    """The folder holding ``landing/`` and ``ground_truth/`` (parent of ``paths.landing``)."""
    settings = load_settings()
    landing, truth = settings.path("paths.landing"), settings.path("paths.ground_truth")
    if landing.parent != truth.parent or landing.name != "landing" or truth.name != "ground_truth":
        raise LakehouseError(
            f"paths.landing ({landing}) and paths.ground_truth ({truth}) must be the folders "
            "'landing' and 'ground_truth' of one parent",
            "edit conf/<env>.yaml or pass --out",
        )
    return landing.parent


def generate_command(
    customers: Annotated[int | None, typer.Option(
        help="True people to simulate (default: generator.customers).")] = None,
    days: Annotated[int | None, typer.Option(
        help="Days of feeds (default: generator.days).")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Random seed; same seed, same bytes (default: generator.seed).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Root for landing/ and ground_truth/ (default: parent of paths.landing).")] = None,
    start_date: Annotated[str | None, typer.Option(
        help="Date of day 1, YYYY-MM-DD (default: generator.start_date).")] = None,
    day: Annotated[int | None, typer.Option(
        help="Only write batch DAY (1-based) instead of all days.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Processes rendering shards (default: available cores).")] = None,
) -> None:
    """Generate realistic, dirty airline source feeds with ground truth kept apart."""
    from pipelines.generate import generate

    settings = load_settings()
    try:
        start = date.fromisoformat(str(start_date or settings.get("generator.start_date")))
    except ValueError as exc:
        raise LakehouseError(f"bad --start-date: {exc}", "use YYYY-MM-DD") from exc
    summary = generate(
        out=out or default_out(),
        customers=customers or int(settings.get("generator.customers")),
        days=days or int(settings.get("generator.days")),
        seed=seed if seed is not None else int(settings.get("generator.seed")),
        start_date=start,
        day=day,
        workers=workers,
    )
    for source, count in summary.records.items():
        log.info("generated %s: %d files, %d records", source, summary.files.get(source, 0), count)
    log.info("generation summary: %s", json.dumps(summary.to_dict()))
    typer.echo(
        f"generated {summary.total_records} records in {sum(summary.files.values())} files "
        f"({', '.join(f'{s}={n}' for s, n in summary.records.items())}) "
        f"under {summary.out} in {summary.seconds:.1f}s"
    )
