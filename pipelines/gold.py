"""Gold: build the dbt project in-process, on the pipeline's Spark session.

dbt-spark's ``session`` method calls ``SparkSession.builder.getOrCreate()``, which returns the
session `pipelines.spark.get_spark` already made (Delta configured, lake tables registered), so
dbt reads silver and writes gold Delta tables under ``<lake>/gold`` without a Thrift server.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.config import REPO_ROOT, Settings
from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)


@dataclass
class GoldReport:
    models: int = 0
    tests_passed: int = 0
    tests_failed: list[str] = field(default_factory=list)
    tests_warned: list[str] = field(default_factory=list)
    docs: str | None = None
    skipped_unchanged: bool = False

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def dbt_args(settings: Settings, command: list[str]) -> list[str]:
    """Full dbt argument list for ``command`` in this environment (artifacts under var/)."""
    project = REPO_ROOT / settings.get("dbt.project_dir")
    dbt_var = settings.var_dir / "dbt"
    return [*command, "--project-dir", str(project), "--profiles-dir", str(project),
            "--target", settings.get("dbt.target"), "--target-path", str(dbt_var / "target"),
            "--log-path", str(dbt_var / "logs")]


def run_dbt(settings: Settings, command: list[str]):
    """Invoke dbt in this process and return its result; raise with the failures listed."""
    from dbt.cli.main import dbtRunner

    os.environ["LAKEHOUSE_LAKE"] = str(settings.path("paths.lake"))
    os.environ["LAKEHOUSE_DBT_THREADS"] = str(settings.get("dbt.threads"))
    result = dbtRunner().invoke(dbt_args(settings, command))
    if result.exception is not None:
        raise LakehouseError(f"dbt {' '.join(command)} crashed: {result.exception}",
                             f"see {settings.var_dir / 'dbt' / 'logs' / 'dbt.log'}")
    return result


def gold_vars(settings: Settings) -> dict:
    """dbt variables: compiled segment definitions and the data's as-of date (null: latest)."""
    from pipelines.segments.definitions import dbt_vars

    return {**dbt_vars(settings), "as_of": settings.get("dbt.as_of")}


def _delta_version(table_dir: Path) -> int:
    """Latest commit of a Delta table, from its log file names (no Spark needed)."""
    return max((int(p.stem) for p in (table_dir / "_delta_log").glob("*.json")), default=-1)


def build_inputs(settings: Settings) -> str:
    """Fingerprint of everything a gold build reads: silver table versions, the external gold
    inputs (model scores), the dbt project's files and the variables handed to dbt."""
    lake = settings.path("paths.lake")
    tables = sorted((lake / "silver").glob("*/_delta_log"))
    tables += [lake / name.replace(".", "/") / "_delta_log"
               for name in settings.get("dbt.external_inputs")]
    versions = {str(t.parent.relative_to(lake)): _delta_version(t.parent)
                for t in tables if t.is_dir()}
    project = REPO_ROOT / settings.get("dbt.project_dir")
    files = {str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(project.rglob("*")) if p.is_file()
             and p.relative_to(project).parts[0] not in ("target", "logs", "dbt_packages")}
    payload = json.dumps({"versions": versions, "files": files, "vars": gold_vars(settings)},
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _stamp(settings: Settings) -> Path:
    return settings.var_dir / "dbt" / "last_build.json"


def unchanged_since_last_build(settings: Settings, fingerprint: str) -> GoldReport | None:
    """The last build's report when nothing gold reads has changed and its tables still exist."""
    stamp = _stamp(settings)
    if not stamp.exists():
        return None
    last = json.loads(stamp.read_text())
    gold = settings.path("paths.lake") / "gold"
    if last.get("fingerprint") != fingerprint or not all(
            (gold / t / "_delta_log").is_dir() for t in last.get("tables", [])):
        return None
    return GoldReport(**{**last["report"], "skipped_unchanged": True})


def build_gold(spark, settings: Settings) -> GoldReport:
    """``dbt build`` (models + tests); raise if a model or a test fails.

    A build whose inputs are unchanged since the last successful one is skipped (the marts
    would come out identical): re-runs and Airflow retries cost seconds, not minutes.
    """
    del spark  # the session must exist before dbt runs; dbt picks it up itself
    fingerprint = build_inputs(settings)
    previous = unchanged_since_last_build(settings, fingerprint)
    if previous is not None:
        log.info("gold: inputs unchanged since the last build; dbt build skipped")
        return previous
    # Seeds (reference CSVs) are external Delta tables that dbt-spark appends to when their
    # folder exists and the in-memory catalog does not know them: start them from empty.
    shutil.rmtree(settings.path("paths.lake") / "reference", ignore_errors=True)
    result = run_dbt(settings, ["build", "--vars", json.dumps(gold_vars(settings))])
    report = GoldReport()
    for node_result in result.result or []:
        unique_id = node_result.node.unique_id
        status = str(node_result.status)
        if unique_id.startswith("model."):
            report.models += 1
        elif unique_id.startswith("test."):
            if status == "pass":
                report.tests_passed += 1
            elif status == "warn":
                report.tests_warned.append(unique_id)
            else:
                report.tests_failed.append(f"{unique_id}: {status}")
    log.info("gold: %d models built, %d tests passed, %d failed", report.models,
             report.tests_passed, len(report.tests_failed))
    if not result.success:
        raise LakehouseError(f"dbt build failed: {report.tests_failed or 'a model failed'}",
                             f"see {settings.var_dir / 'dbt' / 'logs' / 'dbt.log'}")
    if settings.get("dbt.generate_docs"):
        report.docs = str(generate_docs(settings))
    _stamp(settings).write_text(json.dumps({
        "fingerprint": fingerprint, "tables": gold_tables(settings),
        "report": report.to_dict()}, indent=2))
    return report


def generate_docs(settings: Settings):
    """``dbt docs generate``: the static docs site (open ``index.html``, or ``dbt docs serve``)."""
    result = run_dbt(settings, ["docs", "generate", "--vars", json.dumps(gold_vars(settings))])
    if not result.success:
        raise LakehouseError("dbt docs generate failed",
                             f"see {settings.var_dir / 'dbt' / 'logs' / 'dbt.log'}")
    return settings.var_dir / "dbt" / "target" / "index.html"


def gold_tables(settings: Settings) -> list[str]:
    """Names of the gold Delta tables currently in the lake."""
    gold = settings.path("paths.lake") / "gold"
    return sorted(p.parent.name for p in gold.glob("*/_delta_log"))
