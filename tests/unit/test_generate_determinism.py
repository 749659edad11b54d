"""A seed fully determines the feeds: same seed, same bytes; day k alone equals batch k."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipelines.generate import Activity, DirtRates, generate

START = date(2026, 1, 1)
ACTIVITY = Activity(shard_size=100)  # several shards even for a small run


def _digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _run(out: Path, seed: int = 7, workers: int = 1, day: int | None = None, days: int = 4):
    return generate(out, customers=250, days=days, seed=seed, start_date=START,
                    dirt=DirtRates(), day=day, activity=ACTIVITY, workers=workers)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full")
    _run(out)
    return out


def test_same_seed_gives_byte_identical_output_regardless_of_workers(full_run, tmp_path):
    _run(tmp_path, workers=2)
    assert _digest(tmp_path) == _digest(full_run)


def test_different_seed_changes_the_output(full_run, tmp_path):
    _run(tmp_path, seed=8)
    loyalty = "landing/loyalty/loyalty_2026-01-01.csv"
    assert (tmp_path / loyalty).read_bytes() != (full_run / loyalty).read_bytes()


@pytest.mark.parametrize("day", [1, 3])
def test_single_day_increment_equals_that_batch_of_the_full_run(full_run, tmp_path, day):
    summary = _run(tmp_path, day=day)
    written = _digest(tmp_path)
    landing = {k: v for k, v in written.items() if k.startswith("landing/")}
    assert landing, "a batch must deliver at least one file"
    assert summary.batches == [day]
    full = _digest(full_run)
    for relpath, digest in written.items():
        assert full[relpath] == digest, relpath


def test_files_keep_their_own_date_when_delivered_late(tmp_path):
    rates = DirtRates(late_file=1.0)  # every file after day 1 is late
    summary = generate(tmp_path, customers=30, days=3, seed=1, start_date=START, dirt=rates,
                       day=3, activity=ACTIVITY, workers=1)
    names = sorted(p.name for p in (tmp_path / "landing" / "loyalty").iterdir())
    assert names == ["loyalty_2026-01-02.csv"]  # day 3's own file waits for batch 4
    assert {(f["source"], f["file_date"]) for f in summary.late_files} >= {
        ("loyalty", "2026-01-02")
    }


def test_output_does_not_depend_on_the_process_hash_seed(full_run, tmp_path):
    """A fresh interpreter (new PYTHONHASHSEED) must write the same bytes: no hash() in draws."""
    code = (
        "from datetime import date; from pathlib import Path; "
        "from pipelines.generate import Activity, DirtRates, generate; "
        f"generate(Path({str(tmp_path)!r}), customers=250, days=4, seed=7, "
        "start_date=date(2026, 1, 1), dirt=DirtRates(), activity=Activity(shard_size=100), "
        "workers=1)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).parents[2])
    assert _digest(tmp_path) == _digest(full_run)
