"""`lakehouse sentiment`: train a candidate, score any CSV of texts with the champion."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

sentiment_app = typer.Typer(help="Sentiment model (MiniLM + head): train, score a CSV.",
                            no_args_is_help=True)


@sentiment_app.command("train")
def train_command() -> None:
    """Train, log and register a version; it becomes champion only if the gates pass."""
    from ml.sentiment.train import train_sentiment
    from pipelines.config import load_settings
    from pipelines.spark import get_spark

    settings = load_settings()
    report = train_sentiment(settings, get_spark(settings))
    m = report.metrics
    typer.echo(f"{report.model_name} v{report.version}: macro-F1 {m['macro_f1']:.3f} on "
               f"{m['test_rows']} held-out texts (keyword baseline {m['baseline_macro_f1']:.3f})")
    typer.echo("champion: yes" if report.champion else
               "champion: no, gates failed: " + "; ".join(report.gate_failures))


@sentiment_app.command("score")
def score_command(
    in_path: Annotated[Path, typer.Option("--in", help="CSV file with a header row.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text to score.")],
    out: Annotated[Path, typer.Option(help="CSV to write: the input plus `sentiment` and "
                                           "`sentiment_score` (P(pos) - P(neg)).")],
) -> None:
    """Score every row of a CSV with models:/sentiment_minilm@champion."""
    from ml.sentiment.score import score_csv
    from pipelines.config import load_settings

    result = score_csv(load_settings(), in_path, text_column, out)
    typer.echo(f"scored {result['rows']} rows with v{result['model_version']} -> {out}: "
               + ", ".join(f"{k} {v}" for k, v in sorted(result["counts"].items())))
