"""Pairwise precision, recall and F1 of the golden customers against the generator's truth.

A reporting function, never on the pipeline's path: only reports, tests and benchmarks may read
ground truth (``<var>/ground_truth/links/*.csv``: file, record_key, person_id). Each source in
conf maps to the landing-file prefix of its truth (``truth``); a record counts when both the
xref and the truth know it. Pairwise: over all pairs of such records, a pair is predicted when
both have one customer id and true when both have one person id.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipelines.config import Settings

log = logging.getLogger(__name__)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(rows: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Precision, recall, F1 from ``(customer_id, person_id)`` per record (pure; unit-tested)."""
    rows = list(rows)
    predicted = sum(_pairs(n) for n in Counter(c for c, _ in rows).values())
    true = sum(_pairs(n) for n in Counter(p for _, p in rows).values())
    both = sum(_pairs(n) for n in Counter(rows).values())
    precision = both / predicted if predicted else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"records": len(rows), "customers": len({c for c, _ in rows}),
            "persons": len({p for _, p in rows}), "true_pairs": true,
            "predicted_pairs": predicted, "correct_pairs": both,
            "precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5)}


def truth_links(ground_truth: Path, prefixes: dict[str, str]) -> dict[tuple[str, str], str]:
    """``(source_table, record_key) -> person_id`` from the truth files of each source."""
    import pandas as pd

    out: dict[tuple[str, str], str] = {}
    for table, prefix in prefixes.items():
        for path in sorted((ground_truth / "links").glob(f"{prefix}_*.csv")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            out.update({(table, k): p for k, p in zip(frame["record_key"], frame["person_id"],
                                                      strict=True)})
    return out


def identity_accuracy(spark, settings: Settings, write: bool = True) -> dict[str, Any]:
    """Score ``silver.customer_xref`` against ground truth; write ``identity_accuracy.json``."""
    from pipelines.identity import store
    from pipelines.identity.settings import load_identity_conf

    gconf = load_identity_conf(settings)["golden"]
    prefixes = {s["table"]: s["truth"] for s in gconf["sources"] if s.get("truth")}
    truth = truth_links(settings.path("paths.ground_truth"), prefixes)
    xref = store.read(spark, settings, store.XREF)
    if xref is None or not truth:
        return {"records": 0}
    rows = [(r.customer_id, truth[(r.source_table, r.record_key)])
            for r in xref.select("source_table", "record_key", "customer_id").collect()
            if (r.source_table, r.record_key) in truth]
    report = {"by_source": {}, **pairwise_scores(rows)}
    for table in prefixes:
        mine = [(r.customer_id, truth[(r.source_table, r.record_key)]) for r in xref.where(
            f"source_table = '{table}'").collect() if (r.source_table, r.record_key) in truth]
        report["by_source"][table] = {k: v for k, v in pairwise_scores(mine).items()
                                      if k in ("records", "precision", "recall", "f1")}
    if write:
        out = settings.path("paths.reports") / "identity_accuracy.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
    log.info("identity accuracy: precision=%s recall=%s f1=%s", report["precision"],
             report["recall"], report["f1"])
    return report
