"""Fit, grade and register each propensity model; the champion alias only through the gates.

Per model: the kind's labelled frame (every cut-off), the time split, a calibrated gradient
boosting classifier fitted on the earlier cut-offs, graded on the latest ones against the
last-behaviour baseline (``evaluate.py``), one MLflow run (params, metrics, plots, the gold
Delta versions read, the model with its signature), registered, ``champion`` if it passes.

The main job trains a model only when it has no champion (or when forced). A candidate that
failed its gates is not retried on the very same data (``runs.py``), so a re-run of the job on
an unchanged lake writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from ml.propensity import data
from ml.propensity.config import load_conf, models_of_kind
from ml.propensity.model import candidate
from ml.propensity.runs import already_tried, fingerprint, inputs_fingerprint, log_run
from ml.tracking import champion_version, configure_mlflow
from pipelines.config import Settings

log = logging.getLogger(__name__)


@dataclass
class TrainReport:
    model_name: str
    version: str | None
    trained: bool
    champion: bool
    metrics: dict[str, float] = field(default_factory=dict)
    gate_failures: list[str] = field(default_factory=list)
    skipped: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def train_one(settings: Settings, conf: dict, name: str, frame: pd.DataFrame,
              context: dict, force: bool) -> TrainReport:
    """Train, log and register one model; set the alias only if the gates pass."""
    from mlflow import MlflowClient

    spec = conf["models"][name]
    context = {**context, "fingerprint": fingerprint(frame, spec, conf)}
    earlier = already_tried(context["experiment_id"], name, "training_fingerprint",
                            context["fingerprint"])
    if earlier and not force:
        log.info("propensity %s: a candidate on identical data already ran (run %s) and did "
                 "not become champion; training skipped", name, earlier["run_id"])
        return TrainReport(name, None, False, False, gate_failures=earlier["gate_failures"],
                           skipped=f"same data as run {earlier['run_id']}")
    cand = candidate(frame, context["validation_cutoffs"], spec, conf)
    version = log_run(settings, conf, name, spec, cand, frame, context)
    if version is not None:
        client = MlflowClient()
        client.set_model_version_tag(name, version, "gates_passed", str(cand.gate.passed).lower())
        if cand.gate.passed:
            client.set_registered_model_alias(name, settings.get("mlflow.champion_alias"),
                                              version)
    m, refused = cand.metrics, "; ".join(cand.gate.reasons)
    if version is None:
        log.info("propensity %s: too little data to fit, promotion refused: %s", name, refused)
    else:
        log.info("propensity %s: v%s AUC %.3f (baseline %.3f), Brier %.4f (baseline %.4f); %s",
                 name, version, m["auc"], m["baseline_auc"], m["brier"], m["baseline_brier"],
                 "champion" if cand.gate.passed else f"promotion refused: {refused}")
    return TrainReport(name, version, True, cand.gate.passed, m, cand.gate.reasons)


def _tried_on_same_versions(name: str, conf: dict, versions: dict, experiment_id: str,
                            reports: dict) -> bool:
    """True (and a report) when a candidate already ran on these gold versions."""
    earlier = already_tried(experiment_id, name, "inputs_fingerprint",
                            inputs_fingerprint(versions, conf["models"][name], conf))
    if earlier:
        log.info("propensity %s: a candidate on these gold versions already ran (run %s) and "
                 "did not become champion; training skipped", name, earlier["run_id"])
        reports[name] = TrainReport(
            name, None, False, False, gate_failures=earlier["gate_failures"],
            skipped=f"same gold versions as run {earlier['run_id']}").to_dict()
    return earlier is not None


def train_models(settings: Settings, spark, conf: dict | None = None, force: bool = False,
                 only: list[str] | None = None) -> dict[str, dict]:
    """Train every model (or ``only`` these) that has no champion, or all when ``force``."""
    conf = conf or load_conf()
    experiment_id = configure_mlflow(settings)
    reports, todo = {}, []
    for name in only or list(conf["models"]):
        existing = champion_version(settings, name)
        if existing and not force:
            log.info("propensity %s: champion v%s exists, training skipped", name, existing)
            reports[name] = TrainReport(name, existing, False, True).to_dict()
        else:
            todo.append(name)
    if not todo:
        return reports
    tables, versions = data.gold_tables(spark, settings)
    if not force:
        todo = [n for n in todo if not _tried_on_same_versions(n, conf, versions, experiment_id,
                                                               reports)]
    if not todo:
        return reports
    anchors = data.anchors(tables)
    for kind in ("ancillary", "churn"):
        names = [n for n in models_of_kind(conf, kind) if n in todo]
        if not names:
            continue
        if anchors[kind] is None:  # e.g. no flight flown yet: no label can be observed
            for name in names:
                log.info("propensity %s: no %s label source in gold yet, nothing to train on",
                         name, kind)
                reports[name] = TrainReport(name, None, False, False,
                                            skipped=f"no {kind} data in gold").to_dict()
            continue
        frame, train_cutoffs, validation = data.training_frame(spark, tables, conf, kind,
                                                               anchors[kind])
        context = {"experiment_id": experiment_id, "versions": versions,
                   "train_cutoffs": train_cutoffs, "validation_cutoffs": validation}
        for name in names:
            reports[name] = train_one(settings, conf, name, frame, context, force).to_dict()
    return reports
