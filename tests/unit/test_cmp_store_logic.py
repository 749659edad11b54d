"""Input validation of the CMP push: bad rows must fail before anything touches PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import psycopg
import pytest

from pipelines.errors import LakehouseError
from pipelines.publish import frames
from pipelines.publish.cmp_store import COLUMNS, REQUIRED, is_unreachable, normalise_rows

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
KEY = ("customer_id", "model_name")


def _row(customer_id="c1", **extra):
    return {"customer_id": customer_id, "model_name": "m", "model_version": "1", "score": 0.5,
            **extra}


def test_defaults_fill_scored_at_and_run_id():
    [row] = normalise_rows([_row()], "run-1", NOW)
    assert dict(zip(COLUMNS, row, strict=True)) == {
        "customer_id": "c1", "model_name": "m", "model_version": "1", "score": 0.5,
        "scored_at": NOW, "run_id": "run-1",
    }


def test_row_values_win_and_are_coerced():
    when = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    [row] = normalise_rows(
        [{"customer_id": 7, "model_name": "m", "model_version": 3, "score": "0.25",
          "scored_at": when, "run_id": "scoring-9"}], "push", NOW)
    assert row == ("7", "m", "3", 0.25, when, "scoring-9")


def test_naive_and_iso_string_timestamps_are_utc():
    rows = normalise_rows([_row("a", scored_at=datetime(2026, 1, 1, 8)),
                           _row("b", scored_at="2026-01-01T08:00:00")], "r", NOW)
    assert {row[4] for row in rows} == {datetime(2026, 1, 1, 8, tzinfo=UTC)}


def test_dataframe_with_missing_optional_values():
    frame = pd.DataFrame([_row("a", scored_at=pd.Timestamp("2026-01-01", tz="UTC")),
                          _row("b", scored_at=pd.NaT)])
    rows = normalise_rows(frame, "r", NOW)
    assert rows[0][4] == datetime(2026, 1, 1, tzinfo=UTC)
    assert rows[1][4] == NOW


@pytest.mark.parametrize("bad", [{"score": None}, {"score": float("nan")}, {"score": "high"},
                                 {"score": float("inf")}, {"customer_id": None},
                                 {"model_version": pd.NA}, {"scored_at": "yesterday"}])
def test_bad_values_name_the_row(bad):
    with pytest.raises(LakehouseError, match="row 1"):
        normalise_rows([_row("ok"), {**_row("bad"), **bad}], "r", NOW)


def test_missing_column_in_dataframe():
    frame = pd.DataFrame([{"customer_id": "c", "model_name": "m", "score": 1.0}])
    with pytest.raises(LakehouseError, match="missing model_version"):
        normalise_rows(frame, "r", NOW)


def test_duplicate_keys_are_rejected():
    with pytest.raises(LakehouseError, match="1 duplicate"):
        normalise_rows([_row("c1"), _row("c2"), _row("c1", score=0.9)], "r", NOW)


def test_only_connection_failures_are_retried():
    refused = psycopg.OperationalError("connection failed: Connection refused")
    auth = psycopg.OperationalError('FATAL: password authentication failed for user "x"')
    assert is_unreachable(refused)
    assert not is_unreachable(auth)
    assert not is_unreachable(psycopg.errors.UniqueViolation("dup"))
    assert not is_unreachable(ValueError("x"))


# --- the column-wise path (DataFrames, lists of dicts) must agree with the row-by-row one -------


def _one_by_one(records):
    """A generator is not a list: it takes the row-by-row path."""
    return (dict(record) for record in records)


def test_frame_path_gives_the_same_tuples_as_the_row_path():
    records = [
        {"customer_id": 10, "model_name": "m", "model_version": 3, "score": 1,
         "scored_at": datetime(2026, 1, 1, 8), "run_id": "scoring-1"},
        {"customer_id": 11, "model_name": "m", "model_version": 3, "score": 0.125,
         "scored_at": None, "run_id": None},
    ]
    expected = normalise_rows(_one_by_one(records), "push", NOW)
    assert expected[1][4:] == (NOW, "push")
    assert frames.normalise_frame(pd.DataFrame(records), REQUIRED, KEY, "push", NOW) == expected
    assert normalise_rows(pd.DataFrame(records), "push", NOW) == expected
    assert normalise_rows(records, "push", NOW) == expected


@pytest.mark.parametrize("bad", [{"score": None}, {"score": float("nan")}, {"score": "high"},
                                 {"score": float("inf")}, {"customer_id": None},
                                 {"model_version": pd.NA}, {"scored_at": "yesterday"}])
def test_bad_values_in_a_dataframe_fail_as_in_the_row_path(bad):
    records = [_row("ok"), {**_row("bad"), **bad}]
    assert frames.normalise_frame(pd.DataFrame(records), REQUIRED, KEY, "r", NOW) is None
    with pytest.raises(LakehouseError) as row_path:
        normalise_rows(_one_by_one(records), "r", NOW)
    with pytest.raises(LakehouseError) as frame_path:
        normalise_rows(pd.DataFrame(records), "r", NOW)
    assert frame_path.value.what == row_path.value.what
    assert "row 1" in frame_path.value.what


def test_duplicate_keys_in_a_dataframe_are_rejected():
    frame = pd.DataFrame([_row("c1"), _row("c2"), _row("c1", score=0.9), _row("c1")])
    with pytest.raises(LakehouseError, match=r"2 duplicate .* \('c1', 'm'\)"):
        normalise_rows(frame, "r", NOW)
