"""Fetch artifacts from Maven Central with the machine's `mvn`, into a cache outside the repo.

Maven knows where Central lives, so no registry address is written in this repository. Each
artifact is copied once; later runs find it in the cache and work without the network.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)


def artifact_file_name(coordinate: str) -> str:
    """File name Maven gives ``group:artifact:version[:type]`` (jar by default)."""
    parts = coordinate.split(":")
    if len(parts) not in (3, 4):
        raise LakehouseError(
            f"bad Maven coordinate '{coordinate}'", "use group:artifact:version[:type] in conf/"
        )
    _, artifact, version = parts[:3]
    kind = parts[3] if len(parts) == 4 else "jar"
    return f"{artifact}-{version}.{kind}"


def fetch(coordinate: str, dest_dir: Path) -> Path:
    """Copy one artifact into ``dest_dir`` unless it is already there; return its path."""
    target = dest_dir / artifact_file_name(coordinate)
    if target.exists() and target.stat().st_size > 0:
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LakehouseError(
            f"cannot download {coordinate}: Maven (`mvn`) is not installed",
            "apt-get install -y maven",
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s into %s", coordinate, dest_dir)
    result = subprocess.run(
        [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={coordinate}",
         f"-DoutputDirectory={dest_dir}"],
        capture_output=True, text=True, cwd=dest_dir, check=False,
    )
    if result.returncode != 0 or not target.exists():
        detail = (result.stdout + result.stderr).strip().splitlines()
        reason = next((line for line in detail if "ERROR" in line), "no output")
        raise LakehouseError(
            f"download of {coordinate} failed: {reason[:300]}",
            "check the network access to Maven Central and the version in conf/base.yaml",
        )
    return target
