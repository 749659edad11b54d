"""The labelled sample is consistent: spans point at their values and match the source markup."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "data" / "privacy" / "labelled_sample.jsonl"
TYPES = {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS",
         "PNR_LOCATOR", "E_TICKET", "PASSPORT", "LOYALTY_NUMBER"}


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_privacy_scan", REPO / "benchmarks" / "bench_privacy_scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_gold_span_points_at_its_value():
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 60
    for row in rows:
        for span in row["entities"]:
            assert row["text"][span["start"]:span["end"]] == span["value"], row["id"]
            assert span["type"] in TYPES
    assert {s["type"] for row in rows for s in row["entities"]} == TYPES


def test_sample_is_built_from_the_marked_up_source():
    bench = _bench()
    text, spans = bench.parse_marked("Hi {PERSON|Anna}, call {PHONE_NUMBER|+31 6 1}.\\nBye")
    assert text == "Hi Anna, call +31 6 1.\nBye"
    assert [(s["type"], s["start"], s["end"]) for s in spans] == [
        ("PERSON", 3, 7), ("PHONE_NUMBER", 14, 21)]
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    source = [line.split("\t", 1)[1] for line in bench.SOURCE.read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert [bench.parse_marked(m)[0] for m in source] == [r["text"] for r in rows]


def test_scores_count_exact_overlap_and_redaction():
    bench = _bench()
    gold = [[{"type": "PERSON", "start": 0, "end": 4}, {"type": "PHONE_NUMBER", "start": 10,
                                                       "end": 20}]]
    predicted = [[{"type": "PERSON", "start": 0, "end": 6},
                  {"type": "LOYALTY_NUMBER", "start": 10, "end": 20},
                  {"type": "PERSON", "start": 30, "end": 34}]]
    result = bench.score(gold, predicted)
    person = result["per_type"]["PERSON"]
    assert person["exact"] == {"recall": 0.0, "precision": 0.0}
    assert person["overlap"] == {"recall": 1.0, "precision": 0.5}
    assert result["per_type"]["PHONE_NUMBER"]["overlap"]["recall"] == 0.0
    assert result["per_type"]["PHONE_NUMBER"]["redacted_recall"] == 1.0
    assert result["leaked_chars"] == 0 and result["gold_chars"] == 14
