"""Score with each ``models:/<name>@champion`` into ``gold.customer_scores`` and the CMP store.

Features are built at the data's as-of date (``customer_360``'s, the one NBA decides on), for
each kind's population: customers with a next trip booked (ancillary models) or active
customers (churn). ``gold.customer_scores`` (customer_id, model_name, model_version, score,
scored_at) is MERGEd on (customer_id, model_name), rewriting a row only when its score or
model version changed, so ``scored_at`` says when the value last changed and an unchanged
re-run commits no Delta version (the gold build, which reads this table, stays skipped). The
champion models' rows then go to PostgreSQL through the diff-only ``push_scores``.

A score stays until the customer is scored again; a model without a champion (its gates
failed) scores nothing and says so.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from ml.propensity import data
from ml.propensity.config import load_conf, models_of_kind
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings
from pipelines.spark import table_path

log = logging.getLogger(__name__)
COLUMNS = ["customer_id", "model_name", "model_version", "score", "scored_at"]
SCHEMA = ("customer_id string, model_name string, model_version string, score double, "
          "scored_at timestamp")


def champions(settings: Settings, conf: dict) -> dict[str, str]:
    """``{model name: champion version}`` for every configured model that has one."""
    configure_mlflow(settings)
    found = {name: champion_version(settings, name) for name in conf["models"]}
    return {name: version for name, version in found.items() if version}


def predict(model, frame: pd.DataFrame) -> np.ndarray:
    """P(positive) per row, with the columns the model's signature names, in its order."""
    columns = model.metadata.get_input_schema().input_names()
    out = np.asarray(model.predict(frame[columns]))
    return out[:, 1] if out.ndim == 2 else out


def score_rows(frame: pd.DataFrame, name: str, version: str, proba) -> pd.DataFrame:
    """Rows shaped for the gold table (``scored_at`` filled in at merge time)."""
    return pd.DataFrame({"customer_id": frame["customer_id"].astype(str), "model_name": name,
                         "model_version": str(version),
                         "score": np.round(np.asarray(proba, dtype=float), 6)})


def merge_gold(spark, path, rows: pd.DataFrame) -> int:
    """MERGE new or changed ``rows`` into the gold table; return how many were written.

    Rows equal to the stored ones are dropped first, so a re-run with the same scores does not
    commit an empty Delta version.
    """
    from delta.tables import DeltaTable

    if not (path / "_delta_log").exists():
        spark.createDataFrame([], SCHEMA).write.format("delta").save(str(path))
    stamped = rows.assign(scored_at=datetime.now(UTC).replace(tzinfo=None))
    updates = spark.createDataFrame(stamped[COLUMNS], SCHEMA)
    current = spark.read.format("delta").load(str(path))
    changed = updates.join(current, ["customer_id", "model_name", "model_version", "score"],
                           "left_anti").cache()
    written = changed.count()
    if written:
        (DeltaTable.forPath(spark, str(path)).alias("t")
         .merge(changed.alias("s"),
                "t.customer_id = s.customer_id and t.model_name = s.model_name")
         .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute())
    changed.unpersist()
    return written


def score_models(spark, settings: Settings, conf: dict | None = None) -> dict:
    """Score every champion into ``gold.<scoring.gold_table>``; return counts per model."""
    import mlflow

    conf = conf or load_conf()
    current = champions(settings, conf)
    report = {"models": {name: {"skipped": "no champion (gates not passed)"}
                         for name in conf["models"] if name not in current}}
    if not current:
        return report
    tables, _ = data.gold_tables(spark, settings)
    as_of = data.data_as_of(spark, settings)
    alias, batches = settings.get("mlflow.champion_alias"), []
    for kind in ("ancillary", "churn"):
        names = [n for n in models_of_kind(conf, kind) if n in current]
        if not names:
            continue
        frame = data.scoring_frame(spark, tables, conf, kind, as_of)
        for name in names:
            model = mlflow.pyfunc.load_model(f"models:/{name}@{alias}")
            rows = score_rows(frame, name, current[name], predict(model, frame))
            batches.append(rows)
            report["models"][name] = {"version": current[name], "scored": len(rows),
                                      "mean_score": round(float(rows["score"].mean()), 4)
                                      if len(rows) else None}
    path = table_path(settings, "gold", conf["scoring"]["gold_table"])
    report["as_of"] = str(as_of)
    report["written"] = merge_gold(spark, path, pd.concat(batches, ignore_index=True))
    log.info("propensity scores as of %s: %s; %d rows new or changed in gold.%s", as_of,
             {n: r.get("scored", r.get("skipped")) for n, r in report["models"].items()},
             report["written"], conf["scoring"]["gold_table"])
    return report


def champion_rows(spark, settings: Settings, conf: dict, current: dict[str, str]) -> pd.DataFrame:
    """Rows of the gold table scored by the current champion versions (what the CMP gets)."""
    from pyspark.sql import functions as F

    path = table_path(settings, "gold", conf["scoring"]["gold_table"])
    if not current or not (path / "_delta_log").exists():
        return pd.DataFrame(columns=COLUMNS)
    wanted = F.lit(False)
    for name, version in current.items():
        wanted = wanted | ((F.col("model_name") == name) & (F.col("model_version") == version))
    return spark.read.format("delta").load(str(path)).where(wanted).toPandas()


def score_and_push(spark, settings: Settings, run_id: str, conf: dict | None = None) -> dict:
    """:func:`score_models`, then the champions' rows to PostgreSQL ``customer_scores``."""
    from pipelines.publish.cmp_store import push_scores

    conf = conf or load_conf()
    report = score_models(spark, settings, conf)
    rows = champion_rows(spark, settings, conf, champions(settings, conf))
    if rows.empty:
        report["postgres"] = {"skipped": "no champion scores"}
        return report
    report["postgres"] = push_scores(settings, rows[COLUMNS], run_id).__dict__
    return report
