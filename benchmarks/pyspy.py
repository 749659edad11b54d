"""py-spy over one bench stage: where the driver's Python time goes, summarised per call site.

The Spark event log says what the JVM did; it cannot say why the driver asked for it. py-spy
samples this process (idle threads too, so a driver waiting on a Spark job is counted where it
waits) and writes py-spy's collapsed "raw" stacks. ``summarise`` keeps the main thread and
counts, per sample, the innermost frames of our code and of the library that called Spark (the
call site a fix would change). py-spy is a bench-only tool: ``make bench`` installs it when
missing; without it the stage runs unprofiled and the report says so.
"""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

log = logging.getLogger(__name__)
RATE_HZ = 20
# Frames from these paths name a call site; the rest (threading, py4j, socket) is how it waits.
CALL_SITE_MARKERS = ("pipelines/", "ml/", "splink/", "dbt/", "mlflow/", "great_expectations/")


def executable() -> str | None:
    """py-spy next to this interpreter (the venv), else on PATH."""
    import sys

    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextmanager
def record(pid: int, out: Path, report: dict[str, Any]) -> Iterator[None]:
    """Sample ``pid`` while the block runs into ``out``; ``report`` gets the summary or why not."""
    exe = executable()
    if exe is None:
        report.update({"error": "py-spy not installed (make bench installs it)"})
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # noqa: S603 - our own tool on our own pid
        [exe, "record", "--pid", str(pid), "--idle", "--rate", str(RATE_HZ), "--format", "raw",
         "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        try:
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        if out.exists():
            report.update(summarise(out))
        else:
            report["error"] = f"py-spy wrote nothing: {(err or '').strip()[-300:]}"


def _is_call_site(path: str) -> bool:
    """py-spy spells library paths from site-packages (``splink/...``), ours from the repo."""
    return any(path.startswith(m) or f"/{m}" in path for m in CALL_SITE_MARKERS)


def summarise(path: Path, top: int = 8) -> dict[str, Any]:
    """Main-thread samples of a raw py-spy file, by innermost call site (ours / a library's)."""
    sites: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not frames or not frames[0].startswith("<module>") or not count.isdigit():
            continue  # other threads: py4j's callback server, samplers, accumulators
        total += int(count)
        named = [f.split(" (")[0] + " (" + f.split(" (")[-1].split("/")[-1]
                 for f in frames if _is_call_site(f.rpartition(" (")[2])]
        sites[" > ".join(named[-3:]) or frames[-1]] += int(count)
    return {"file": path.name, "rate_hz": RATE_HZ, "main_thread_samples": total,
            "main_thread_seconds": round(total / RATE_HZ, 1),
            "top_call_sites": [{"share": round(n / total, 3), "samples": n, "site": site}
                               for site, n in sites.most_common(top)] if total else []}
