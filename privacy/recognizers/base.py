"""What every recognizer builder shares: scores and context words overridden from the registry.

Each recognizer module keeps its defaults in ``PATTERNS`` / ``CONTEXT`` (Presidio's convention) and
exposes ``build(language, options)``; ``options`` is its entry in ``conf/privacy/recognizers.yaml``,
so a score or a context word is tuned in configuration, not in code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from presidio_analyzer import Pattern


def scored(patterns: Sequence[Pattern], scores: Mapping[str, float] | None) -> list[Pattern]:
    """Copies of ``patterns`` with the scores named in ``scores`` replaced (others kept)."""
    scores = scores or {}
    unknown = set(scores) - {p.name for p in patterns}
    if unknown:
        raise ValueError(f"no pattern named {sorted(unknown)}; known: {[p.name for p in patterns]}")
    return [Pattern(p.name, p.regex, float(scores.get(p.name, p.score))) for p in patterns]


def context(options: Mapping, default: Sequence[str]) -> list[str]:
    """The registry's context words when given, else the module's ``CONTEXT``."""
    return list(options.get("context") or default)
