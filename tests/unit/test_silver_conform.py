"""Shared silver conformance: phones, names, UTC, airports and currencies."""

from datetime import date, datetime

import pytest

from pipelines.silver.conform import normalise_person_name, to_e164


@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("+44 20 7946 0958", None, "+442079460958"),
    ("0049 30 5550 1877", None, "+493055501877"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("06 12345678", "NL", "+31612345678"),
    ("020 7946 0958", None, None),  # national form without a region cannot be placed
    ("n/a", "GB", None),
    ("", "GB", None),
    (None, None, None),
])
def test_phones_become_e164(raw, region, expected):
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("  ANNA   MARIA ", "Anna Maria"),
    ("o'brien", "O'Brien"),
    ("SALEH-RAHMAN", "Saleh-Rahman"),
    ("McDonald", "McDonald"),
    ("deBoer", "deBoer"),
    ("Krüger", "Krüger"),
    ("  ", None),
])
def test_names_are_normalised(raw, expected):
    assert normalise_person_name(raw) == expected


def test_phone_udf_uses_the_region_column(spark):
    from pyspark.sql import functions as F

    from pipelines.silver.conform import phone_e164

    df = spark.createDataFrame([("07700 900123", "GB"), ("+33 1 55 50 42 42", None)],
                               "phone string, region string")
    out = df.select(phone_e164(F.col("phone"), F.col("region")).alias("e164")).collect()
    assert [r.e164 for r in out] == ["+447700900123", "+33155504242"]


def test_offsets_are_converted_to_utc(spark):
    from pipelines.silver.conform import utc_timestamp

    df = spark.createDataFrame([("2026-01-01T05:55:08+01:00",), ("2026-07-01T00:30:00-04:00",),
                                ("not a time",)], "t string")
    out = [r.t for r in df.select(utc_timestamp("t").alias("t")).collect()]
    assert out == [datetime(2026, 1, 1, 4, 55, 8), datetime(2026, 7, 1, 4, 30), None]


def test_local_departure_is_converted_with_the_airport_zone(spark):
    from pyspark.sql import functions as F

    from pipelines.silver.conform import local_to_utc

    df = spark.createDataFrame([(date(2026, 7, 1), "12:00", "AMS"), (date(2026, 1, 1), "12:00",
                                                                      "XXX")],
                               "d date, t string, a string")
    out = [r.u for r in df.select(local_to_utc(F.col("d"), F.col("t"), F.col("a")).alias("u"))
           .collect()]
    assert out == [datetime(2026, 7, 1, 10, 0), None]


def test_airport_and_currency_checks(spark):
    from pyspark.sql import functions as F

    from pipelines.silver.conform import is_iso_currency, is_known_airport

    df = spark.createDataFrame([("AMS", "EUR"), ("ZZZ", "EURO"), (None, None)],
                               "a string, c string")
    out = df.select(is_known_airport(F.col("a")).alias("a"),
                    is_iso_currency(F.col("c")).alias("c")).collect()
    assert [(r.a, r.c) for r in out] == [(True, True), (False, False), (False, False)]
