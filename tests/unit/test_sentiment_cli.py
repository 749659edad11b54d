"""`lakehouse sentiment` is wired into the main CLI and documents its options."""

import pytest
from typer.testing import CliRunner

from pipelines.cli import app


@pytest.mark.parametrize("command", [["sentiment"], ["sentiment", "train"],
                                     ["sentiment", "score"]], ids=" ".join)
def test_sentiment_commands_have_help(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_score_requires_input_column_and_output():
    result = CliRunner().invoke(app, ["sentiment", "score", "--help"])
    for option in ("--in", "--text-column", "--out"):
        assert option in result.output


def test_score_of_a_missing_file_is_a_clear_error(tmp_path):
    from ml.sentiment.score import score_csv
    from pipelines.config import load_settings
    from pipelines.errors import LakehouseError

    with pytest.raises(LakehouseError, match="input file not found"):
        score_csv(load_settings(), tmp_path / "nope.csv", "text", tmp_path / "out.csv")
