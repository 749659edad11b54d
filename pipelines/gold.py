"""Gold: build the dbt project in-process, on the pipeline's Spark session.

dbt-spark's ``session`` method calls ``SparkSession.builder.getOrCreate()``, which returns the
session `pipelines.spark.get_spark` already made (Delta configured, lake tables registered), so
dbt reads silver and writes gold Delta tables under ``<lake>/gold`` without a Thrift server.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from pipelines.config import REPO_ROOT, Settings
from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)


@dataclass
class GoldReport:
    models: int = 0
    tests_passed: int = 0
    tests_failed: list[str] = field(default_factory=list)

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
    result = dbtRunner().invoke(dbt_args(settings, command))
    if result.exception is not None:
        raise LakehouseError(f"dbt {' '.join(command)} crashed: {result.exception}",
                             f"see {settings.var_dir / 'dbt' / 'logs' / 'dbt.log'}")
    return result


def build_gold(spark, settings: Settings) -> GoldReport:
    """``dbt build`` (models + tests); raise if a model or a test fails."""
    del spark  # the session must exist before dbt runs; dbt picks it up itself
    result = run_dbt(settings, ["build"])
    report = GoldReport()
    for node_result in result.result or []:
        unique_id = node_result.node.unique_id
        status = str(node_result.status)
        if unique_id.startswith("model."):
            report.models += 1
        elif unique_id.startswith("test."):
            if status == "pass":
                report.tests_passed += 1
            else:
                report.tests_failed.append(f"{unique_id}: {status}")
    log.info("gold: %d models built, %d tests passed, %d failed", report.models,
             report.tests_passed, len(report.tests_failed))
    if not result.success:
        raise LakehouseError(f"dbt build failed: {report.tests_failed or 'a model failed'}",
                             f"see {settings.var_dir / 'dbt' / 'logs' / 'dbt.log'}")
    return report


def gold_tables(settings: Settings) -> list[str]:
    """Names of the gold Delta tables currently in the lake."""
    gold = settings.path("paths.lake") / "gold"
    return sorted(p.parent.name for p in gold.glob("*/_delta_log"))
