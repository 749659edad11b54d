"""Run a table's Great Expectations suite on a Spark DataFrame and summarise the outcome.

An ephemeral GX context is enough: suites live in code (``quality/suites``), results go into the
run report. A failed critical expectation raises, so a bad table never feeds gold.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field

from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)


@dataclass
class CheckReport:
    suite: str
    evaluated: int = 0
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    critical_failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def run_suite(suite_name: str, df) -> CheckReport:
    """Validate ``df`` against ``quality.suites.<suite_name>``; raise on a critical failure."""
    import great_expectations as gx

    module = importlib.import_module(f"quality.suites.{suite_name}")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                         metric_calculations=False)
    suite = gx.ExpectationSuite(name=suite_name)
    for name, expectation in module.expectations().items():
        expectation.meta = {"name": name}
        suite.add_expectation(expectation)
    asset = context.data_sources.add_spark(name="lake").add_dataframe_asset(name=suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": df})
    report = CheckReport(suite=suite_name)
    for result in batch.validate(suite).results:
        name = result.expectation_config.meta["name"]
        report.evaluated += 1
        if result.success:
            report.passed += 1
            continue
        report.failed.append(name)
        log.warning("quality %s: %s failed (unexpected=%s)", suite_name, name,
                    result.result.get("unexpected_count"))
        if name in module.CRITICAL:
            report.critical_failed.append(name)
    log.info("quality %s: %d/%d expectations passed", suite_name, report.passed, report.evaluated)
    if report.critical_failed:
        raise LakehouseError(
            f"quality {suite_name}: critical expectations failed: {report.critical_failed}",
            "see the warnings above and the quarantine table",
        )
    return report
