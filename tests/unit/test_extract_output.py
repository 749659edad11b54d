"""Partner extract output: atomic same-day overwrite, manifest checksums, the outside PII check."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pandas as pd

from privacy.extract import describe_level, end_of_day, write_output
from privacy.extract_verify import check_files, find_pii, reverse_pseudonyms
from privacy.kanon import Level
from privacy.pseudonyms import pseudonymise


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"p{i}" for i in range(n)], "age": ["30-39"] * n})


def test_rewrite_of_the_same_day_replaces_the_folder_and_leaves_nothing_else(tmp_path):
    folder = tmp_path / "partner" / "2026-01-03"
    write_output(_frame(3), {"rows": 3}, folder)
    manifest = write_output(_frame(5), {"rows": 5}, folder)
    assert sorted(p.name for p in (tmp_path / "partner").iterdir()) == ["2026-01-03"]
    assert sorted(p.name for p in folder.iterdir()) == ["extract.parquet", "manifest.json"]
    assert len(pd.read_parquet(folder / "extract.parquet")) == 5
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk == manifest and on_disk["files"][0]["rows"] == 5
    assert on_disk["files"][0]["sha256"] == hashlib.sha256(
        (folder / "extract.parquet").read_bytes()).hexdigest()


def test_check_files_reports_an_edited_extract(tmp_path):
    folder = tmp_path / "x"
    write_output(_frame(4), {"rows": 4}, folder)
    assert check_files(folder) == []
    _frame(4).assign(age="20-29").to_parquet(folder / "extract.parquet", index=False)
    assert check_files(folder) == ["extract.parquet: SHA-256 differs from the manifest"]


def test_consent_as_of_a_date_counts_the_whole_day():
    assert end_of_day(date(2026, 1, 3)) == datetime(2026, 1, 3, 23, 59, 59, 999999, tzinfo=UTC)


def test_levels_are_described_for_the_manifest():
    assert describe_level(Level("age_band", 10, {"top": 80})) == "age_band 10 top=80"
    assert describe_level(Level("keep")) == "keep"
    assert describe_level(Level("map", "country_region", {"source": "home_country"})) == \
        "map country_region source=home_country"


def test_pseudonyms_reverse_only_with_the_partners_key():
    key = bytes(range(32))
    ids = pd.Series(["C000000001", "C000000002"])
    mine = pseudonymise(ids, key, "hotel")
    assert reverse_pseudonyms(ids, key, "hotel") == dict(zip(mine, ids, strict=True))
    assert not set(reverse_pseudonyms(ids, key, "bank")) & set(mine)


PII = {"C1": {"name:francesca romano", "email:fr@example.org", "phone:612345678",
              "loyalty:mr123456789"},
       "C2": {"name:pawel wisniewski"}}


def test_find_pii_catches_names_in_any_case_and_accent_and_phones_in_any_format():
    frame = pd.DataFrame({"feedback_text": [
        "FRANCESCA  ROMANO called", "from Paweł Wiśniewski", "ring +31 (0)6 1234 5678",
        "member MR123456789", "write to FR@example.org", "<PERSON> was rebooked", None]})
    hits = find_pii(frame, PII)
    assert [(h["row"], h["kind"]) for h in hits] == [(0, "name"), (1, "name"), (2, "phone"),
                                                     (3, "loyalty"), (4, "email")]


def test_find_pii_finds_nothing_in_tagged_text():
    frame = pd.DataFrame({"feedback_text": ["<PERSON> asked about <PNR_LOCATOR>",
                                            "Romano is a lovely town", "call 0612"]})
    assert find_pii(frame, PII) == []


def test_second_scan_ignores_our_own_tags_but_not_what_is_left_beside_them():
    from privacy.analyzer import build_analyzer, load_registry
    from privacy.extract import anonymise_free_text, residual_entities

    analyzer = build_analyzer(load_registry(), ["Francesca Romano"])
    tagged = "Hi, this is <PERSON>. My booking reference is <PNR_LOCATOR>."
    assert analyzer.analyze(tagged)  # "PERSON" has a record locator's shape
    assert residual_entities(tagged, analyzer) == []
    assert [e.type for e in residual_entities("This is <PERSON>, booking reference VXAE6B",
                                              analyzer)] == ["PNR_LOCATOR"]
    frame = pd.DataFrame({"text": ["Francesca Romano here, booking reference is VXAE6B", None]})
    clean, removed, residual = anonymise_free_text(frame, ["text"], analyzer)
    assert clean.text[0] == "<PERSON> here, booking reference is <PNR_LOCATOR>"
    assert removed == {"PERSON": 1, "PNR_LOCATOR": 1} and residual == 0
