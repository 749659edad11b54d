"""What analyst notebooks import: a pandas DataFrame from a Trino query on this environment.

Notebooks stay free of connection details: the environment (``LAKEHOUSE_ENV``) decides which
Trino they talk to, exactly as for the CLI, so the same notebook runs on a laptop and in CI.
"""

from __future__ import annotations

import pandas as pd

from pipelines.config import load_settings


def trino_frame(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run ``sql`` through Trino (default catalog of this environment) into a DataFrame."""
    from pipelines.services.trino import connect

    connection = connect(load_settings())
    try:
        cursor = connection.cursor()
        cursor.execute(sql, params) if params else cursor.execute(sql)
        rows = cursor.fetchall()
        return pd.DataFrame(rows, columns=[c[0] for c in cursor.description])
    finally:
        connection.close()
