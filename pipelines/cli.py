"""`lakehouse`: one command line for every job. Errors print what failed and how to fix it."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ml.propensity.cli import propensity_app
from ml.sentiment.cli import sentiment_app
from pipelines.compensation.cli import compensation_app
from pipelines.config import load_settings
from pipelines.errors import LakehouseError
from pipelines.generate.cli import generate_command
from pipelines.identity.cli import identity_app
from pipelines.logs import configure_logging
from pipelines.segments.cli import segments_app
from privacy.audit import audit_app
from privacy.cli import privacy_app

app = typer.Typer(help="Airline customer-data lakehouse.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
services_app = typer.Typer(help="Start, stop and inspect Trino and PostgreSQL.",
                           no_args_is_help=True)
app.add_typer(services_app, name="services")
app.command("generate")(generate_command)
app.add_typer(identity_app, name="identity")
app.add_typer(compensation_app, name="compensation")
app.add_typer(segments_app, name="segments")
app.add_typer(privacy_app, name="privacy")
app.add_typer(audit_app, name="audit")
app.add_typer(sentiment_app, name="sentiment")
app.add_typer(propensity_app, name="propensity")


@app.callback()
def _main() -> None:
    configure_logging()


@app.command()
def setup() -> None:
    """Install and initialise everything: Delta JARs, Trino, PostgreSQL, Airflow metadata DB."""
    from pipelines.setup.install import setup_all

    timings = setup_all(load_settings())
    typer.echo(f"setup complete: {json.dumps(timings)}")


def _service_modules():
    from pipelines.services import postgres, trino

    return {"trino": trino, "postgres": postgres}


@services_app.command("up")
def services_up() -> None:
    """Start Trino and PostgreSQL (no-op for those already healthy)."""
    settings = load_settings()
    for name, module in _service_modules().items():
        status = module.start(settings)
        typer.echo(f"{name}: healthy on port {status.get('port')} (log {status.get('log')})")


@services_app.command("down")
def services_down() -> None:
    """Stop Trino and PostgreSQL."""
    settings = load_settings()
    for name, module in _service_modules().items():
        module.stop(settings)
        typer.echo(f"{name}: stopped")


@services_app.command("status")
def services_status() -> None:
    """Show whether each service runs and answers queries."""
    settings = load_settings()
    for name, module in _service_modules().items():
        status = module.status(settings)
        state = "healthy" if status.get("healthy") else (
            "running, not healthy" if status.get("running") else "stopped")
        typer.echo(f"{name:<9} {state:<22} port {status.get('port')}  log {status.get('log')}")


@app.command()
def run(
    airflow: Annotated[bool, typer.Option(
        help="Run through `airflow dags test` (default) or in this process.")] = True,
) -> None:
    """Run the main job end to end on the embedded defaults and print the summary."""
    from pipelines.run import format_summary, load_summary, run_all
    from pipelines.setup.airflow import dags_test

    settings = load_settings()
    if airflow:
        dags_test(settings)
        summary = load_summary(settings.path("paths.reports") / "last_run.json")
    else:
        summary = run_all(settings)
    typer.echo(format_summary(summary))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL for Trino, e.g. 'select 1'.")],
    as_login: Annotated[str | None, typer.Option(
        "--as", help="Trino login (conf/privacy/trino_access.yaml), e.g. analyst; default: "
                     "the service login trino.user.")] = None,
) -> None:
    """Run one query through Trino (HTTPS, catalog set) and print the rows, tab-separated."""
    from pipelines.services import trino

    connection = trino.connect(load_settings(), as_login)
    try:
        cursor = connection.cursor()
        cursor.execute(query)
        for row in cursor.fetchall():
            typer.echo("\t".join("" if v is None else str(v) for v in row))
    finally:
        connection.close()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def airflow(ctx: typer.Context) -> None:
    """Run an `airflow` command with this environment's AIRFLOW_HOME and DAG folder."""
    from pipelines.setup.airflow import airflow as run_airflow

    raise typer.Exit(run_airflow(load_settings(), list(ctx.args)).returncode)


def main() -> None:
    """Console entry point: a LakehouseError becomes two readable lines and exit status 2."""
    try:
        app()
    except LakehouseError as exc:
        typer.echo(f"error: {exc.what}", err=True)
        if exc.fix:
            typer.echo(f"  fix: {exc.fix}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
