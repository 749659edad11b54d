"""Cut-offs and the time-based split: train on earlier cut-offs, validate on the latest ones.

Every label window must be observed in full, so the latest validation cut-off is the anchor
(the last date the label's source holds) minus the horizon. The latest training cut-off is the
earliest validation cut-off minus the horizon, so no training label looks past it;
earlier ones step back by ``step_days`` (their windows may overlap each other, never the
validation window). Rows never move
between sides at random: the model is graded on a later period than the one it learned from,
which is how it is used.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd


def cutoffs(anchor: date, windows: dict) -> tuple[list[date], list[date]]:
    """``(training cut-offs, validation cut-offs)``, each oldest first, for one model kind.

    The latest validation cut-off is the anchor minus the horizon; ``validation_cutoffs``
    (default 1) of them step back by ``step_days``. Grading on several later cut-offs, not one
    day, keeps a small lake's validation set from hanging on a handful of travellers. The
    latest training cut-off is the earliest validation cut-off minus the horizon.

    Args:
        anchor: last date the label source covers (e.g. the last flight date).
        windows: ``horizon_days``, ``step_days``, ``train_cutoffs`` and optionally
            ``validation_cutoffs`` of the kind's conf.
    """
    horizon, step = int(windows["horizon_days"]), int(windows["step_days"])
    latest_validation = anchor - timedelta(days=horizon)
    validation = [latest_validation - timedelta(days=step * k)
                  for k in range(int(windows.get("validation_cutoffs", 1)) - 1, -1, -1)]
    latest = validation[0] - timedelta(days=horizon)
    train = [latest - timedelta(days=step * k)
             for k in range(int(windows["train_cutoffs"]) - 1, -1, -1)]
    return train, validation


def time_split(frame: pd.DataFrame, validation_cutoffs: list[date]) -> tuple[pd.DataFrame,
                                                                           pd.DataFrame]:
    """``(rows before the first validation cut-off, rows at a validation cut-off)``; rows at
    any other date are never used."""
    at = pd.to_datetime(frame["cutoff"]).dt.date
    train = frame[at < min(validation_cutoffs)].reset_index(drop=True)
    validation = frame[at.isin(set(validation_cutoffs))].reset_index(drop=True)
    return train, validation
