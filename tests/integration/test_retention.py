"""Retention on copies of the test lake's tables (``main_run`` itself is left alone).

Contact-centre interactions, quarantine records and a bronze table are copied into a temporary
lake, and chats and a call are planted on both sides of the cut-off (a 30-day period as of
2026-06-01: rows before 2026-05-02 00:00 UTC go). Expected counts are computed from the copy
beforehand with pandas; afterwards the old chats are gone, other channels and
newer chats are untouched, VACUUM has removed the old files (the pre-delete version can no
longer be read), a re-run removes nothing and commits nothing, and only the real run is audited.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pandas as pd
import pytest

pytestmark = pytest.mark.integration
AS_OF, CUTOFF = date(2026, 6, 1), date(2026, 5, 2)  # keep 30 days: from 2 May 00:00 UTC
CHATS = "silver/contact_interactions"
TABLES = [CHATS, "quarantine/records", "bronze/social_posts"]
POLICY = {"vacuum_retain_hours": 0, "classes": {
    "chats": {"tables": ["silver.contact_interactions"], "match": {"channel": "chat"},
              "timestamp": "started_at", "keep": "30 days"},
    "raw": {"tables": ["bronze.*"], "timestamp": "_ingested_at", "keep": "30 days"},
    "rejects": {"tables": ["quarantine.records"], "timestamp": "_ingested_at", "keep": "30 days"},
}}


@pytest.fixture(scope="module")
def lake(main_run, settings, tmp_path_factory):
    """A private lake with copies of a few of the test lake's tables, and its settings."""
    root = tmp_path_factory.mktemp("retention") / "lake"
    for table in TABLES:
        shutil.copytree(settings.path("paths.lake") / table, root / table)
    return settings.with_overrides({"paths.lake": str(root)}), root


def _read(spark, root, table):
    return spark.read.format("delta").load(str(root / table))


def _version(spark, root, table) -> int:
    from delta.tables import DeltaTable

    return DeltaTable.forPath(spark, str(root / table)).history(1).first().version


def _plant_interactions(spark, root) -> None:
    """Chats and calls on known days (the generated test lake has only a handful), so the
    cut-off has rows on both sides and a non-chat row that the chat class must not touch."""
    path = str(root / CHATS)
    schema = spark.read.format("delta").load(path).schema
    planted = [("PLANTED-OLD-CHAT-1", "chat", datetime(2025, 6, 1, 9)),
               ("PLANTED-OLD-CHAT-2", "chat", datetime(2026, 5, 1, 23, 59)),
               ("PLANTED-NEW-CHAT-1", "chat", datetime(2026, 5, 2, 0, 0)),
               ("PLANTED-NEW-CHAT-2", "chat", datetime(2026, 5, 31, 12)),
               ("PLANTED-OLD-CALL-1", "call", datetime(2025, 6, 1, 9))]
    rows = [tuple({"interaction_id": i, "channel": c, "started_at": at}.get(f.name)
                  for f in schema.fields) for i, c, at in planted]
    spark.createDataFrame(rows, schema).write.format("delta").mode("append").save(path)


@pytest.fixture(scope="module")
def applied(lake, spark):
    """Expected removals from the copy, then a dry run, a real run and a re-run."""
    from privacy.retention import enforce_retention, parse_policy

    settings, root = lake
    _plant_interactions(spark, root)
    chats = _read(spark, root, CHATS).toPandas()
    old = (chats.channel == "chat") & (chats.started_at < pd.Timestamp(CUTOFF))
    policy = parse_policy(POLICY)
    out = {"chats": chats, "old": old, "version_before": _version(spark, root, CHATS),
           "expected_other": {t: int((_read(spark, root, t).toPandas()._ingested_at
                                      < pd.Timestamp(CUTOFF)).sum()) for t in TABLES[1:]}}
    out["dry"] = enforce_retention(spark, settings, AS_OF, True, policy, "pytest")
    out["rows_after_dry_run"] = _read(spark, root, CHATS).count()
    out["real"] = enforce_retention(spark, settings, AS_OF, False, policy, "pytest")
    out["version_after"] = _version(spark, root, CHATS)
    out["again"] = enforce_retention(spark, settings, AS_OF, False, policy, "pytest")
    out["version_again"] = _version(spark, root, CHATS)
    return out


def _removed(report) -> dict:
    return {(t["data_class"], t["table"]): t["rows_removed"] for t in report["tables"]}


def test_old_chats_are_deleted_and_everything_else_is_kept(applied, lake, spark):
    _, root = lake
    chats, old = applied["chats"], applied["old"]
    assert {"PLANTED-OLD-CHAT-1", "PLANTED-OLD-CHAT-2"} <= set(chats.interaction_id[old])
    assert not {"PLANTED-NEW-CHAT-1", "PLANTED-OLD-CALL-1"} & set(chats.interaction_id[old])
    other = applied["expected_other"]
    assert _removed(applied["real"]) == {
        ("chats", "silver.contact_interactions"): int(old.sum()),
        ("raw", "bronze.social_posts"): other["bronze/social_posts"],
        ("rejects", "quarantine.records"): other["quarantine/records"]}
    after = _read(spark, root, CHATS).toPandas()
    assert sorted(after.interaction_id) == sorted(chats.interaction_id[~old])


def test_dry_run_counts_the_same_rows_and_changes_nothing(applied):
    assert _removed(applied["dry"]) == _removed(applied["real"])
    assert applied["rows_after_dry_run"] == len(applied["chats"])
    assert applied["dry"]["files_vacuumed"] == {}


def test_vacuum_removes_the_files_that_held_the_deleted_rows(applied, lake, spark):
    _, root = lake
    assert applied["real"]["files_vacuumed"]["silver.contact_interactions"] > 0
    with pytest.raises(Exception, match="(?i)file|exist"):  # rows read, not counted from stats
        spark.read.format("delta").option("versionAsOf", applied["version_before"]).load(
            str(root / CHATS)).select("interaction_id").collect()


def test_rerun_removes_nothing_and_commits_nothing(applied):
    assert applied["again"]["rows_removed"] == 0
    assert applied["again"]["files_vacuumed"] == {}  # the first run's VACUUM took them all
    assert applied["version_again"] == applied["version_after"] > applied["version_before"]


def test_only_real_runs_are_audited_with_rows_removed(applied, lake, spark):
    from privacy.audit import audit_path, verify

    settings, _ = lake
    rows = spark.read.format("delta").load(audit_path(settings)).where(
        "action = 'retention'").orderBy("seq").collect()
    assert len(rows) == 2  # the real run and its re-run, not the dry run
    assert f'"chats:silver.contact_interactions":{int(applied["old"].sum())}' in rows[0].details
    assert verify(settings) is None
