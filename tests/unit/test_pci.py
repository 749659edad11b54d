import pytest

from privacy.pci import luhn_valid, scrub_pan


@pytest.mark.parametrize("digits,valid", [
    ("4111111111111111", True),
    ("5500005555555559", True),
    ("378282246310005", True),
    ("4111111111111112", False),
    ("1234567890123", False),
])
def test_luhn(digits, valid):
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize("text", [
    "card 4111 1111 1111 1111 please",
    "paid with 5500-0055-5555-5559.",
    "amex:378282246310005",
    "4111111111111111",
])
def test_card_numbers_are_redacted_keeping_last_four(text):
    scrubbed, found = scrub_pan(text)
    assert found == 1
    assert "[PAN-REDACTED-" in scrubbed
    digits_left = "".join(ch for ch in scrubbed if ch.isdigit())
    assert len(digits_left) == 4


@pytest.mark.parametrize("text", [
    "call +44 20 7946 0958",          # phone number
    "e-ticket 1762345678901",          # 13 digits, not Luhn-valid
    "booking ref ABC123 on 2026-01-05",
    "",
])
def test_non_card_text_is_left_alone(text):
    assert scrub_pan(text) == (text, 0)
