"""Cut-offs and the time-based split: train on earlier cut-offs, validate on the latest one.

Every label window must be observed in full, so the validation cut-off is the anchor (the last
date the label's source holds) minus the horizon. The latest training cut-off is the
validation cut-off minus the horizon, so no training label looks past the validation cut-off;
earlier ones step back by ``step_days`` (their windows may overlap each other, never the
validation window). Rows never move
between sides at random: the model is graded on a later period than the one it learned from,
which is how it is used.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd


def cutoffs(anchor: date, windows: dict) -> tuple[list[date], date]:
    """``(training cut-offs, oldest first; validation cut-off)`` for one model kind.

    Args:
        anchor: last date the label source covers (e.g. the last flight date).
        windows: ``horizon_days``, ``step_days`` and ``train_cutoffs`` of the kind's conf.
    """
    horizon, step = int(windows["horizon_days"]), int(windows["step_days"])
    validation = anchor - timedelta(days=horizon)
    latest = validation - timedelta(days=horizon)
    train = [latest - timedelta(days=step * k)
             for k in range(int(windows["train_cutoffs"]) - 1, -1, -1)]
    return train, validation


def time_split(frame: pd.DataFrame, validation_cutoff: date) -> tuple[pd.DataFrame,
                                                                     pd.DataFrame]:
    """``(rows before the validation cut-off, rows at it)``; later rows are never used."""
    at = pd.to_datetime(frame["cutoff"]).dt.date
    train = frame[at < validation_cutoff].reset_index(drop=True)
    validation = frame[at == validation_cutoff].reset_index(drop=True)
    return train, validation
