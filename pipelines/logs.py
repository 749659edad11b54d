"""Readable progress logs: one line per stage with counts, quiet third-party chatter."""

from __future__ import annotations

import logging
import os

NOISY = ("py4j", "great_expectations", "urllib3", "mlflow", "alembic", "git")


def configure_logging(level: int = logging.INFO) -> None:
    """Log ``time level name message`` to stderr once per process; silence chatty libraries."""
    os.environ.setdefault("TQDM_DISABLE", "1")  # GX progress bars
    root = logging.getLogger()
    if not root.handlers:  # Airflow and pytest bring their own handlers; keep theirs
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
