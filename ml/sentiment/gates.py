"""Promotion gates: the thresholds in ``conf/ml/sentiment.yaml`` decide, not the code.

A version is always registered (so a failed candidate can be inspected); only a version that
passes every gate gets the champion alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GateResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # one line per failed gate


def check_gates(result: dict[str, float], labels: list[str], gates: dict) -> GateResult:
    """Compare held-out ``result`` (macro_f1, f1_<label>, baseline_macro_f1, test_rows)."""
    reasons = []
    if result["test_rows"] < gates["min_test_rows"]:
        reasons.append(f"test rows {result['test_rows']} < {gates['min_test_rows']}")
    if result["macro_f1"] < gates["min_macro_f1"]:
        reasons.append(f"macro-F1 {result['macro_f1']:.3f} < {gates['min_macro_f1']}")
    for label in labels:
        if result[f"f1_{label}"] < gates["min_class_f1"]:
            reasons.append(f"F1 {label} {result[f'f1_{label}']:.3f} < {gates['min_class_f1']}")
    lift = result["macro_f1"] - result["baseline_macro_f1"]
    if lift < gates["min_lift_over_baseline"]:
        reasons.append(f"lift over keyword baseline {lift:.3f} < "
                       f"{gates['min_lift_over_baseline']}")
    return GateResult(passed=not reasons, reasons=reasons)
