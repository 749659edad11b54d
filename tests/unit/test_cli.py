"""Every command answers --help; foreseeable failures print two lines and exit 2."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

COMMANDS = [[], ["setup"], ["services"], ["services", "up"], ["services", "down"],
            ["services", "status"], ["generate"], ["run"], ["sql"], ["airflow"], ["identity"],
            ["identity", "dedupe"], ["identity", "link"], ["segments"], ["segments", "list"],
            ["segments", "export"], ["privacy"], ["privacy", "scan"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_every_command_has_help(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_lakehouse_error_is_one_clear_message_and_exit_2(tmp_path):
    env = {"LAKEHOUSE_ENV": "nope", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "services", "status"],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown environment 'nope'")
    assert "Traceback" not in result.stderr


def test_unknown_segment_export_lists_the_known_segments_and_exits_2(tmp_path):
    import os

    env = {**os.environ, "LAKEHOUSE_ENV": "test"}
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "segments", "export",
                             "no_such_segment", "--out", str(tmp_path / "x.csv")],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: unknown segment 'no_such_segment'")
    assert "family_leisure" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.csv").exists()
