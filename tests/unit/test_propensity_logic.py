"""Propensity pure logic: cut-offs and the time split, gates, the last-behaviour baseline."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from ml.propensity import evaluate
from ml.propensity.config import load_conf, validate, with_overrides
from ml.propensity.gates import check_gates, class_counts, count_failures
from ml.propensity.split import cutoffs, time_split
from pipelines.errors import LakehouseError

GATES = {"min_train_rows": 10, "min_validation_rows": 5, "min_class_rows": 2,
         "min_auc": 0.6, "min_auc_lift": 0.01, "min_brier_gain": 0.0}


def _result(**overrides):
    counts = {"train_rows": 100, "train_positives": 30, "train_negatives": 70,
              "validation_rows": 40, "validation_positives": 10, "validation_negatives": 30}
    return {**counts, "auc": 0.75, "baseline_auc": 0.6, "brier": 0.15,
            "baseline_brier": 0.18, **overrides}


def test_validation_cutoff_leaves_a_full_label_window_before_the_anchor():
    train, validation = cutoffs(date(2026, 1, 3), {"horizon_days": 7, "step_days": 7,
                                                  "train_cutoffs": 2})
    assert validation == [date(2025, 12, 27)]
    assert train == [date(2025, 12, 13), date(2025, 12, 20)]


def test_no_training_label_window_reaches_past_the_validation_cutoff():
    windows = {"horizon_days": 14, "step_days": 7, "train_cutoffs": 3}
    train, validation = cutoffs(date(2026, 2, 1), windows)
    assert train == sorted(train) and len(set(train)) == 3
    assert all((validation[0] - c).days >= windows["horizon_days"] for c in train)
    assert (validation[0] - train[-1]).days == windows["horizon_days"]


def test_several_validation_cutoffs_step_back_and_training_ends_a_window_before_them():
    windows = {"horizon_days": 3, "step_days": 1, "train_cutoffs": 4, "validation_cutoffs": 3}
    train, validation = cutoffs(date(2026, 1, 14), windows)
    assert validation == [date(2026, 1, 9), date(2026, 1, 10), date(2026, 1, 11)]
    assert train == [date(2026, 1, 3), date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 6)]
    assert max(train) + pd.Timedelta(days=3) <= min(validation)


def test_a_window_shorter_than_a_day_is_refused_by_the_conf_check():
    conf = with_overrides(load_conf(), {"churn.step_days": 0})
    with pytest.raises(LakehouseError, match="step_days"):
        validate(conf)


def test_fewer_rows_per_class_than_calibration_folds_is_refused_by_the_conf_check():
    conf = with_overrides(load_conf(), {"gates.min_class_rows": 2,
                                        "model.calibration_folds": 3})
    with pytest.raises(LakehouseError, match="calibration"):
        validate(conf)


def test_time_split_trains_on_earlier_cutoffs_and_validates_on_the_chosen_one():
    frame = pd.DataFrame({"cutoff": [date(2026, 1, d) for d in (1, 2, 3, 4)],
                          "customer_id": list("abcd")})
    train, validation = time_split(frame, [date(2026, 1, 3)])
    assert list(train["customer_id"]) == ["a", "b"]
    assert list(validation["customer_id"]) == ["c"]  # the later cut-off is never used
    _, both = time_split(frame, [date(2026, 1, 3), date(2026, 1, 4)])
    assert list(both["customer_id"]) == ["c", "d"]


def test_thin_data_is_refused_before_fitting_with_one_reason_per_gap():
    counts = class_counts([0] * 50 + [1], [0] * 3)
    reasons = count_failures(counts, GATES)
    assert "train positives 1 < 2" in reasons
    assert "validation rows 3 < 5" in reasons
    assert "validation positives 0 < 2" in reasons
    assert not any("train rows" in r for r in reasons)


def test_a_model_that_beats_the_baseline_on_auc_and_brier_passes():
    assert check_gates(_result(), GATES).passed


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"brier": 0.19}, "Brier gain"),
    ({"baseline_auc": 0.749}, "AUC lift"),
    ({"auc": 0.55, "baseline_auc": 0.5}, "AUC 0.550 < 0.6"),
    ({"auc": math.nan}, "AUC nan"),
    ({"validation_positives": 1, "validation_negatives": 39}, "validation positives 1"),
])
def test_a_model_short_of_any_gate_is_not_promoted(overrides, reason):
    gate = check_gates(_result(**overrides), GATES)
    assert not gate.passed
    assert any(reason in r for r in gate.reasons), gate.reasons


def test_baseline_gives_each_last_behaviour_group_its_smoothed_training_rate():
    frame = pd.DataFrame({"last_trip_seat": [1.0, 1.0, 1.0, 0.0, 0.0, None]})
    spec = {"kind": "ancillary", "ancillary_type": "seat"}
    groups = evaluate.baseline_groups(frame, "ancillary", {}, spec)
    assert list(groups) == ["bought_last_trip"] * 3 + ["not_bought_last_trip"] * 2 + [
        "no_trip_in_window"]
    rates = evaluate.fit_baseline(groups, pd.Series([1, 1, 0, 0, 0, 1]))
    overall = 0.5
    assert rates["bought_last_trip"] == pytest.approx((2 + overall) / 4)
    assert rates["not_bought_last_trip"] == pytest.approx(overall / 3)
    unseen = evaluate.apply_baseline(rates, pd.Series(["never_seen"]))
    assert unseen[0] == overall


def test_churn_baseline_splits_on_a_booking_within_the_horizon():
    frame = pd.DataFrame({"days_since_last_booking": [0.0, 6.0, 7.0, 13.0]})
    groups = evaluate.baseline_groups(frame, "churn", {"churn": {"horizon_days": 7}},
                                      {"kind": "churn"})
    assert list(groups) == ["booked_recently"] * 2 + ["not_booked_recently"] * 2


def test_auc_is_nan_not_an_error_when_validation_has_one_class():
    m = evaluate.metrics([0, 0, 0], [0.1, 0.2, 0.3])
    assert math.isnan(m["auc"]) and math.isnan(m["pr_auc"])
    assert m["brier"] == pytest.approx((0.01 + 0.04 + 0.09) / 3)
