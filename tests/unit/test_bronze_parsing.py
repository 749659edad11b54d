import json

import pytest

from pipelines.bronze.parsing import parse_csv

COLUMNS = ["id", "name", "phone"]


def _parse(text: str, encoding: str = "utf-8"):
    return list(parse_csv("f.csv", text.encode(encoding), COLUMNS))


def test_every_record_comes_out_once_as_ok_or_quarantine():
    records = _parse("id,name,phone\n1,Ann,555\n2,Bob\n3,\"Cy, Jr\",777\n")
    assert [(r.status, r.line) for r in records] == [("ok", 2), ("quarantine", 3), ("ok", 4)]
    assert records[1].reason == "expected 3 fields, found 2"
    assert records[2].values == ["3", "Cy, Jr", "777"]


def test_line_numbers_count_quoted_newlines():
    records = _parse('id,name,phone\n1,"multi\nline",5\n2,x,6\n')
    assert [r.line for r in records] == [2, 4]


def test_new_column_is_rescued_not_dropped():
    records = _parse("id,name,phone,language\n1,Ann,555,fr\n")
    assert records[0].values == ["1", "Ann", "555"]
    assert json.loads(records[0].rescued) == {"language": "fr"}


def test_missing_column_becomes_null():
    records = _parse("id,name\n1,Ann\n")
    assert records[0].values == ["1", "Ann", None]


def test_legacy_encoding_is_decoded_and_recorded():
    records = _parse("id,name,phone\n1,Müller,5\n", encoding="cp1252")
    assert records[0].values[1] == "Müller"
    assert records[0].encoding == "cp1252"


def test_card_numbers_are_scrubbed_in_ok_and_quarantined_rows():
    records = _parse("id,name,phone\n1,Ann,4111111111111111\n2,5500005555555559\n")
    assert records[0].values[2].startswith("[PAN-REDACTED-")
    assert "5500005555555559" not in records[1].raw
    assert sum(r.pans_removed for r in records) == 2


def test_blank_lines_are_not_records():
    assert len(_parse("id,name,phone\n1,a,b\n\n")) == 1


def test_stray_quote_does_not_swallow_the_following_rows():
    records = _parse('id,name,phone\n1,"unterminated,555\n2,Bob,6\n3,Cy,7\n')
    assert [(r.status, r.line) for r in records] == [("quarantine", 2), ("ok", 3), ("ok", 4)]
    assert records[0].reason == "unterminated quoted field"


def test_two_stray_quotes_do_not_quarantine_the_good_rows_between_them():
    # the quotes balance each other, so the lines between join into one would-be record
    records = _parse('id,name,phone\n1,"unterminated,555\n2,Bob,6\n3,Cy,7\n'
                     '4,Di,"also unterminated\n5,Ed,9\n')
    assert [(r.status, r.line) for r in records] == [
        ("quarantine", 2), ("ok", 3), ("ok", 4), ("quarantine", 5), ("ok", 6)]
    assert {r.reason for r in records if r.status == "quarantine"} == \
        {"unterminated quoted field"}


def test_a_quoted_field_over_several_lines_is_still_one_record():
    records = _parse('id,name,phone\n1,"Ann\nSmith",5\n2,Bob,6\n')
    assert [(r.status, r.line) for r in records] == [("ok", 2), ("ok", 4)]
    assert records[0].values[1] == "Ann\nSmith"


def test_one_cp1252_line_does_not_garble_the_utf8_lines_around_it():
    content = "id,name,phone\n1,Zoë,5\n".encode() + "2,Müller,6\n".encode("cp1252")
    records = list(parse_csv("f.csv", content, COLUMNS))
    assert [(r.values[1], r.encoding) for r in records] == [("Zoë", "utf-8"),
                                                          ("Müller", "cp1252")]


@pytest.mark.parametrize("content,expected", [
    # BOM, CRLF, no final newline
    (b"\xef\xbb\xbfid,name,phone\r\n1,a,b\r\n2,c,d", [("ok", 2), ("ok", 3)]),
    # blank and whitespace-only lines are not records; a duplicate is
    (b"id,name,phone\n\n1,a,b\n   \n1,a,b\n", [("ok", 3), ("ok", 5)]),
    (b"id,name,phone\n1,a,b,#REF!\n", [("quarantine", 2)]),                   # extra field
    (b"id,name,phone\n1,a\n", [("quarantine", 2)]),                           # truncated
    (b"id,name,phone\n", []),                                                 # header only
    (b"", []),                                                                # empty file
])
def test_csv_good_and_bad_lines(content, expected):
    records = list(parse_csv("f.csv", content, COLUMNS))
    assert [(r.status, r.line) for r in records] == expected
