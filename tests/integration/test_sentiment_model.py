"""Sentiment end to end on a small generated lake: train -> registry -> gates -> CLI -> gold.

Works in ``<var>/it_sentiment`` (landing, lake, checkpoints), wiped at its start; bronze is
ingested once for the three text sources. Models go to the environment's own MLflow store.
Training runs twice in the module: once with the real gates (the champion must move to the new
version) and once, on fewer texts, with a gate nobody can pass (registered, never champion).
"""

from __future__ import annotations

import shutil
import sys
from datetime import date

import pandas as pd
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lake(spark, settings):
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.generate import generate

    root = settings.var_dir / "it_sentiment"
    shutil.rmtree(root, ignore_errors=True)
    local = settings.with_overrides({f"paths.{key}": str(root / key) for key in
                                     ("landing", "ground_truth", "lake", "checkpoints")})
    generate(root, customers=200, days=2, seed=11, start_date=date(2026, 1, 1), workers=1)
    ingest_all(spark, local, ("feedback", "contact_centre", "social"))
    return local


@pytest.fixture(scope="module")
def conf():
    from ml.sentiment.config import load_conf, with_overrides

    return with_overrides(load_conf(), {"data.generated_per_class": 100})


@pytest.fixture(scope="module")
def trained(spark, lake, conf):
    from ml.sentiment.train import train_sentiment

    return train_sentiment(lake, spark, conf)


@pytest.fixture(scope="module")
def failed(spark, lake, conf):
    from ml.sentiment.config import with_overrides
    from ml.sentiment.train import train_sentiment

    impossible = with_overrides(conf, {"model_name": "sentiment_minilm_gate_check",
                                       "data.generated_per_class": 30,
                                       "gates.min_macro_f1": 1.01})
    return train_sentiment(lake, spark, impossible), impossible


def test_a_model_that_passes_the_gates_is_registered_and_becomes_champion(trained, lake, conf):
    from mlflow import MlflowClient

    from ml.tracking import champion_version

    assert trained.champion and trained.gate_failures == []
    assert champion_version(lake, conf["model_name"]) == trained.version
    assert trained.metrics["macro_f1"] >= conf["gates"]["min_macro_f1"]
    assert trained.metrics["macro_f1"] > trained.metrics["baseline_macro_f1"]
    tags = MlflowClient().get_model_version(conf["model_name"], trained.version).tags
    assert tags["gates_passed"] == "true"


def test_registered_model_is_small_because_the_encoder_is_not_in_it(trained, conf):
    from pathlib import Path

    import mlflow

    local = Path(mlflow.artifacts.download_artifacts(
        f"models:/{conf['model_name']}/{trained.version}"))
    size = sum(p.stat().st_size for p in local.rglob("*") if p.is_file())
    assert size < 1_000_000, size  # the MiniLM weights alone are ~90 MB


def test_failing_gate_registers_a_version_but_leaves_no_champion(failed, lake):
    from mlflow import MlflowClient

    from ml.tracking import champion_version

    report, impossible = failed
    assert not report.champion
    assert any(r.startswith("macro-F1") for r in report.gate_failures)
    assert champion_version(lake, impossible["model_name"]) is None
    version = MlflowClient().get_model_version(impossible["model_name"], report.version)
    assert version.tags["gates_passed"] == "false"


def test_scoring_without_champion_says_how_to_train(failed, lake):
    from ml.sentiment.score import champion
    from pipelines.errors import LakehouseError

    with pytest.raises(LakehouseError) as error:
        champion(lake, failed[1])
    assert "lakehouse sentiment train" in error.value.fix


def test_main_job_does_not_retrain_when_a_champion_exists(trained, spark, lake, conf):
    from ml.sentiment.train import train_if_needed

    report = train_if_needed(lake, spark, conf)
    assert not report.trained and report.version == trained.version


def test_cli_adds_sentiment_columns_and_unknown_for_foreign_or_empty(trained, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    texts = ["My flight was cancelled and my bag is lost. I want a refund now!",
             "Lovely crew on my flight today, thank you so much!",
             "Mon vol a été annulé et personne ne nous a aidés", ""]
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": range(4), "comment": texts}).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["sentiment", "score", "--in", str(source),
                                      "--text-column", "comment", "--out", str(out)])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out, keep_default_na=False)
    assert scored.columns.tolist() == ["id", "comment", "sentiment", "sentiment_score"]
    assert scored["sentiment"].tolist() == ["negative", "positive", "unknown", "unknown"]
    assert float(scored["sentiment_score"][0]) < 0 < float(scored["sentiment_score"][1])
    assert scored["sentiment_score"][2] == scored["sentiment_score"][3] == ""


def test_cli_unknown_column_is_a_clear_error_listing_the_columns(trained, tmp_path,
                                                                 monkeypatch, capsys):
    from pipelines.cli import main

    source = tmp_path / "in.csv"
    pd.DataFrame({"id": [1], "comment": ["fine"]}).to_csv(source, index=False)
    monkeypatch.setattr(sys, "argv", ["lakehouse", "sentiment", "score", "--in", str(source),
                                      "--text-column", "text", "--out",
                                      str(tmp_path / "out.csv")])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no column 'text'; the columns are: id, comment")
    assert "Traceback" not in err


def test_lake_texts_are_merged_into_gold_once_per_model_version(trained, spark, lake, conf):
    from ml.sentiment.score import lake_texts, score_lake
    from pipelines.spark import table_path

    first = score_lake(spark, lake, conf)
    again = score_lake(spark, lake, conf)
    gold = spark.read.format("delta").load(
        str(table_path(lake, "gold", conf["scoring"]["gold_table"]))).toPandas()
    texts = lake_texts(spark, lake)
    assert first["scored"] == len(texts) > 0 and again["scored"] == 0
    assert len(gold) == len(texts) and not gold.duplicated(["source", "record_id"]).any()
    assert set(gold["model_version"]) == {trained.version}
    assert set(gold["sentiment"]) <= {"negative", "neutral", "positive", "unknown"}
    assert "text" not in gold.columns
