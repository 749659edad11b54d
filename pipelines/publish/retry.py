"""One retry policy for every write to the operational CMP store (PostgreSQL).

Each push (scores, NBA and segment tables, compensation decisions) is one idempotent
transaction, so retrying a whole attempt is safe. Only errors that say the server cannot be
reached are retried (:func:`is_unreachable`), with exponential backoff capped by
``postgres.retry.*``; everything else fails at once with a readable message. Kept in one place
so the three publishers cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import psycopg
import tenacity

from pipelines.config import Settings
from pipelines.errors import LakehouseError

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_ATTEMPTS = 5
DEFAULT_MAX_WAIT_S = 8.0


def is_unreachable(exc: BaseException) -> bool:
    """True for errors worth retrying: no connection, lost connection, server starting/stopping.

    Connection failures carry no SQLSTATE (class 08 when the server reports one); 57P01-03 are
    admin shutdown, crash shutdown and "cannot connect now". A rejected password is not
    transient, so it is not retried.
    """
    if not isinstance(exc, psycopg.OperationalError):
        return False
    if "authentication failed" in str(exc):
        return False
    state = exc.sqlstate
    return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")


def with_retries(settings: Settings, what: str, attempt: Callable[[], T],
                 fix_rejected: str = "fix the input rows; nothing was written") -> T:
    """Run ``attempt`` (one whole transaction) under the CMP retry policy.

    Raises:
        LakehouseError: still unreachable after ``postgres.retry.attempts`` tries; rows
            rejected by a constraint or type (``what`` names the push, ``fix_rejected`` says what
            to do; the transaction rolled back); or the app role's password refused.
    """
    attempts = int(settings.get("postgres.retry.attempts", DEFAULT_ATTEMPTS))
    max_wait = float(settings.get("postgres.retry.max_wait_s", DEFAULT_MAX_WAIT_S))
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(attempts),
        wait=tenacity.wait_exponential(multiplier=min(0.5, max_wait), max=max_wait),
        retry=tenacity.retry_if_exception(is_unreachable),
        before_sleep=lambda state: log.warning(
            "PostgreSQL unreachable (attempt %d of %d): %s", state.attempt_number, attempts,
            str(state.outcome.exception()).strip().splitlines()[-1]),
    )
    where = f"{settings.get('postgres.host')}:{settings.get('postgres.port')}"
    try:
        return retrying(attempt)
    except tenacity.RetryError as exc:
        raise LakehouseError(f"PostgreSQL at {where} unreachable after {attempts} attempts",
                             "lakehouse services up") from exc.last_attempt.exception()
    except (psycopg.DataError, psycopg.IntegrityError) as exc:
        raise LakehouseError(f"{what} rejected and rolled back: "
                             f"{str(exc).strip().splitlines()[0]}", fix_rejected) from exc
    except psycopg.OperationalError as exc:
        if "authentication failed" not in str(exc):
            raise
        raise LakehouseError(
            f"PostgreSQL at {where} rejected the password of {settings.get('postgres.user')}",
            "lakehouse services up (it re-syncs the app role's password from the secret)",
        ) from exc
