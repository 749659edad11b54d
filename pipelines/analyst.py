"""What analyst notebooks import: a pandas DataFrame from a Trino query on this environment.

Notebooks stay free of connection details: the environment (``LAKEHOUSE_ENV``) decides which
Trino they talk to, exactly as for the CLI, so the same notebook runs on a laptop and in CI.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pipelines.config import load_settings


def trino_frame(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run ``sql`` through Trino (default catalog of this environment) into a DataFrame."""
    from pipelines.services.trino import connect

    settings = load_settings()
    connection = connect(settings, user=str(settings.get("trino.notebook_user")))
    try:
        cursor = connection.cursor()
        cursor.execute(sql, params) if params else cursor.execute(sql)
        rows = cursor.fetchall()
        frame = pd.DataFrame(rows, columns=[c[0] for c in cursor.description])
    finally:
        connection.close()
    return _decimals_as_floats(frame)


def _decimals_as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Trino DECIMAL arrives as ``decimal.Decimal`` objects, which pandas cannot plot or
    aggregate numerically; analysis wants floats."""
    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) and all(isinstance(v, Decimal) for v in values):
            frame[column] = frame[column].astype(float)
    return frame
