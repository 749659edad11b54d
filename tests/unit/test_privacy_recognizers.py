"""Each recognizer against tables of text it must find and text it must leave alone.

The tables run through the analyzer built from ``conf/privacy/recognizers.yaml`` (threshold,
context words and overlap rules included), because that is what a scan reports.
"""

from __future__ import annotations

import pytest

KNOWN = ["Francesca Romano", "Paweł Wiśniewski", "Federica Greco-Ferrari", "Lotte Visser"]

MUST_MATCH = [
    # (entity type, text, the exact span that must be reported)
    ("EMAIL_ADDRESS", "write to anna.jansen@ziggo.nl today", "anna.jansen@ziggo.nl"),
    ("EMAIL_ADDRESS", "Email: pawel.wisniewski@gmx.de", "pawel.wisniewski@gmx.de"),
    ("EMAIL_ADDRESS", "my mail is j_smith+air@company.co.uk.", "j_smith+air@company.co.uk"),
    ("PHONE_NUMBER", "Can I reach you on +39 202 764 3296?", "+39 202 764 3296"),
    ("PHONE_NUMBER", "call me back on +31648705417 please", "+31648705417"),
    ("PHONE_NUMBER", "my number is 0031731077696, thanks", "0031731077696"),
    ("PHONE_NUMBER", "phone 020 555 0123 after six", "020 555 0123"),
    ("CREDIT_CARD", "Just charge my card, the number is 4111 1111 1111 1111.",
     "4111 1111 1111 1111"),
    ("CREDIT_CARD", "2 bags, card 5500-0055-5555-5559 30 EUR", "5500-0055-5555-5559"),
    ("CREDIT_CARD", "refund to 4012888888881881 please", "4012888888881881"),
    ("IBAN_CODE", "refund to IBAN NL91 ABNA 0417 1643 00 please", "NL91 ABNA 0417 1643 00"),
    ("IBAN_CODE", "bank account DE89370400440532013000", "DE89370400440532013000"),
    ("IP_ADDRESS", "the app logged me in from 192.168.1.20 twice", "192.168.1.20"),
    ("IP_ADDRESS", "ip 2001:db8::8a2e:370:7334 blocked", "2001:db8::8a2e:370:7334"),
    ("PNR_LOCATOR", "My booking reference is VXAE6B.", "VXAE6B"),
    ("PNR_LOCATOR", "my booking ref is vxae6b", "vxae6b"),
    ("PNR_LOCATOR", "PNR: PGSTUT", "PGSTUT"),
    ("PNR_LOCATOR", "booking K7QM2X was changed", "K7QM2X"),
    ("PNR_LOCATOR", "My booking reference is AN2463.", "AN2463"),
    ("PNR_LOCATOR", "I WANT A REFUND. MY BOOKING REFERENCE IS PGSTUT", "PGSTUT"),
    ("E_TICKET", "e-ticket 999-1234567890 was not issued", "999-1234567890"),
    ("E_TICKET", "my ticket number is 9991234567890", "9991234567890"),
    ("E_TICKET", "the e-ticket number is 999 6918451614 and", "999 6918451614"),
    ("PASSPORT", "my passport number is UP8642157", "UP8642157"),
    ("PASSPORT", "passport: X1234567 expires soon", "X1234567"),
    ("PASSPORT", "travel document NW1234567", "NW1234567"),
    ("LOYALTY_NUMBER", "member number 3704013899 has no points", "3704013899"),
    ("LOYALTY_NUMBER", "my loyalty no. is 5778476670", "5778476670"),
    ("LOYALTY_NUMBER", "points missing on 4929657130", "4929657130"),
    ("PERSON", "Hi, this is Francesca Romano.", "Francesca Romano"),
    ("PERSON", "hi, this is francesca romano, my flight", "francesca romano"),
    ("PERSON", "MY NAME IS FRANCESCA ROMANO AND I AM ANGRY", "FRANCESCA ROMANO"),
    ("PERSON", "Yours faithfully, Pawel Wisniewski", "Pawel Wisniewski"),
    ("PERSON", "I WANT MY MONEY BACK. PAWEL WISNIEWSKI, WARSAW", "PAWEL WISNIEWSKI"),
    ("PERSON", "signed Greco-Ferrari Federica", "Greco-Ferrari Federica"),
    ("PERSON", "Meridian Air, Anna speaking, how can I help?", "Anna"),
    ("PERSON", "Please pass this to Mr O'Brien.", "O'Brien"),
    ("PERSON", "Special thanks to Priya for the upgrade.", "Priya"),
    ("PERSON", "Joost at the gate was wonderful.", "Joost"),
    ("PERSON", "Kind regards, Manon Dubois", "Manon Dubois"),
    ("PERSON", "my name is Jan van der Berg and I fly weekly", "Jan van der Berg"),
    ("PERSON", "the booking was made by my wife Emma Smith.", "Emma Smith"),
    ("PERSON", "I demand an explanation. Shame on you. Manuel López", "Manuel López"),
]

