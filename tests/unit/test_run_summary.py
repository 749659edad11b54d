"""The run summary a person reads at the end of `lakehouse run`."""

from __future__ import annotations

from pipelines.run import format_summary


def _summary(**extra) -> dict:
    return {"run_id": "r1", "env": "test", "finished_at": "2026-01-01T00:00:00+00:00",
            "rows_per_table": {"silver.pnr_bookings": 12}, "steps": {},
            "where_to_look": {"lake": "var/test/lake"}, **extra}


def test_seconds_per_step_are_listed_in_step_order() -> None:
    text = format_summary(_summary(step_seconds={"bronze": 12.5, "silver": 80.0}))
    assert "seconds per step: bronze 12.5, silver 80" in text
    assert text.index("seconds per step") < text.index("where to look")


def test_a_summary_without_timings_still_formats() -> None:
    text = format_summary(_summary())
    assert "seconds per step" not in text and "silver.pnr_bookings" in text
