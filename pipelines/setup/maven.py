"""Fetch artifacts from Maven Central with the machine's `mvn`, into a cache outside the repo.

Maven knows where Central lives, so no registry address is written in this repository. Each
artifact is copied once; later runs find it in the cache and work without the network.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
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
    """Copy one artifact into ``dest_dir`` unless it is already there; return its path.

    Maven writes into a hidden temp folder beside the target, which is renamed into place only
    when complete, so an interrupted download (the Trino server is ~820 MB) never looks done.
    """
    target = dest_dir / artifact_file_name(coordinate)
    if target.exists() and target.stat().st_size > 0:
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LakehouseError(
            f"cannot download {coordinate}: Maven (`mvn`) is not installed",
            "apt-get install -y maven, then re-run make setup",
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s into %s", coordinate, dest_dir)
    with tempfile.TemporaryDirectory(prefix=".mvn-", dir=dest_dir) as tmp:
        result = subprocess.run(
            [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={coordinate}",
             f"-DoutputDirectory={tmp}"],
            capture_output=True, text=True, cwd=tmp, check=False,
        )
        fetched = Path(tmp) / target.name
        if result.returncode != 0 or not fetched.exists():
            tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
            raise LakehouseError(
                f"mvn could not download {coordinate}: {' | '.join(tail) or 'no output'}",
                "check access to Maven Central (or your Maven mirror) and the version in conf/",
            )
        os.replace(fetched, target)
    return target
