"""Scoring with ``models:/sentiment_minilm@champion``: any CSV of texts, and the lake's texts.

The lake job writes ``gold.feedback_sentiment`` (one row per feedback case, contact-centre
interaction and social post: sentiment, score, model version; no text) with a Delta MERGE on
``(source, record_id)``. Only rows not yet scored by the current champion are encoded, so a
re-run with nothing new costs a table read, and a new champion re-scores everything once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ml.sentiment import data
from ml.sentiment.config import load_conf
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.spark import table_path

log = logging.getLogger(__name__)
GOLD_COLUMNS = ["source", "record_id", "sentiment", "sentiment_score", "model_name",
                "model_version", "scored_at"]


def champion(settings: Settings, conf: dict):
    """``(pyfunc model, version)`` of the champion; a clear error if there is none yet."""
    import mlflow

    name, alias = conf["model_name"], settings.get("mlflow.champion_alias")
    configure_mlflow(settings)
    version = champion_version(settings, name)
    if version is None:
        raise LakehouseError(f"model {name} has no {alias} yet (env {settings.env})",
                             "run `lakehouse sentiment train` (or `lakehouse run`) first")
    return mlflow.pyfunc.load_model(f"models:/{name}@{alias}"), version


def score_frame(model, frame: pd.DataFrame, text_column: str) -> pd.DataFrame:
    """``frame`` with ``sentiment`` and ``sentiment_score`` added (row order kept)."""
    if text_column not in frame.columns:
        raise LakehouseError(f"no column {text_column!r}; the columns are: "
                             f"{', '.join(map(str, frame.columns))}",
                             "pass one of them with --text-column")
    scored = model.predict(pd.DataFrame({"text": frame[text_column].tolist()}))
    return frame.assign(sentiment=scored["sentiment"].to_numpy(),
                        sentiment_score=scored["sentiment_score"].to_numpy())


def score_csv(settings: Settings, in_path: Path, text_column: str, out_path: Path) -> dict:
    """Score a CSV file into ``out_path``; return counts per sentiment and the model version."""
    if not in_path.is_file():
        raise LakehouseError(f"input file not found: {in_path}", "check the --in path")
    frame = pd.read_csv(in_path, dtype=str, keep_default_na=False)
    conf = load_conf()
    model, version = champion(settings, conf)
    scored = score_frame(model, frame, text_column)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    scored.to_csv(out_path, index=False)
    return {"rows": len(scored), "model_version": version,
            "counts": scored["sentiment"].value_counts().to_dict()}


def lake_texts(spark, settings: Settings) -> pd.DataFrame:
    """``source, record_id, text`` of every feedback case, interaction and post in bronze."""
    readers = {"feedback_events": data.feedback_texts,
               "contact_centre_interactions": data.contact_texts,
               "social_posts": data.social_texts}
    frames = []
    for table, reader in readers.items():
        df, _ = data.bronze_table(spark, settings, table)
        if df is not None:
            frames.append(reader(df)[["source", "record_id", "text"]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["source", "record_id", "text"])


def _already_scored(spark, path: Path, version: str) -> set[tuple[str, str]]:
    if not (path / "_delta_log").exists():
        return set()
    rows = (spark.read.format("delta").load(str(path))
            .where(f"model_version = '{version}'").select("source", "record_id").collect())
    return {(r.source, r.record_id) for r in rows}


def merge_gold(spark, path: Path, rows: pd.DataFrame) -> None:
    """MERGE ``rows`` into the gold table on ``(source, record_id)`` (created when missing)."""
    from delta.tables import DeltaTable

    schema = ("source string, record_id string, sentiment string, sentiment_score double, "
              "model_name string, model_version string, scored_at timestamp")
    updates = spark.createDataFrame(rows[GOLD_COLUMNS], schema=schema)
    if not (path / "_delta_log").exists():
        spark.createDataFrame([], schema).write.format("delta").save(str(path))
    (DeltaTable.forPath(spark, str(path)).alias("t")
     .merge(updates.alias("s"), "t.source = s.source and t.record_id = s.record_id")
     .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute())


def score_lake(spark, settings: Settings, conf: dict | None = None) -> dict:
    """Score the lake's texts not yet scored by the champion into ``gold.<scoring.gold_table>``.

    With no champion yet (training failed its gates) the step reports why and scores nothing,
    so the rest of the job still runs; the model is loaded only when there is text to score.
    """
    conf = conf or load_conf()
    configure_mlflow(settings)
    version = champion_version(settings, conf["model_name"])
    if version is None:
        return {"skipped": f"model {conf['model_name']} has no champion"}
    path = table_path(settings, "gold", conf["scoring"]["gold_table"])
    texts = lake_texts(spark, settings)
    done = _already_scored(spark, path, version)
    todo = texts[[(s, r) not in done for s, r in zip(texts["source"], texts["record_id"],
                                                      strict=True)]]
    counts = {}
    if not todo.empty:
        model, version = champion(settings, conf)
        scored = score_frame(model, todo, "text").assign(
            model_name=conf["model_name"], model_version=version,
            scored_at=datetime.now(UTC).replace(tzinfo=None))
        merge_gold(spark, path, scored)
        counts = {k: int(v) for k, v in scored["sentiment"].value_counts().items()}
    log.info("sentiment: %d texts, %d scored now with v%s", len(texts), len(todo), version)
    return {"texts": len(texts), "scored": len(todo), "model_version": version,
            "counts": counts}
