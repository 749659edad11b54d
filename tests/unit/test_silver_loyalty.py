"""Pure transforms of silver loyalty on small DataFrames (shared Spark session)."""

from datetime import datetime

from pipelines.silver.loyalty import MEMBER_COLUMNS, latest_per_member, transform_loyalty_members

META = {"_source_file": "f.csv", "_ingested_at": datetime(2026, 1, 1), "_batch_id": "b0"}


def _bronze(spark, rows):
    base = dict.fromkeys(MEMBER_COLUMNS, None)
    base.update(tier="BLUE", updated_at="2026-01-01T10:00:00+00:00")
    data = [{**base, **META, "_line": i + 2, **row} for i, row in enumerate(rows)]
    columns = [*MEMBER_COLUMNS, "_source_file", "_line", "_ingested_at", "_batch_id"]
    types = {"_ingested_at": "timestamp", "_line": "int"}
    schema = ", ".join(f"{c} {types.get(c, 'string')}" for c in columns)
    return spark.createDataFrame([tuple(r[c] for c in columns) for r in data], schema)


def test_member_without_loyalty_number_is_rejected_with_field(spark):
    typed, rejects = transform_loyalty_members(_bronze(spark, [{"loyalty_number": " "}]))
    assert typed.count() == 0
    reject = rejects.collect()[0]
    assert (reject.field, reject.reason, reject._line) == (
        "loyalty_number", "missing business key", 2)


def test_unknown_tier_is_rejected(spark):
    _, rejects = transform_loyalty_members(_bronze(spark, [{"loyalty_number": "L1",
                                                            "tier": "DIAMOND"}]))
    assert [r.field for r in rejects.collect()] == ["tier"]


def test_impossible_birth_date_lands_as_null_and_is_reported(spark):
    typed, rejects = transform_loyalty_members(_bronze(spark, [{"loyalty_number": "L1",
                                                                "date_of_birth": "1980-02-30"}]))
    assert typed.collect()[0].date_of_birth is None
    assert [r.field for r in rejects.collect()] == ["date_of_birth"]


def test_values_are_normalised(spark):
    typed, _ = transform_loyalty_members(_bronze(spark, [{
        "loyalty_number": " ly1 ", "tier": "gold", "email": " Ann@X.COM ",
        "phone": "+44 (20) 7946-0958", "points_balance": "1200", "passport_number": "x 12"}]))
    row = typed.collect()[0]
    assert (row.loyalty_number, row.tier, row.email, row.phone, row.points_balance,
            row.passport_number) == ("LY1", "GOLD", "ann@x.com", "+442079460958", 1200, "X12")


def test_latest_change_per_member_wins(spark):
    typed, _ = transform_loyalty_members(_bronze(spark, [
        {"loyalty_number": "L1", "tier": "BLUE", "updated_at": "2026-01-01T10:00:00+00:00"},
        {"loyalty_number": "L1", "tier": "GOLD", "updated_at": "2026-01-03T10:00:00+00:00"},
        {"loyalty_number": "L1", "tier": "SILVER", "updated_at": "2026-01-02T10:00:00+00:00"},
    ]))
    assert [r.tier for r in latest_per_member(typed).collect()] == ["GOLD"]


def test_age_band_is_taken_at_the_profile_change_before_dob_is_encrypted(spark):
    from pipelines.silver.loyalty import add_derived_fields

    typed, _ = transform_loyalty_members(_bronze(spark, [
        {"loyalty_number": "L1", "date_of_birth": "2001-06-15",
         "updated_at": "2026-06-14T10:00:00+00:00"},
        {"loyalty_number": "L2", "date_of_birth": "2001-06-15",
         "updated_at": "2026-06-15T10:00:00+00:00"},
        {"loyalty_number": "L3", "date_of_birth": "1950-01-01"},
        {"loyalty_number": "L4"},
        {"loyalty_number": "L5", "date_of_birth": "2012-03-01"},
    ]))
    rows = add_derived_fields(typed).orderBy("loyalty_number").collect()
    assert [r.age_band for r in rows] == ["18-24", "25-34", "65+", "unknown", "0-17"]


def test_email_validity_flag_survives_encryption_of_the_email(spark):
    from pipelines.silver.loyalty import add_derived_fields

    typed, _ = transform_loyalty_members(_bronze(spark, [
        {"loyalty_number": "L1", "email": "ann@x.com"},
        {"loyalty_number": "L2", "email": "ann at x"},
        {"loyalty_number": "L3"},
    ]))
    rows = add_derived_fields(typed).orderBy("loyalty_number").collect()
    assert [r.has_valid_email for r in rows] == [True, False, None]
