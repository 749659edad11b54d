"""Log-log plot of seconds per stage against customers over every ``pipeline_<N>.json``.

A straight line of slope 1 is linear growth; a flat line is fixed cost (JVM start, Delta
commits, per-table overheads) that small sizes are dominated by. Usage:
    .venv/bin/python benchmarks/plot.py   # -> benchmarks/results/pipeline_scaling.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def series(results: list[dict]) -> dict[str, list[tuple[int, float]]]:
    """``{stage: [(customers, seconds), ...]}`` sorted by size (pure; unit-tested)."""
    out: dict[str, list[tuple[int, float]]] = {}
    for result in results:
        for stage, entry in result.get("stages", {}).items():
            if "seconds" in entry and "error" not in entry:
                out.setdefault(stage, []).append((int(result["customers"]), entry["seconds"]))
    return {stage: sorted(points) for stage, points in out.items()}


def load_results(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("pipeline_[0-9]*.json"))]


def plot_scaling(folder: Path = RESULTS) -> Path:
    """Write ``pipeline_scaling.png`` in ``folder`` and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = series(load_results(folder))
    fig, ax = plt.subplots(figsize=(9, 6))
    for stage, points in sorted(data.items(), key=lambda kv: -kv[1][-1][1]):
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", label=stage)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("customers (generated)")
    ax.set_ylabel("wall seconds (shared 2-core host)")
    ax.set_title("Main job: seconds per stage against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    out = folder / "pipeline_scaling.png"
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


if __name__ == "__main__":
    sys.stdout.write(f"{plot_scaling()}\n")
