"""Quality gate for silver micro-batches: rows failing a critical expectation go to quarantine.

Silver builds call :func:`split_by_suite` on each micro-batch just before its MERGE. The batch is
validated once against the table's critical expectations (the ``CRITICAL`` names of
``quality/suites/silver__<table>.py``) with GX's ``COMPLETE`` result format, which lists the
failing rows by an index column; those rows are returned as quarantine rejects with reason
``expectation <name> failed`` and the expectation's column as field, the rest are merged. So the
same named expectation that guards the whole table in ``step_quality`` also keeps single bad rows
out of it, without stopping the run.

Table-level critical expectations (row counts, say) name no rows; they are left to
``step_quality``. A row failing several expectations is quarantined once, under the first.
"""

from __future__ import annotations

import logging

from quality.runner import suite_module, validate

log = logging.getLogger(__name__)
ROW_ID = "_gx_row"


def _field(expectation) -> str:
    columns = getattr(expectation, "column", None) or getattr(expectation, "column_list", None)
    return columns if isinstance(columns, str) else ",".join(columns or [])


def failing_rows(suite_name: str, df) -> dict[int, tuple[str, str]]:
    """``{row id: (field, expectation name)}`` for rows of ``df`` (with ``_gx_row``) failing
    a critical expectation of the suite."""
    module = suite_module(suite_name)
    critical = {n: e for n, e in module.expectations().items() if n in module.CRITICAL}
    if not critical:
        return {}
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID],
                     "return_unexpected_index_query": False}
    failed: dict[int, tuple[str, str]] = {}
    for name, result in validate(suite_name, df, critical, result_format):
        if result.success:
            continue
        rows = result.result.get("unexpected_index_list") or []
        log.warning("gate %s: %s failed on %d rows", suite_name, name, len(rows))
        for row in rows:
            failed.setdefault(int(row[ROW_ID]), (_field(critical[name]), name))
    return failed


def split_by_suite(df, suite_name: str, key):
    """``(passing, rejects, cached)``: rejects in quarantine shape; unpersist ``cached`` after use.

    The batch is numbered and persisted once, so the ids GX reports are the ids joined back
    (a nondeterministic column, e.g. fresh ciphertext, is not recomputed either).

    Args:
        df: the batch as it would be merged, with the bronze lineage columns.
        suite_name: ``<layer>__<table>``.
        key: column naming the record in quarantine (a business key, never PII).
    """
    from pyspark.sql import functions as F

    spark = df.sparkSession
    numbered = df.withColumn(ROW_ID, F.monotonically_increasing_id()).persist()
    failed = failing_rows(suite_name, numbered)
    bad = spark.createDataFrame([(i, f, n) for i, (f, n) in failed.items()],
                                f"{ROW_ID} long, field string, _expectation string")
    joined = numbered.join(F.broadcast(bad), ROW_ID, "left")
    passing = joined.where("_expectation is null").drop(ROW_ID, "field", "_expectation")
    rejects = joined.where("_expectation is not null").select(
        "field", F.concat(F.lit("expectation "), "_expectation", F.lit(" failed")).alias("reason"),
        key.cast("string").alias("raw"), "_source_file", "_line", "_ingested_at", "_batch_id")
    return passing, rejects, numbered
