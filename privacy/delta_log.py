"""Small facts about a Delta table read straight from its ``_delta_log`` files.

Erasure asks, for some 40 tables, which columns they have, which version they are at and how
many rows a commit deleted. Spark answers each by loading the table's snapshot (a job, seconds
on a busy two-core machine); the answers are in the newest commit files, one JSON action per
line, as the Delta protocol specifies. Anything not found there (a table whose early commits
were cleaned up after a checkpoint) falls back to the checkpoint Parquet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.errors import LakehouseError


def _commits(log_dir: Path) -> list[Path]:
    return sorted(log_dir.glob("[0-9]*.json"), reverse=True)


def version(log_dir: Path) -> int:
    """The table's latest committed version (the highest commit file number)."""
    commits = _commits(log_dir)
    if not commits:
        raise LakehouseError(f"no commits in {log_dir}", "is this a Delta table?")
    return int(commits[0].name.split(".")[0])


def _actions(commit: Path, kind: str) -> list[dict[str, Any]]:
    lines = commit.read_text(encoding="utf-8").splitlines()
    return [a[kind] for line in lines if f'"{kind}"' in line and kind in (a := json.loads(line))]


def metadata(log_dir: Path) -> dict[str, Any]:
    """The latest ``metaData`` action (schema string, configuration, ...)."""
    for commit in _commits(log_dir):
        if found := _actions(commit, "metaData"):
            return found[-1]
    for checkpoint in sorted(log_dir.glob("*.checkpoint*.parquet"), reverse=True):
        import pyarrow.parquet as pq

        for row in pq.read_table(checkpoint, columns=["metaData"]).to_pylist():
            if row["metaData"]:
                return row["metaData"]
    raise LakehouseError(f"no metaData action in {log_dir}", "check the table with Spark")


def columns(log_dir: Path) -> list[str]:
    return [f["name"] for f in json.loads(metadata(log_dir)["schemaString"])["fields"]]


def operation_metrics(log_dir: Path, at: int) -> dict[str, str]:
    """``commitInfo.operationMetrics`` of version ``at`` (empty when not recorded)."""
    info = _actions(log_dir / f"{at:020d}.json", "commitInfo")
    return (info[0].get("operationMetrics") or {}) if info else {}
