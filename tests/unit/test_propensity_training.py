"""Training and scoring plumbing on synthetic rows: a candidate that beats the baseline becomes
champion in a throw-away MLflow store and scores through its signature; identical data is not
trained twice; the gold MERGE rewrites only changed scores."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from ml.propensity.config import load_conf

CUTOFFS = [date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15)]


def _frame(seed: int = 3, per_cutoff: int = 150) -> pd.DataFrame:
    """Churn rows where ``n_flight`` drives the label and the baseline's feature is noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for cutoff in CUTOFFS:
        flights = rng.integers(0, 6, per_cutoff).astype(float)
        churn = (rng.random(per_cutoff) < 0.9 - 0.15 * flights).astype(int)
        rows.append(pd.DataFrame({
            "cutoff": cutoff, "customer_id": [f"C{i:04d}" for i in range(per_cutoff)],
            "n_flight": flights, "days_since_last_booking": rng.integers(0, 28, per_cutoff)
            .astype(float), "tier_rank": np.where(rng.random(per_cutoff) < 0.3, np.nan, 1.0),
            "churn": churn}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def store(settings, tmp_path_factory):
    from ml.tracking import configure_mlflow

    root = tmp_path_factory.mktemp("mlflow")
    local = settings.with_overrides({"mlflow.tracking_uri": f"sqlite:///{root}/mlflow.db",
                                     "mlflow.artifact_root": str(root / "artifacts")})
    return local, configure_mlflow(local)


@pytest.fixture(scope="module")
def trained(store):
    from ml.propensity.train import train_one

    settings, experiment_id = store
    context = {"experiment_id": experiment_id, "versions": {"gold.fct_customer_timeline": 4},
               "train_cutoffs": CUTOFFS[:2], "validation_cutoffs": [CUTOFFS[2]]}
    first = train_one(settings, load_conf(), "churn_risk", _frame(), context, force=False)
    again = train_one(settings, load_conf(), "churn_risk", _frame(), context, force=False)
    return first, again


def test_a_candidate_beating_the_baseline_becomes_champion(store, trained):
    from ml.tracking import champion_version

    first, _ = trained
    m = first.metrics
    assert first.champion and first.gate_failures == []
    assert m["auc"] > m["baseline_auc"] and m["brier"] < m["baseline_brier"]
    assert champion_version(store[0], "churn_risk") == first.version


def test_the_champion_loads_and_scores_by_column_name(store, trained):
    import mlflow

    from ml.propensity.score import predict
    from ml.tracking import configure_mlflow

    configure_mlflow(store[0])
    model = mlflow.pyfunc.load_model("models:/churn_risk@champion")
    frame = _frame(seed=9).iloc[::-1]
    reordered = frame[["tier_rank", "churn", "customer_id", "days_since_last_booking",
                       "n_flight", "cutoff"]]
    proba = predict(model, reordered)
    assert proba.shape == (len(frame),) and ((proba >= 0) & (proba <= 1)).all()
    few, many = frame.assign(n_flight=0.0), frame.assign(n_flight=5.0)
    assert predict(model, few).mean() > predict(model, many).mean()  # fewer flights, more churn


def test_the_same_data_is_not_trained_twice(trained):
    first, again = trained
    assert not again.trained and again.version is None
    assert again.skipped.startswith("same data as run")


def test_gold_merge_rewrites_only_changed_scores(spark, tmp_path):
    from ml.propensity.score import merge_gold

    path = tmp_path / "customer_scores"
    rows = pd.DataFrame({"customer_id": ["C1", "C2"], "model_name": "churn_risk",
                         "model_version": "1", "score": [0.2, 0.7]})
    assert merge_gold(spark, path, rows) == 2
    commits = sorted((path / "_delta_log").glob("*.json"))
    assert merge_gold(spark, path, rows) == 0
    assert sorted((path / "_delta_log").glob("*.json")) == commits  # no empty commit
    assert merge_gold(spark, path, rows.assign(score=[0.2, 0.9])) == 1
    stored = spark.read.format("delta").load(str(path)).orderBy("customer_id").collect()
    assert [(r.customer_id, r.score) for r in stored] == [("C1", 0.2), ("C2", 0.9)]
    assert stored[0].scored_at < stored[1].scored_at  # C1 kept the time it last changed
