"""Card numbers in the shapes feeds carry them; airline numbers that only look like them."""

import pytest

from privacy.pci import scrub_pan


@pytest.mark.parametrize("text,expected", [
    ("2 bags, card 4111 1111 1111 1111 30 EUR", "2 bags, card [PAN-REDACTED-1111] 30 EUR"),
    ("x 4111 1111 1111 1111 22 y", "x [PAN-REDACTED-1111] 22 y"),       # run fails Luhn as a whole
    ("on 2026-01-05 5500-0055-5555-5559.", "on 2026-01-05 [PAN-REDACTED-5559]."),
    ("CC-4111111111111111", "CC-[PAN-REDACTED-1111]"),
    ("amex 3782 822463 10005", "amex [PAN-REDACTED-0005]"),
    ("4111111111111111 5500005555555559", "[PAN-REDACTED-1111] [PAN-REDACTED-5559]"),
    ("visa13 4222222222222", "visa13 [PAN-REDACTED-2222]"),
])
def test_card_numbers_next_to_other_numbers_are_redacted(text, expected):
    assert scrub_pan(text)[0] == expected


@pytest.mark.parametrize("text", [
    "9992855753261",                # IATA e-ticket number, Luhn-valid by chance
    "+5515336924040",               # international phone number, Luhn-valid by chance
    "0012345678903",                # leading zero: no card starts with 0
    "4111111111111112",             # not Luhn-valid
    "12345678901234567890123",      # longer than any PAN
])
def test_airline_numbers_that_pass_luhn_are_kept(text):
    assert scrub_pan(text) == (text, 0)
