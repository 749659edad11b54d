"""The gold build is skipped only when nothing it reads has changed."""

from __future__ import annotations

import json

from pipelines.gold import GoldReport, build_inputs, unchanged_since_last_build


def _lake_settings(settings, tmp_path):
    local = settings.with_overrides({"paths.lake": str(tmp_path / "lake"),
                                     "paths.var": str(tmp_path / "var")})
    log = tmp_path / "lake" / "silver" / "members" / "_delta_log"
    log.mkdir(parents=True)
    (log / "00000000000000000000.json").write_text("{}")
    return local, log


def test_fingerprint_changes_with_a_new_silver_commit(settings, tmp_path):
    local, log = _lake_settings(settings, tmp_path)
    before = build_inputs(local)
    assert build_inputs(local) == before
    (log / "00000000000000000001.json").write_text("{}")
    assert build_inputs(local) != before


def test_fingerprint_changes_with_the_segment_definitions(settings, tmp_path):
    local, _ = _lake_settings(settings, tmp_path)
    segments = tmp_path / "segments"
    segments.mkdir()
    (segments / "s.yaml").write_text(
        "name: s\nversion: 1\ndescription: d\ncriteria: [{column: x, op: '>=', value: 1}]\n")
    with_one = build_inputs(local.with_overrides({"segments.dir": str(segments)}))
    (segments / "s.yaml").write_text(
        "name: s\nversion: 2\ndescription: d\ncriteria: [{column: x, op: '>=', value: 2}]\n")
    assert build_inputs(local.with_overrides({"segments.dir": str(segments)})) != with_one


def test_last_build_is_reused_only_if_fingerprint_matches_and_tables_exist(settings, tmp_path):
    local, _ = _lake_settings(settings, tmp_path)
    stamp = local.var_dir / "dbt" / "last_build.json"
    stamp.parent.mkdir(parents=True)
    report = GoldReport(models=3, tests_passed=9).to_dict()
    stamp.write_text(json.dumps({"fingerprint": "abc", "tables": ["dim_customer"],
                                 "report": report}))
    assert unchanged_since_last_build(local, "abc") is None  # gold table missing
    (tmp_path / "lake" / "gold" / "dim_customer" / "_delta_log").mkdir(parents=True)
    reused = unchanged_since_last_build(local, "abc")
    assert reused is not None and reused.skipped_unchanged and reused.models == 3
    assert unchanged_since_last_build(local, "other") is None
