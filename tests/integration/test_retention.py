"""Retention on copies of the test lake's tables (``main_run`` itself is left alone).

Contact-centre interactions, quarantine records and a bronze table are copied into a temporary
lake; a policy with a 10-day period is applied as of 10 days after the middle day with chats,
so some chats are older than the cut-off and some are not. Expected counts are computed
from the copy beforehand with pandas; afterwards the old chats are gone, other channels and
newer chats are untouched, VACUUM has removed the old files (the pre-delete version can no
longer be read), a re-run removes nothing and commits nothing, and only the real run is audited.
"""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

pytestmark = pytest.mark.integration
CHATS = "silver/contact_interactions"
TABLES = [CHATS, "quarantine/records", "bronze/social_posts"]
POLICY = {"vacuum_retain_hours": 0, "classes": {
    "chats": {"tables": ["silver.contact_interactions"], "match": {"channel": "chat"},
              "timestamp": "started_at", "keep": "10 days"},
    "raw": {"tables": ["bronze.*"], "timestamp": "_ingested_at", "keep": "10 days"},
    "rejects": {"tables": ["quarantine.records"], "timestamp": "_ingested_at", "keep": "10 days"},
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


@pytest.fixture(scope="module")
def applied(lake, spark):
    """Expected removals from the copy, then a dry run, a real run and a re-run."""
    from privacy.retention import enforce_retention, parse_policy

    settings, root = lake
    chats = _read(spark, root, "silver/contact_interactions").toPandas()
    days = sorted(chats.started_at[chats.channel == "chat"].dropna().dt.date.unique())
    assert len(days) >= 2, "the test lake needs chats on two days at least"
    cut = days[len(days) // 2]
    as_of = cut + timedelta(days=10)
    old = (chats.channel == "chat") & (chats.started_at.dt.date < cut)
    policy = parse_policy(POLICY)
    out = {"chats": chats, "old": old, "version_before": _version(spark, root, CHATS)}
    out["dry"] = enforce_retention(spark, settings, as_of, True, policy, "pytest")
    out["rows_after_dry_run"] = _read(spark, root, CHATS).count()
    out["real"] = enforce_retention(spark, settings, as_of, False, policy, "pytest")
    out["version_after"] = _version(spark, root, CHATS)
    out["again"] = enforce_retention(spark, settings, as_of, False, policy, "pytest")
    out["version_again"] = _version(spark, root, CHATS)
    return out


def _removed(report) -> dict:
    return {(t["data_class"], t["table"]): t["rows_removed"] for t in report["tables"]}


def test_old_chats_are_deleted_and_everything_else_is_kept(applied, lake, spark):
    _, root = lake
    chats, old = applied["chats"], applied["old"]
    assert old.sum() > 0 and (~old & (chats.channel == "chat")).sum() > 0
    assert (chats.channel != "chat").sum() > 0
    assert _removed(applied["real"]) == {("chats", "silver.contact_interactions"): int(old.sum()),
                                         ("raw", "bronze.social_posts"): 0,  # landed today
                                         ("rejects", "quarantine.records"): 0}
    after = _read(spark, root, CHATS).toPandas()
    assert sorted(after.interaction_id) == sorted(chats.interaction_id[~old])


def test_dry_run_counts_the_same_rows_and_changes_nothing(applied):
    assert _removed(applied["dry"]) == _removed(applied["real"])
    assert applied["rows_after_dry_run"] == len(applied["chats"])
    assert applied["dry"]["files_vacuumed"] == {}


def test_vacuum_removes_the_files_that_held_the_deleted_rows(applied, lake, spark):
    _, root = lake
    assert applied["real"]["files_vacuumed"]["silver.contact_interactions"] > 0
    with pytest.raises(Exception, match="(?i)file|exist"):
        spark.read.format("delta").option("versionAsOf", applied["version_before"]).load(
            str(root / CHATS)).count()


def test_rerun_removes_nothing_and_commits_nothing(applied):
    assert applied["again"]["rows_removed"] == 0
    assert applied["version_again"] == applied["version_after"] > applied["version_before"]


def test_only_real_runs_are_audited_with_rows_removed(applied, lake, spark):
    from privacy.audit import audit_path, verify

    settings, _ = lake
    rows = spark.read.format("delta").load(audit_path(settings)).where(
        "action = 'retention'").orderBy("seq").collect()
    assert len(rows) == 2  # the real run and its re-run, not the dry run
    assert f'"chats:silver.contact_interactions":{int(applied["old"].sum())}' in rows[0].details
    assert verify(settings) is None
