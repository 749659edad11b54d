import pytest

from pipelines import config
from pipelines.config import ConfigError, Settings, _deep_merge, load_settings


def test_overlay_is_deep_merged_over_base():
    merged = _deep_merge({"a": {"b": 1, "c": 2}, "d": 1}, {"a": {"c": 3}, "e": 4})
    assert merged == {"a": {"b": 1, "c": 3}, "d": 1, "e": 4}


def test_test_env_has_its_own_var_dir_and_ports():
    local, test = load_settings("local"), load_settings("test")
    assert local.var_dir != test.var_dir
    assert local.get("trino.port") != test.get("trino.port")
    assert local.get("postgres.port") != test.get("postgres.port")


def test_var_placeholder_resolves_to_env_var_dir():
    settings = load_settings("test")
    assert settings.get("airflow.home") == str(settings.var_dir / "airflow")


def test_relative_paths_resolve_against_repo_root():
    settings = Settings(env="x", raw={"paths": {"var": "var/x", "lake": "var/x/lake"}})
    assert settings.path("paths.lake") == config.REPO_ROOT / "var/x/lake"


def test_missing_key_names_the_key():
    with pytest.raises(ConfigError, match="no.such.key"):
        load_settings("test").get("no.such.key")


def test_unknown_environment_lists_known_ones():
    with pytest.raises(ConfigError, match="unknown environment 'nope'.*local"):
        load_settings("nope")
