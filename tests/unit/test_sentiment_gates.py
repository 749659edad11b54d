"""Promotion gates: each threshold in the YAML can block the champion alias on its own."""

import pytest

from ml.sentiment.gates import check_gates

LABELS = ["negative", "neutral", "positive"]
GATES = {"min_macro_f1": 0.8, "min_class_f1": 0.6, "min_lift_over_baseline": 0.05,
         "min_test_rows": 60}
GOOD = {"macro_f1": 0.9, "f1_negative": 0.95, "f1_neutral": 0.85, "f1_positive": 0.9,
        "baseline_macro_f1": 0.6, "test_rows": 200}


def test_a_model_above_every_threshold_passes():
    result = check_gates(GOOD, LABELS, GATES)
    assert result.passed and result.reasons == []


@pytest.mark.parametrize(("change", "reason"), [
    ({"macro_f1": 0.79, "baseline_macro_f1": 0.5}, "macro-F1"),
    ({"f1_neutral": 0.55}, "F1 neutral"),
    ({"baseline_macro_f1": 0.88}, "lift over keyword baseline"),
    ({"test_rows": 59}, "test rows"),
])
def test_one_failed_threshold_blocks_promotion(change, reason):
    result = check_gates({**GOOD, **change}, LABELS, GATES)
    assert not result.passed
    assert len(result.reasons) == 1 and result.reasons[0].startswith(reason)
