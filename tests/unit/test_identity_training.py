"""Training on DuckDB, predicting on Spark: the trained prior, m and u move into Spark-dialect
settings unchanged, and a model trained on another conf is refused."""

import copy

import pytest
import yaml

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError
from pipelines.identity.engine import with_parameters
from pipelines.identity.settings import splink_settings

FIELDS = {"first_name", "last_name", "dob", "email"}


@pytest.fixture(scope="module")
def conf():
    return yaml.safe_load((CONF_DIR / "identity.yaml").read_text(encoding="utf-8"))


def _trained(conf, fields):
    """A DuckDB-dialect model whose every level has its own made-up m and u."""
    model = splink_settings(conf, fields, "dedupe_only").create_settings_dict("duckdb")
    model["probability_two_random_records_match"] = 0.00123
    for i, comparison in enumerate(model["comparisons"]):
        for j, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = round(0.01 * (i + 1) + 0.001 * j, 6)
                level["u_probability"] = round(0.0001 * (i + 1) + 0.00001 * j, 8)
    return model


def test_trained_parameters_move_into_spark_settings_with_spark_sql(conf):
    model = _trained(conf, FIELDS)
    spark = splink_settings(conf, FIELDS, "dedupe_only").create_settings_dict("spark")
    untouched = copy.deepcopy(spark)
    out = with_parameters(spark, model)

    assert out["probability_two_random_records_match"] == 0.00123
    for ours, trained, before in zip(out["comparisons"], model["comparisons"],
                                     spark["comparisons"], strict=True):
        for lv, t, b in zip(ours["comparison_levels"], trained["comparison_levels"],
                            before["comparison_levels"], strict=True):
            assert lv.get("m_probability") == t.get("m_probability")
            assert lv.get("u_probability") == t.get("u_probability")
            assert lv["sql_condition"] == b["sql_condition"]  # the Spark SQL is kept
    assert spark == untouched  # the settings passed in are not modified


def test_a_model_trained_with_a_comparison_the_settings_lack_is_refused(conf):
    model = _trained(conf, FIELDS)
    spark = splink_settings(conf, FIELDS - {"email"}, "dedupe_only").create_settings_dict("spark")
    with pytest.raises(LakehouseError, match="not in the settings"):
        with_parameters(spark, model)


def test_a_comparison_missing_from_the_model_keeps_its_conf_priors(conf):
    # Splink drops the comparison an EM round blocked on when that round fails
    model = _trained(conf, FIELDS)
    model["comparisons"] = [c for c in model["comparisons"] if c["output_column_name"] != "dob"]
    spark = splink_settings(conf, FIELDS, "dedupe_only").create_settings_dict("spark")
    out = with_parameters(spark, model)
    by_name = {c["output_column_name"]: c for c in out["comparisons"]}
    assert list(by_name) == [c["output_column_name"] for c in spark["comparisons"]]
    assert by_name["dob"] == next(c for c in spark["comparisons"]
                                  if c["output_column_name"] == "dob")
    assert by_name["email"]["comparison_levels"][1]["m_probability"] == next(
        c for c in model["comparisons"]
        if c["output_column_name"] == "email")["comparison_levels"][1]["m_probability"]
