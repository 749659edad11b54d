"""The pipeline on a Spark standalone cluster: a master and one worker started from the pyspark
install (``spark-class ...Master`` / ``...Worker``) on free loopback ports, then bronze -> silver
for the loyalty feed with ``spark.master = spark://...`` in a subprocess (this test session
already holds a local-mode session, and a process gets one JVM). Proves the jobs make no
local-mode assumption: executors run in the worker's JVM and Python, in another working
directory, and still find the feeds, the Delta JARs, the keys and the lake.

The cluster is stopped in a finaliser. Took 140 s on the shared 2-core host at load 6.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

# Run in the child process: the env's settings moved under a tmp var dir, master from argv.
SLICE = """
import json, sys
from datetime import date
from pipelines.config import load_settings
from pipelines.generate import generate
from pipelines.logs import configure_logging

configure_logging()
root, master = sys.argv[1], sys.argv[2]
settings = load_settings().with_overrides({
    "paths.var": root, "spark.master": master, "spark.driver_memory": "1g",
    **{f"paths.{k}": f"{root}/{k}" for k in ("landing", "ground_truth", "lake", "checkpoints",
                                             "logs", "reports")}})
from pipelines.bronze.all_sources import ingest_all
from pipelines.silver.loyalty import build_silver_loyalty
from pipelines.spark import get_spark

generate(settings.var_dir, customers=60, days=1, seed=3, start_date=date(2026, 1, 1), workers=1)
spark = get_spark(settings)
bronze = ingest_all(spark, settings, ("loyalty",))["loyalty"].to_dict()
silver = build_silver_loyalty(spark, settings).to_dict()
lake = settings.path("paths.lake")
counts = {t: spark.read.format("delta").load(str(lake / t)).count()
          for t in ("bronze/loyalty_members", "silver/loyalty_members")}
print("RESULT " + json.dumps({"master": spark.sparkContext.master, "bronze": bronze,
                              "silver": silver, "counts": counts,
                              "app_id": spark.sparkContext.applicationId}))
spark.stop()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spark_class() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "bin" / "spark-class"


def _master_json(web_port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/json", timeout=5) as response:
        return json.loads(response.read())


def _wait_for_worker(web_port: int, procs: list, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        try:
            state = _master_json(web_port)
            if any(w.get("state") == "ALIVE" for w in state.get("workers", [])):
                return state
        except OSError:
            pass
        time.sleep(2)
    pytest.fail(f"standalone worker did not register with the master within {timeout}s")


@pytest.fixture(scope="module")
def cluster(settings, tmp_path_factory):
    """Master + one worker (1 core, 1g) on free loopback ports; stopped in the finaliser."""
    from pipelines.spark import _java_home

    logs = tmp_path_factory.mktemp("standalone_logs")
    env = {**os.environ, "JAVA_HOME": _java_home(settings), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_LOG_DIR": str(logs), "SPARK_WORKER_DIR": str(logs / "work"),
           "PYSPARK_PYTHON": sys.executable}
    port, web, worker_web = _free_port(), _free_port(), _free_port()
    spark_class = str(_spark_class())
    procs = []
    try:
        procs.append(subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
             "--port", str(port), "--webui-port", str(web)], env=env,
            stdout=open(logs / "master.out", "wb"), stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
             "--cores", "1", "--memory", "1g", "--webui-port", str(worker_web),
             f"spark://127.0.0.1:{port}"], env=env,
            stdout=open(logs / "worker.out", "wb"), stderr=subprocess.STDOUT))
        _wait_for_worker(web, procs)
        yield {"url": f"spark://127.0.0.1:{port}", "web": web, "env": env, "logs": logs}
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def slice_run(cluster, settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("standalone_var")
    done = subprocess.run([sys.executable, "-c", SLICE, str(root), cluster["url"]],
                          env=cluster["env"], capture_output=True, text=True, timeout=600)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    yield json.loads(lines[-1][len("RESULT "):]), root
    shutil.rmtree(root, ignore_errors=True)


def test_bronze_and_silver_are_written_through_the_standalone_master(slice_run, cluster):
    result, root = slice_run
    assert result["master"] == cluster["url"]
    assert result["bronze"]["reconciled"] and result["bronze"]["bronze"] > 0
    assert result["counts"]["bronze/loyalty_members"] == result["bronze"]["bronze"]
    assert result["counts"]["silver/loyalty_members"] > 0
    assert (Path(root) / "lake" / "silver" / "loyalty_members" / "_delta_log").is_dir()


def test_the_worker_ran_the_application(slice_run, cluster):
    result, _ = slice_run
    state = _master_json(cluster["web"])
    finished = {app["id"]: app for app in state.get("completedapps", [])}
    assert result["app_id"] in finished, state
    assert finished[result["app_id"]]["cores"] >= 1
    executor_logs = list((cluster["logs"] / "work" / result["app_id"]).glob("*/stderr"))
    assert executor_logs, "the worker started no executor for the application"
