"""Propensity models on the shared main run: gates decide the champion, champions score into
gold.customer_scores and PostgreSQL, re-scoring writes nothing, and planted post-cut-off
events on the real gold frames change labels but no feature."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def conf():
    from ml.propensity.config import load_conf

    return load_conf()


@pytest.fixture(scope="module")
def trained(main_run, settings):
    from ml.tracking import configure_mlflow

    configure_mlflow(settings)
    return main_run["steps"]["train"]["propensity"]


def _passes(metrics: dict, gates: dict) -> bool:
    return (metrics["auc"] >= gates["min_auc"]
            and metrics["auc"] - metrics["baseline_auc"] >= gates["min_auc_lift"]
            and metrics["baseline_brier"] - metrics["brier"] > gates["min_brier_gain"])


def test_only_models_that_pass_their_gates_hold_the_champion_alias(trained, settings, conf):
    from mlflow import MlflowClient

    from ml.tracking import champion_version

    client = MlflowClient()
    assert set(trained) == set(conf["models"])
    for name, report in trained.items():
        champion = champion_version(settings, name)
        if not report["champion"]:
            assert champion is None and report["gate_failures"], name
            continue
        assert champion == report["version"]
        run = client.get_run(client.get_model_version(name, champion).run_id)
        assert _passes(run.data.metrics, conf["gates"]), run.data.metrics
        assert {"delta_version.gold.fct_customer_timeline", "validation_cutoffs"} <= set(
            run.data.params)
        plots = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
        assert plots == {"plots/roc.png", "plots/calibration.png", "plots/confusion_matrix.png"}


def test_a_model_too_thin_to_fit_is_refused_with_the_count_that_fell_short(trained, settings,
                                                                           conf):
    """The suite's 3-day world leaves the ancillary windows (9 + 5 cut-offs of 3 days) almost
    without flights, so those models must be refused before fitting, each naming the count."""
    from ml.tracking import champion_version

    unfit = {n: r for n, r in trained.items() if r["version"] is None and not r.get("skipped")}
    assert unfit, "expected the small test world to leave some model without enough rows"
    counts = ("rows", "positives", "negatives")
    for name, report in unfit.items():
        assert champion_version(settings, name) is None, name
        assert report["gate_failures"] and all(
            any(word in failure for word in counts) for failure in report["gate_failures"]), report


def test_gold_and_postgres_hold_each_champion_score(main_run, spark, settings, conf):
    from ml.propensity.score import champion_rows, champions
    from pipelines.services import postgres

    current = champions(settings, conf)
    if not current:
        pytest.skip("no propensity champion on this data: nothing is scored or pushed")
    gold = champion_rows(spark, settings, conf, current)
    assert set(gold["model_name"]) == set(current)
    assert not gold.duplicated(["customer_id", "model_name"]).any()
    assert gold["score"].between(0, 1).all()
    with postgres.connect(settings) as conn:
        stored = {(c, m): (v, s) for c, m, v, s in conn.execute(
            "select customer_id, model_name, model_version, score from customer_scores "
            "where model_name = any(%s)", [list(current)])}
    assert {(r.customer_id, r.model_name): (r.model_version, r.score)
            for r in gold.itertuples()}.items() <= stored.items()


def test_scoring_again_on_the_same_lake_writes_nothing(main_run, spark, settings, conf):
    from ml.propensity.score import champions, score_models

    if not champions(settings, conf):
        pytest.skip("no propensity champion on this data: nothing is scored")
    log = settings.path("paths.lake") / "gold" / conf["scoring"]["gold_table"] / "_delta_log"
    commits = sorted(log.glob("*.json"))
    assert score_models(spark, settings, conf)["written"] == 0
    assert sorted(log.glob("*.json")) == commits


def test_events_planted_after_the_cutoff_change_labels_but_no_feature(main_run, spark,
                                                                     settings, conf):
    """A churner's history is copied under a new id, which then gets a booking, a flight and an
    ancillary the day after the cut-off: the twin's label flips, its features do not."""
    from pyspark.sql import functions as F

    from ml.propensity import data, features, labels, split

    tables, _ = data.gold_tables(spark, settings)
    cutoff = split.cutoffs(data.anchors(tables)["churn"], conf["churn"])[1][-1]
    cutoffs = features.cutoff_frame(spark, [cutoff])
    windows = (int(conf["churn"]["horizon_days"]), int(conf["churn"]["active_days"]))
    churner = (labels.churn_labels(tables["timeline"], cutoffs, *windows).where("churn = 1")
               .orderBy("customer_id").first()["customer_id"])
    after = F.lit(datetime.combine(cutoff + timedelta(days=1), time(0, 1)))
    day_after = F.lit(cutoff + timedelta(days=1))
    late = {"timeline": {"event_type": F.lit("booking"), "event_at": after},
            "bookings": {"booked_at": after, "departure_date": day_after},
            "ancillaries": {"flight_date": day_after}, "flights": {"flight_date": day_after}}
    mixed = {}
    for key, df in tables.items():
        twin = df.where(F.col("customer_id") == churner).withColumn("customer_id", F.lit("TWIN"))
        mixed[key] = df.unionByName(twin).unionByName(twin.limit(1).withColumns(late[key]))
    built = {r["customer_id"]: {k: v for k, v in r.asDict().items() if k != "customer_id"}
             for r in features.build_features(mixed, cutoffs, conf, 45)
             .where(F.col("customer_id").isin(churner, "TWIN")).collect()}
    assert built["TWIN"] == built[churner]
    relabelled = {r["customer_id"]: r["churn"] for r in labels.churn_labels(
        mixed["timeline"], cutoffs, *windows).where(F.col("customer_id").isin(churner, "TWIN"))
        .collect()}
    assert relabelled == {churner: 1, "TWIN": 0}
