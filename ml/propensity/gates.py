"""Promotion gates: the thresholds in ``conf/ml/propensity.yaml`` decide, not the code.

Two stages. :func:`count_failures` runs before fitting: with too few rows or too few of a
class, a model cannot be fitted or graded honestly, so training stops there (the run is
logged, nothing is registered) instead of crashing in the calibrator or the AUC.
:func:`check_gates` then grades a fitted candidate against the baseline on the validation
rows: it must beat it on AUC *and* Brier score, and clear a minimum AUC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class GateResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # one line per failed gate


def class_counts(y_train, y_validation) -> dict[str, int]:
    """Rows, positives and negatives on each side of the split."""
    out = {}
    for side, y in (("train", y_train), ("validation", y_validation)):
        values = [int(v) for v in y]
        out[f"{side}_rows"] = len(values)
        out[f"{side}_positives"] = sum(values)
        out[f"{side}_negatives"] = len(values) - sum(values)
    return out


def count_failures(counts: dict[str, int], gates: dict) -> list[str]:
    """Why the data is too thin to fit or grade a model (empty list: enough)."""
    reasons = []
    for side, minimum in (("train", gates["min_train_rows"]),
                          ("validation", gates["min_validation_rows"])):
        if counts[f"{side}_rows"] < minimum:
            reasons.append(f"{side} rows {counts[f'{side}_rows']} < {minimum}")
        for cls in ("positives", "negatives"):
            if counts[f"{side}_{cls}"] < gates["min_class_rows"]:
                reasons.append(f"{side} {cls} {counts[f'{side}_{cls}']} < "
                               f"{gates['min_class_rows']}")
    return reasons


def check_gates(result: dict[str, float], gates: dict) -> GateResult:
    """Grade held-out ``result`` (counts, auc, brier, baseline_auc, baseline_brier)."""
    reasons = count_failures(result, gates)
    auc, base_auc = result.get("auc", math.nan), result.get("baseline_auc", math.nan)
    if not auc >= gates["min_auc"]:  # NaN (one class) fails too
        reasons.append(f"AUC {auc:.3f} < {gates['min_auc']}")
    lift = auc - (0.5 if math.isnan(base_auc) else base_auc)
    if not lift >= gates["min_auc_lift"]:
        reasons.append(f"AUC lift over baseline {lift:.3f} < {gates['min_auc_lift']}")
    gain = result.get("baseline_brier", math.nan) - result.get("brier", math.nan)
    if not gain > gates["min_brier_gain"]:
        reasons.append(f"Brier gain over baseline {gain:.4f} <= {gates['min_brier_gain']}")
    return GateResult(passed=not reasons, reasons=reasons)
