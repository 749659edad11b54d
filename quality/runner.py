"""Run a table's Great Expectations suite on a Spark DataFrame and summarise the outcome.

An ephemeral GX context is enough: suites live in code (``quality/suites``), results go into the
run report. Each suite module names its table (``TABLE = "<layer>.<table>"``), its expectations
and which of them are ``CRITICAL``; a failed critical expectation raises, so a bad table never
feeds gold. :mod:`quality.gate` uses the same validation on micro-batches to find failing rows.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
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
    unexpected: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def suite_module(suite_name: str):
    return importlib.import_module(f"quality.suites.{suite_name}")


def suite_names() -> list[str]:
    """Every suite in ``quality/suites`` (``<layer>__<table>``), bronze first."""
    import quality.suites

    names = [m.name for m in pkgutil.iter_modules(quality.suites.__path__) if "__" in m.name]
    return sorted(names, key=lambda n: (not n.startswith("bronze__"), n))


def validate(suite_name: str, df, expectations: dict[str, object],
             result_format: dict | str = "SUMMARY") -> list[tuple[str, object]]:
    """One GX validation of ``df``: ``[(expectation name, ExpectationValidationResult)]``."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                         metric_calculations=False)
    suite = gx.ExpectationSuite(name=suite_name)
    for name, expectation in expectations.items():
        expectation.meta = {"name": name}
        suite.add_expectation(expectation)
    asset = context.data_sources.add_spark(name="lake").add_dataframe_asset(name=suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": df})
    results = batch.validate(suite, result_format=result_format).results
    return [(r.expectation_config.meta["name"], r) for r in results]


def run_suite(suite_name: str, df, raise_on_critical: bool = True) -> CheckReport:
    """Validate ``df`` against ``quality.suites.<suite_name>``; raise on a critical failure."""
    module = suite_module(suite_name)
    report = CheckReport(suite=suite_name)
    for name, result in validate(suite_name, df, module.expectations()):
        report.evaluated += 1
        if result.success:
            report.passed += 1
            continue
        report.failed.append(name)
        report.unexpected[name] = int(result.result.get("unexpected_count") or 0)
        log.warning("quality %s: %s failed (unexpected=%s)", suite_name, name,
                    result.result.get("unexpected_count"))
        if name in module.CRITICAL:
            report.critical_failed.append(name)
    log.info("quality %s: %d/%d expectations passed", suite_name, report.passed, report.evaluated)
    if report.critical_failed and raise_on_critical:
        raise LakehouseError(
            f"quality {suite_name}: critical expectations failed: {report.critical_failed}",
            "see the warnings above and the quarantine table",
        )
    return report


def run_all_suites(spark, settings) -> dict[str, dict]:
    """Every suite whose table exists, one validation each; raise after all ran if any critical
    expectation failed (the report of every suite is logged first)."""
    from pipelines.spark import table_path

    reports, critical = {}, []
    for name in suite_names():
        layer, table = suite_module(name).TABLE.split(".")
        path = table_path(settings, layer, table)
        if not (path / "_delta_log").exists():
            continue  # a source with no data yet has no table to check
        report = run_suite(name, spark.read.format("delta").load(str(path)),
                           raise_on_critical=False)
        reports[name] = report.to_dict()
        critical += [f"{name}.{n}" for n in report.critical_failed]
    if critical:
        raise LakehouseError(f"quality: critical expectations failed: {critical}",
                             "see the warnings above and the quarantine table")
    return reports
