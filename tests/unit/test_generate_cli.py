"""The CLI command writes the feeds with the given options and prints a one-line summary."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from pipelines.generate.cli import generate_command


def test_generate_command_writes_landing_and_truth_and_prints_summary(tmp_path):
    app = typer.Typer()
    app.command("generate")(generate_command)
    app.command("noop")(lambda: None)  # two commands so Typer keeps the subcommand name
    result = CliRunner().invoke(app, [
        "generate", "--customers", "50", "--days", "2", "--seed", "5", "--out", str(tmp_path),
        "--start-date", "2026-03-01", "--workers", "1",
    ])
    assert result.exit_code == 0, result.output
    assert "generated" in result.output and "loyalty=" in result.output
    assert (tmp_path / "landing/loyalty/loyalty_2026-03-01.csv").exists()
    assert (tmp_path / "ground_truth/persons.csv").exists()


def test_generate_command_day_option_writes_only_that_batch(tmp_path):
    app = typer.Typer()
    app.command("generate")(generate_command)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, [
        "generate", "--customers", "50", "--days", "3", "--day", "2", "--out", str(tmp_path),
        "--workers", "1",
    ])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "ground_truth/persons.csv").exists()
