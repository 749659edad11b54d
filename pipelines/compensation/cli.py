"""`lakehouse compensation quote`: check a disputed or hypothetical case without a pipeline.

Same engine and rule files as the gold pipeline. Input is a YAML list of cases (see
``conf/compensation/examples/cases.yaml``); output is one JSON object per case and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError

from pipelines.errors import LakehouseError

compensation_app = typer.Typer(help="Compensation rules: quote cases (EU261, Montreal, goodwill).",
                               no_args_is_help=True)
FIX = "see conf/compensation/examples/cases.yaml for the fields and their types"


def read_cases(path: Path) -> list:
    """Parse and validate the YAML list of cases; the first bad one raises LakehouseError."""
    from pipelines.compensation.case import Case

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LakehouseError(f"cases file not found: {path}", "pass --file CASES.yaml") from exc
    except yaml.YAMLError as exc:
        raise LakehouseError(f"{path} is not valid YAML: {exc}", FIX) from exc
    if not isinstance(data, list) or not data:
        raise LakehouseError(f"{path} must hold a non-empty YAML list of cases", FIX)
    cases = []
    for index, item in enumerate(data, start=1):
        label = _label(item, index)
        if not isinstance(item, dict):
            raise LakehouseError(f"{label}: a case must be a mapping of field: value", FIX)
        try:
            cases.append(Case(**item))
        except ValidationError as exc:
            raise LakehouseError(f"{label}: {_first_error(exc)}", FIX) from exc
    return cases


def _label(item: Any, index: int) -> str:
    case_id = item.get("id") if isinstance(item, dict) else None
    return f"case {case_id!r} (#{index})" if case_id is not None else f"case #{index}"


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "(case)"
    if error["type"] == "extra_forbidden":
        return f"unknown field {field!r}"
    if error["type"] == "missing":
        return f"field {field!r} is required"
    return f"field {field!r}: {error['msg']} (got {error.get('input')!r})"


@compensation_app.command("quote")
def quote(
    file: Annotated[Path, typer.Option("--file", "-f", help="YAML list of cases.")],
) -> None:
    """Print one JSON line per case: id, status, amount_eur, regime, explanation, rule version."""
    from pipelines.compensation.engine import decide
    from pipelines.compensation.rules import load_rules

    rules = load_rules()
    for case in read_cases(file):
        decision = decide(case, rules)
        typer.echo(json.dumps(decision.model_dump(exclude={"steps"}), ensure_ascii=False))


@compensation_app.command("decide")
def decide_command(
    full: Annotated[bool, typer.Option(
        help="Re-decide every flight (daily catch-up) instead of only those changed since the "
             "last run (hourly).")] = False,
) -> None:
    """Decide compensation from silver ops into gold, the outbox and PostgreSQL; print counts."""
    from pipelines.config import load_settings
    from pipelines.run import step_compensation

    typer.echo(json.dumps(step_compensation(load_settings(), full=full), default=str))
