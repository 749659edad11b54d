"""`lakehouse compensation quote`: one JSON line per case; bad input names the case and field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from pipelines.config import CONF_DIR, REPO_ROOT

EXAMPLE = CONF_DIR / "compensation" / "examples" / "cases.yaml"


def quote(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "compensation", "quote",
                           "--file", str(path)], capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=120)


def test_quote_of_example_file_prints_one_json_object_per_case():
    result = quote(EXAMPLE)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in lines] == [c["id"] for c in yaml.safe_load(EXAMPLE.read_text())]
    for decision in lines:
        assert {"id", "amount_eur", "regime", "explanation", "status"} <= decision.keys()
    by_id = {d["id"]: d for d in lines}
    # AMS-JFK 5,848 km, 290 min late, technical fault: Art. 7(1)(c) EUR 600 in cash
    assert (by_id["long-delay-technical"]["amount_eur"],
            by_id["long-delay-technical"]["regime"]) == (600, "eu261")


@pytest.mark.parametrize(("case", "expected"), [
    ({"id": "bad-delay", "origin": "AMS", "dest": "JFK", "event": "delay", "delay_min": "lots"},
     ["case 'bad-delay' (#2)", "'delay_min'", "lots"]),
    ({"id": "bad-event", "origin": "AMS", "dest": "JFK", "event": "strike"},
     ["case 'bad-event' (#2)", "'event'"]),
    ({"id": "typo", "origin": "AMS", "dest": "JFK", "event": "delay", "delay_mins": 200},
     ["case 'typo' (#2)", "unknown field 'delay_mins'"]),
    ({"origin": "AMS", "dest": "JFK", "event": "delay"}, ["case #2", "'id' is required"]),
    ({"id": "bad-airport", "origin": "AMSX", "dest": "JFK", "event": "delay"},
     ["case 'bad-airport' (#2)", "'origin'"]),
])
def test_quote_with_bad_field_names_case_and_field_without_stack_trace(tmp_path, case,
                                                                        expected):
    good = {"id": "ok", "origin": "AMS", "dest": "LHR", "event": "delay", "delay_min": 10}
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump([good, case]))
    result = quote(path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    for text in expected:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # validated before anything is printed


def test_quote_of_missing_file_is_a_clear_error(tmp_path):
    result = quote(tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert "cases file not found" in result.stderr
