"""`lakehouse propensity`: train the propensity models, score and push with the champions."""

from __future__ import annotations

from typing import Annotated

import typer

propensity_app = typer.Typer(help="Propensity models (ancillaries, churn): train, score.",
                             no_args_is_help=True)


@propensity_app.command("train")
def train_command(
    force: Annotated[bool, typer.Option("--force", help="Train even where a champion exists "
                                                         "(it moves only if the gates pass).")]
    = False,
    model: Annotated[list[str] | None, typer.Option(help="Only this model (repeatable).")]
    = None,
) -> None:
    """Train models without a champion (all with --force); champion only if the gates pass."""
    from ml.propensity.train import train_models
    from pipelines.config import load_settings
    from pipelines.spark import get_spark

    settings = load_settings()
    for name, r in train_models(settings, get_spark(settings), force=force, only=model).items():
        m = r["metrics"]
        if not r["trained"]:
            why = r["skipped"] or f"champion v{r['version']} exists"
            why += "; refused then: " + "; ".join(r["gate_failures"]) if r["gate_failures"] else ""
            typer.echo(f"{name}: not trained ({why})")
            continue
        figures = (f"AUC {m['auc']:.3f} (baseline {m['baseline_auc']:.3f}), Brier "
                   f"{m['brier']:.4f} (baseline {m['baseline_brier']:.4f})" if "auc" in m
                   else f"{m.get('train_rows')} train / {m.get('validation_rows')} validation rows")
        verdict = "champion" if r["champion"] else "refused: " + "; ".join(r["gate_failures"])
        typer.echo(f"{name} v{r['version']}: {figures}; {verdict}")


@propensity_app.command("score")
def score_command(
    run_id: Annotated[str, typer.Option(help="Run id recorded with the PostgreSQL push.")]
    = "cli",
) -> None:
    """Score with every champion into gold.customer_scores, then push to PostgreSQL."""
    from ml.propensity.score import score_and_push
    from pipelines.config import load_settings
    from pipelines.spark import get_spark

    settings = load_settings()
    report = score_and_push(get_spark(settings), settings, run_id)
    for name, r in report["models"].items():
        typer.echo(f"{name}: " + (f"v{r['version']} scored {r['scored']}" if "version" in r
                                  else r["skipped"]))
    typer.echo(f"gold rows written: {report.get('written', 0)}; PostgreSQL: {report['postgres']}")
