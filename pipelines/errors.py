"""Errors a person can act on.

Every failure we can foresee (missing Java, a port in use, a failed download, bad input) is raised
as a :class:`LakehouseError` carrying *what* went wrong and *how to fix it*. The CLI prints those
two lines and exits with status 2 instead of a stack trace.
"""

from __future__ import annotations


class LakehouseError(RuntimeError):
    """A foreseeable failure with a one-line cause and a one-line fix."""

    def __init__(self, what: str, fix: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.what} (fix: {self.fix})" if self.fix else self.what
