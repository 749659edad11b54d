"""The GX gate on a small batch: rows failing a critical expectation become quarantine rows."""

from datetime import datetime
from decimal import Decimal

from pyspark.sql import functions as F

from quality.gate import split_by_suite

SCHEMA = ("payout_id string, paid_at timestamp, amount decimal(12,2), currency string, "
          "regime string, record_locator string, _source_file string, _line int, "
          "_ingested_at timestamp, _batch_id string")
AT = datetime(2026, 1, 4)


def _row(payout_id, amount="250.00", currency="EUR", locator="HN4VZU", line=1):
    return (payout_id, AT, Decimal(amount), currency, "eu261", locator, "file:/l/c.csv", line,
            AT, "b0")


def test_rows_failing_critical_expectations_are_split_off_with_the_expectation_name(spark):
    batch = spark.createDataFrame([
        _row("PO1"), _row("PO2", amount="0.00", line=2), _row("PO3", currency="XXX", line=3),
        _row("PO4", locator=None, line=4)], SCHEMA)
    passing, rejects, cached = split_by_suite(batch, "silver__compensation_payouts",
                                              F.col("payout_id"))
    got = sorted((r.raw, r.field, r.reason, r._line) for r in rejects.collect())
    assert got == [("PO2", "amount", "expectation amount_positive failed", 2),
                   ("PO3", "currency", "expectation currency_iso4217 failed", 3)]
    # a warning (record_locator_not_null, mostly 0.99) never quarantines a row
    assert sorted(r.payout_id for r in passing.collect()) == ["PO1", "PO4"]
    assert passing.columns == batch.columns
    cached.unpersist()


def test_clean_batch_passes_whole(spark):
    batch = spark.createDataFrame([_row("PO1"), _row("PO2", line=2)], SCHEMA)
    passing, rejects, cached = split_by_suite(batch, "silver__compensation_payouts",
                                              F.col("payout_id"))
    assert (passing.count(), rejects.count()) == (2, 0)
    cached.unpersist()