MUST_NOT = [
    # (entity type, text that holds no entity of that type)
    ("EMAIL_ADDRESS", "meet me @ the gate"),
    ("EMAIL_ADDRESS", "thanks @MeridianAir for nothing"),
    ("EMAIL_ADDRESS", "user@localhost is not an address"),
    ("PHONE_NUMBER", "the delay on MR1455 was 189 minutes"),
    ("PHONE_NUMBER", "I want my 250 EUR back"),
    ("PHONE_NUMBER", "cancelled on 2026-01-03 at 14:35"),
    ("CREDIT_CARD", "card 4111 1111 1111 1112 is wrong"),
    ("CREDIT_CARD", "e-ticket 1762345678901"),
    ("CREDIT_CARD", "call +5515336924040"),
    ("IBAN_CODE", "NL91 ABNA 0417 1643 01 has a bad checksum"),
    ("IP_ADDRESS", "version 1.2.3 of the app"),
    ("IP_ADDRESS", "300.1.1.1 is not an address"),
    ("PNR_LOCATOR", "my flight MR1507 from Venice to Amsterdam"),
    ("PNR_LOCATOR", "booking on KL1234 and BA287X"),
    ("PNR_LOCATOR", "PLEASE CALL ME BACK, MY BOOKING IS A MESS"),
    ("PNR_LOCATOR", "the lounge in Lisbon was lovely"),
    ("PNR_LOCATOR", "booking reference is please"),
    ("PNR_LOCATOR", "NOBODY OFFERED A VOUCHER. DO BETTER. MY BOOKING WAS A MESS"),
    ("E_TICKET", "order 1234567890123 shipped"),
    ("E_TICKET", "9991234567 is ten digits"),
    ("E_TICKET", "ticket 999 6918451614 5 is not one number"),
    ("PASSPORT", "seat 12A and gate B12 at terminal 2"),
    ("PASSPORT", "the postcode is 1012AB"),
    ("LOYALTY_NUMBER", "member number 3704013898 has no points"),  # fails Luhn
    ("LOYALTY_NUMBER", "call +3704013899"),
    ("LOYALTY_NUMBER", "order 0123456789"),
    ("PERSON", "Dear Sir or Madam, This Is Unacceptable."),
    ("PERSON", "Staff at the desk had no information."),
    ("PERSON", "my flight to New York was cancelled"),
    ("PERSON", "Hello, Please reimburse my hotel costs."),
    ("PERSON", "Francesca was lovely"),  # a lone given name is not on the deny-list
    ("PERSON", "write to lotte.visser@orange.fr"),  # the name inside an e-mail is the e-mail
]


@pytest.fixture(scope="module")
def analyzer():
    from privacy.analyzer import build_analyzer, load_registry

    return build_analyzer(load_registry(), KNOWN)


def _found(analyzer, text):
    return [(e.type, text[e.start:e.end]) for e in analyzer.analyze(text)]


@pytest.mark.parametrize("entity,text,span", MUST_MATCH)
def test_recognizer_finds_its_entity(analyzer, entity, text, span):
    assert (entity, span) in _found(analyzer, text)


@pytest.mark.parametrize("entity,text", MUST_NOT)
def test_recognizer_leaves_look_alikes_alone(analyzer, entity, text):
    assert entity not in [kind for kind, _ in _found(analyzer, text)]


def test_every_registry_recognizer_has_both_tables():
    from privacy.analyzer import load_registry
    from privacy.recognizers import MODULES

    entities = {MODULES[name].ENTITY for name in load_registry()["recognizers"]}
    assert entities <= {e for e, *_ in MUST_MATCH}
    assert entities <= {e for e, _ in MUST_NOT}


def test_overlapping_results_keep_the_stronger():
    from privacy.analyzer import Entity, resolve_overlaps

    card = Entity("CREDIT_CARD", 5, 21, 0.95, "card")
    ticket = Entity("E_TICKET", 5, 18, 0.95, "eticket")
    weak = Entity("PNR_LOCATOR", 30, 36, 0.4, "pnr")
    person = Entity("PERSON", 28, 40, 0.6, "heuristic")
    kept = resolve_overlaps([ticket, weak, card, person], ["CREDIT_CARD", "E_TICKET"])
    assert kept == [card, person]


def test_disabled_recognizer_reports_nothing():
    from privacy.analyzer import build_analyzer, load_registry

    conf = load_registry()
    conf["recognizers"]["email"] = {"enabled": False}
    assert _found(build_analyzer(conf), "mail anna@ziggo.nl") == []


def test_unknown_recognizer_or_pattern_name_is_a_clear_error():
    from pipelines.errors import LakehouseError
    from privacy.analyzer import build_analyzer, load_registry

    conf = load_registry()
    conf["recognizers"]["pnr"]["scores"] = {"no such pattern": 0.5}
    with pytest.raises(LakehouseError, match="pnr"):
        build_analyzer(conf)
    conf = load_registry()
    conf["recognizers"]["fax"] = {}
    with pytest.raises(LakehouseError, match="fax"):
        build_analyzer(conf)
