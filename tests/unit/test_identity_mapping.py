"""`--map` names our fields and the file's columns; mistakes say which field, file and column."""

import pytest

from pipelines.config import load_settings
from pipelines.errors import LakehouseError
from pipelines.identity.fields import FIELDS, check_columns, parse_mapping
from pipelines.identity.settings import load_identity_conf, splink_settings, usable_rules


@pytest.mark.parametrize(("text", "expected"), [
    ("first_name=GIVEN", {"first_name": "GIVEN"}),
    ("first_name=fn, last_name = ln,", {"first_name": "fn", "last_name": "ln"}),
    ("dob=Date of Birth,email=E-mail", {"dob": "Date of Birth", "email": "E-mail"}),
])
def test_mapping_parses_field_column_pairs(text, expected):
    assert parse_mapping(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("firstname=fn", "unknown field 'firstname'"),
    ("first_name", "bad --map entry 'first_name'"),
    ("first_name=", "bad --map entry"),
    ("first_name=a,first_name=b", "mapped twice"),
    (" , ", "--map is empty"),
])
def test_bad_mapping_is_a_lakehouse_error_listing_our_fields(text, message):
    with pytest.raises(LakehouseError, match=message) as err:
        parse_mapping(text)
    assert "first_name" in err.value.fix


def test_unknown_field_error_lists_every_field():
    with pytest.raises(LakehouseError) as err:
        parse_mapping("nationality=NAT")
    assert all(name in err.value.fix for name in FIELDS)


def test_missing_column_names_the_file_and_the_column():
    with pytest.raises(LakehouseError, match="column 'SURNAME' not found in partners.csv"):
        check_columns({"first_name": "GIVEN", "last_name": "SURNAME"}, ["GIVEN"], "partners.csv")


def test_present_columns_pass():
    check_columns({"first_name": "GIVEN"}, ["GIVEN", "OTHER"], "partners.csv")


@pytest.mark.parametrize(("fields", "n_rules"), [
    ({"first_name", "last_name"}, 5),          # both names, swapped, initial, nickname, sounds
    ({"email"}, 1),
    ({"postcode", "last_name"}, 2),            # postcode+last_name, postcode
    ({"city"}, 0),
])
def test_blocking_rules_need_all_their_fields(fields, n_rules):
    conf = load_identity_conf(load_settings())
    assert len(usable_rules(conf["blocking"], fields)) == n_rules


def test_settings_have_one_comparison_per_field_with_names_as_one():
    conf = load_identity_conf(load_settings())
    settings = splink_settings(conf, {"first_name", "last_name", "dob", "phone"}, "dedupe_only")
    names = [c.get_comparison("spark").output_column_name for c in settings.comparisons]
    assert names == ["name", "dob", "phone"]


def test_priors_that_do_not_fit_the_levels_are_a_clear_error():
    conf = load_identity_conf(load_settings())
    conf["comparisons"]["phone"]["m"] = [0.9, 0.1]
    with pytest.raises(LakehouseError, match="comparisons.phone: m/u need 3 values"):
        splink_settings(conf, {"phone"}, "dedupe_only")


@pytest.mark.parametrize("command", ["dedupe", "link"])
def test_identity_commands_have_help(command):
    from typer.testing import CliRunner

    from pipelines.cli import app

    result = CliRunner().invoke(app, ["identity", command, "--help"])
    assert result.exit_code == 0 and "--map" in result.output


def test_birth_years_are_compared_only_when_the_golden_job_derives_them():
    conf = load_identity_conf(load_settings())
    with_years = splink_settings(conf, {"first_name", "last_name", "dob", "birth_years"},
                                 "dedupe_only")
    names = [c.get_comparison("spark").output_column_name for c in with_years.comparisons]
    assert names == ["name", "dob", "birth_years"]
