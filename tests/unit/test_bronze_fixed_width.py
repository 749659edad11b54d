import pytest

from pipelines.bronze.fixed_width import parse_fixed_width
from pipelines.generate.copybook import Field, Layout, load_layout

LAYOUT = Layout("demo", (Field("code", 1, 2, "X"), Field("number", 3, 4, "9"),
                         Field("day", 7, 8, "D"), Field("at", 15, 4, "T"),
                         Field("price", 19, 5, "9V99")))
GOOD = "AB00422026010214300012"


def _parse(*lines: str):
    return list(parse_fixed_width("f.txt", "".join(f"{ln}\n" for ln in lines).encode(), LAYOUT))


def test_good_line_is_sliced_into_stripped_source_text():
    (record,) = _parse(GOOD + "5")
    assert record.status == "ok"
    assert record.values == ["AB", "0042", "20260102", "1430", "00125"]


@pytest.mark.parametrize("line,field,reason", [
    ("AB0042202601021430001",   "price", "line is 21 characters"),     # lost characters
    ("AB00422026010214300012500", None, "line is 25 characters"),      # gained characters
    ("AB004220260102143000125 ", None, "line is 24 characters"),       # trailing space too many
    ("AB00x22026010214300012" + "5", "number", "field number at 3-6"),  # letter in a 9 field
    ("AB    2026010214300012" + "5", "number", "field number at 3-6"),  # blank 9 field
    ("AB00422026023014300012" + "5", "day", "field day at 7-14"),       # 30 February
    ("AB00422026010224000012" + "5", "at", "field at at 15-18"),        # 24:00
    ("AB004220260102143000.25", "price", "field price at 19-23"),      # explicit decimal point
])
def test_bad_lines_are_quarantined_naming_the_field(line, field, reason):
    (record,) = _parse(line)
    assert record.status == "quarantine"
    assert record.field == field and record.reason.startswith(reason)
    assert record.raw == line and record.line == 1


def test_shifted_line_names_the_first_field_the_shift_breaks():
    (record,) = _parse("AB00422260102143000125")  # one digit of the date lost
    # the date slice "22601021" is still a real date (2260-10-21); the time "4300" is not
    assert record.status == "quarantine" and record.field == "at"
    assert "line is 22 characters" in record.reason


@pytest.mark.parametrize("line", [
    "AB0042" + " " * 8 + "    " + "00125",   # blank date and time are allowed
    "  0042202601021430" + "00125",          # blank text field
])
def test_blank_dates_times_and_text_are_null(line):
    (record,) = _parse(line)
    assert record.status == "ok" and None in record.values


def test_blank_lines_crlf_and_line_numbers():
    content = f"{GOOD}5\r\n\r\n{GOOD}5\r\nbad\r\n".encode()
    records = list(parse_fixed_width("f.txt", content, LAYOUT))
    assert [(r.status, r.line) for r in records] == [("ok", 1), ("ok", 3), ("quarantine", 4)]


def test_card_number_in_a_text_field_is_scrubbed():
    layout = Layout("t", (Field("note", 1, 20, "X"),))
    (record,) = list(parse_fixed_width("f", b"4111111111111111    \n", layout))
    assert record.values == ["[PAN-REDACTED-1111]"] and record.pans_removed == 1


@pytest.mark.parametrize("record", ["edh_flight_legs", "edh_pax", "edh_ancillaries",
                                    "edh_forecast"])
def test_lines_written_by_the_generator_layouts_parse_back(record):
    layout = load_layout(record)
    line = layout.format({f.name: _sample(f) for f in layout.fields})
    (parsed,) = list(parse_fixed_width("f", (line + "\n").encode(), record))
    assert parsed.status == "ok", parsed.reason
    assert dict(zip([f.name for f in layout.fields], parsed.values, strict=True)) == \
        {k: (v or None) for k, v in layout.parse(line).items()}


def _sample(f: Field) -> object:
    return {"X": "AB", "9": 7, "9V99": 12.5, "D": "20260105", "T": "0930"}[f.type]
