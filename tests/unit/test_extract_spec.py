"""Partner extract specs: the shipped spec is valid; each kind of mistake names file and field."""

from __future__ import annotations

import copy

import pytest
import yaml

from pipelines.errors import LakehouseError
from privacy.extract_sources import SOURCES
from privacy.extract_spec import load_spec, spec_path, validate

EXAMPLE = spec_path("example_partner")
PURPOSES = ("marketing_email", "sms", "profiling", "partner_sharing")
OFFERED = SOURCES["trips"].columns


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_shipped_example_spec_is_valid():
    spec = load_spec("example_partner")
    assert (spec.partner, spec.source, spec.subject) == ("hotel_partner_example", "trips",
                                                         "customer_id")
    assert spec.kspec.k == 10 and spec.free_text == ["feedback_text"]
    assert len(spec.sha256) == 64


def _broken(raw, edit):
    spec = copy.deepcopy(raw)
    edit(spec)
    return spec


def _drop(key):
    return lambda s: s.pop(key)


def _set(key, value):
    return lambda s: s.__setitem__(key, value)


def _drop_qi(name):
    return lambda s: s["quasi_identifiers"].pop(name)


@pytest.mark.parametrize(("edit", "field", "words"), [
    (_drop("partner"), "partner", "missing"),
    (_set("partner", "Hotel Partner!"), "partner", "not a partner id"),
    (_set("version", 0), "version", "positive integer"),
    (_set("consent_purpose", "partner_share"), "consent_purpose", "not a purpose"),
    (_set("columns", ["customer_id", "first_name", "age"]), "columns", "not offered"),
    (_set("subject", "route"), "subject", "subject column"),
    (_set("free_text", []), "free_text", "free-text columns"),
    (_drop_qi("nationality"), "quasi_identifiers", "must be generalised"),
    (lambda s: s["quasi_identifiers"].__setitem__("feedback_text", ["keep"]),
     "quasi_identifiers", "can be generalised"),
    (lambda s: s["quasi_identifiers"].__setitem__("age", [{"age_bands": 5}]),
     "quasi_identifiers/ladder/k", "is not one of"),
    (_set("ladder", ["age", "city"]), "quasi_identifiers/ladder/k", "not quasi_identifiers"),
    (_set("k", 1), "quasi_identifiers/ladder/k", "protects nobody"),
    (_set("max_suppressed_share", 1.5), "max_suppressed_share", "not a share"),
])
def test_bad_spec_error_names_file_and_field(raw, edit, field, words):
    with pytest.raises(LakehouseError) as err:
        validate(_broken(raw, edit), EXAMPLE, OFFERED, PURPOSES)
    assert str(EXAMPLE) in err.value.what
    assert f"field '{field}'" in err.value.what
    assert words in err.value.what
    assert err.value.fix


def test_unknown_source_is_named(tmp_path, raw):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**raw, "source": "gold.fct_trips"}))
    with pytest.raises(LakehouseError, match="field 'source'.*gold.fct_trips") as err:
        load_spec(path)
    assert "trips" in err.value.fix


def test_unknown_spec_name_lists_known_specs():
    with pytest.raises(LakehouseError, match="no extract spec") as err:
        load_spec("no_such_partner")
    assert "example_partner" in err.value.fix


def test_spec_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- partner\n")
    with pytest.raises(LakehouseError, match="does not hold a mapping"):
        load_spec(path)


def test_generalisation_tables_hold_only_text():
    """A bare ``NO`` in YAML is false: Norway once generalised to a bool and broke routes."""
    from privacy.kanon import load_tables

    for name, table in load_tables().items():
        bad = [(k, v) for k, v in table.items() if not (isinstance(k, str) and isinstance(v, str))]
        assert bad == [], name
