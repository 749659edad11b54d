import json

import pytest

from pipelines.bronze.jsonl import parse_jsonl, scrub_json

COLUMNS = ["id", "text", "customer"]


def _parse(text: str):
    return list(parse_jsonl("f.jsonl", text.encode(), COLUMNS))


@pytest.mark.parametrize("line", [
    '{"id":"A1","text":"hello","customer":{"name":"Ann"}}',
    '{"id":"A1"}',                                        # missing keys are null
    '{"id":"A1","text":null,"customer":[1,2]}',
    '  {"id": "A1"}  ',
])
def test_good_lines_are_ok(line):
    (record,) = _parse(line + "\n")
    assert record.status == "ok" and record.values[0] == "A1"
    assert json.loads(record.payload)["id"] == "A1"


@pytest.mark.parametrize("line,reason", [
    ('{"id":"A1","text":"cut', "invalid JSON"),           # truncated
    ("{'id':'A1','text':\"x\"}", "invalid JSON"),          # single quotes
    ('{"id":"A1","text":"x"},}', "invalid JSON"),          # trailing comma
    ('["id","A1"]', "expected a JSON object, found list"),
    ('"just a string"', "expected a JSON object, found str"),
])
def test_bad_lines_are_quarantined_with_reason(line, reason):
    (record,) = _parse(line + "\n")
    assert record.status == "quarantine" and record.reason.startswith(reason)
    assert record.line == 1 and record.raw == line


def test_nested_values_stay_json_text_and_unknown_keys_are_rescued():
    (record,) = _parse('{"id":"A1","customer":{"name":"Ann"},"csat":4,"new_key":"x"}\n')
    assert json.loads(record.values[2]) == {"name": "Ann"}
    assert json.loads(record.rescued) == {"csat": 4, "new_key": "x"}


def test_line_numbers_skip_blank_lines_and_bom():
    records = list(parse_jsonl("f", b'\xef\xbb\xbf{"id":"1"}\r\n\n{"id":"2"}\n{bad\n', COLUMNS))
    assert [(r.status, r.line) for r in records] == [("ok", 1), ("ok", 3), ("quarantine", 4)]


def test_duplicate_lines_are_both_landed():
    assert len(_parse('{"id":"1"}\n{"id":"1"}\n')) == 2


def test_card_numbers_are_scrubbed_at_any_depth_and_in_numbers():
    line = ('{"id":"1","text":"card 4111 1111 1111 1111","customer":{"notes":["5500005555555559"]},'
            '"pan":4012888888881881}')
    (record,) = _parse(line + "\n")
    assert record.pans_removed == 3
    for pan in ("4111 1111 1111 1111", "5500005555555559", "4012888888881881"):
        assert pan not in record.payload
    assert "4012888888881881" not in record.rescued


def test_card_number_in_a_malformed_line_is_scrubbed_from_raw():
    (record,) = _parse('{"id":"1","text":"card 4111111111111111\n')
    assert record.status == "quarantine" and "4111111111111111" not in record.raw
    assert record.pans_removed == 1


@pytest.mark.parametrize("value,expected", [
    ({"a": ["x", {"b": "4111111111111111"}]}, 1),
    ({"ticket": "9992855753261", "n": 42, "ok": True}, 0),
])
def test_scrub_json_counts(value, expected):
    assert scrub_json(value)[1] == expected
