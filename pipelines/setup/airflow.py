"""Airflow for this environment: its home under var/, its metadata DB, and `airflow` commands.

Every Airflow call gets the same environment (home, DAG folder, metadata DB, no examples), so
`make run`, the tests and a person at a shell all see the same DAGs and runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipelines.config import REPO_ROOT, Settings
from pipelines.errors import LakehouseError


def airflow_env(settings: Settings) -> dict[str, str]:
    home = Path(settings.get("airflow.home"))
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "LAKEHOUSE_ENV": settings.env,
        "TQDM_DISABLE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    })
    return env


def airflow(settings: Settings, args: list[str], capture: bool = False):
    """Run ``airflow <args>`` from this venv with the environment's settings."""
    binary = Path(sys.executable).parent / "airflow"
    Path(settings.get("airflow.home")).mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(binary), *args], env=airflow_env(settings), check=False,
                          capture_output=capture, text=True)


def migrate_db(settings: Settings) -> None:
    """Create or upgrade the Airflow metadata DB (idempotent)."""
    result = airflow(settings, ["db", "migrate"], capture=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise LakehouseError(f"airflow db migrate failed: {tail}",
                             f"see AIRFLOW_HOME={settings.get('airflow.home')}")


def dags_test(settings: Settings, dag_id: str | None = None) -> None:
    """`airflow dags test` the main DAG (all tasks, in order); raise if any task fails."""
    dag_id = dag_id or settings.get("airflow.dag_id")
    result = airflow(settings, ["dags", "test", dag_id])
    if result.returncode != 0:
        raise LakehouseError(f"airflow dags test {dag_id} failed (exit {result.returncode})",
                             "read the task log above; fix and re-run (steps are idempotent)")
