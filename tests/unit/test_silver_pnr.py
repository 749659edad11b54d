"""Pure transforms of silver PNRs on small DataFrames (shared Spark session)."""

import json
from datetime import date, datetime

from pipelines.silver.pnr import (
    impossible_dob_warnings,
    latest_bookings,
    transform_pnr_bookings,
    transform_pnr_passengers,
    transform_pnr_segments,
)

COLUMNS = ["record_locator", "created_at", "channel", "office_id", "passengers", "segments",
           "ssrs", "contact", "form_of_payment", "_source_file", "_line", "_ingested_at",
           "_batch_id"]
PAX = [{"pax_id": 1, "first_name": "ANNA", "last_name": "de  jong", "type": "ADT",
        "loyalty_number": " ly1 ", "ticket_number": "999-4048574726"},
       {"pax_id": 2, "first_name": "Piet", "last_name": "Jong", "type": "CHD",
        "loyalty_number": None, "ticket_number": "9994048574727"}]
SEG = {"seg_id": 1, "carrier": "MR", "flight_number": "MR 1493", "origin": "ams",
       "destination": "LHR", "departure_date": "2026-07-01", "departure_time": "12:00",
       "cabin": "Y", "rbd": "K", "status": "HK", "fare": {"amount": 138.64, "currency": "eur"}}
DOCS = {"code": "DOCS", "pax_id": 1, "text": "P/NL/np 123456/NL/19SEP51/F/DE JONG/ANNA"}
CONTACT = {"type": "passenger", "email": " Anna@Example.ORG ", "phone": "06 12345678"}
FOP = {"type": "CC", "brand": "VI", "masked_pan": "XXXXXXXXXXXX1965", "card_token": "tok_1"}


def _bronze(spark, rows):
    base = {"record_locator": "ABC123", "created_at": "2026-01-02T05:55:08+01:00",
            "channel": "Web", "office_id": "amsmr08aa", "passengers": PAX, "segments": [SEG],
            "ssrs": [DOCS], "contact": CONTACT, "form_of_payment": FOP,
            "_source_file": "file:/l/pnr_2026-01-02.jsonl", "_ingested_at": datetime(2026, 1, 2),
            "_batch_id": "b0"}
    data = []
    for i, row in enumerate(rows):
        r = {**base, "_line": i + 1, **row}
        data.append(tuple(json.dumps(r[c]) if isinstance(r[c], list | dict) else r[c]
                          for c in COLUMNS))
    types = {"_ingested_at": "timestamp", "_line": "int"}
    return spark.createDataFrame(data, ", ".join(f"{c} {types.get(c, 'string')}"
                                                 for c in COLUMNS))


def test_booking_is_typed_in_utc_without_card_data(spark):
    bookings, rejects = transform_pnr_bookings(_bronze(spark, [{}]))
    row = bookings.collect()[0]
    assert rejects.count() == 0
    assert (row.created_at, row.channel, row.office_id, row.fop_type, row.is_agency_contact) == (
        datetime(2026, 1, 2, 4, 55, 8), "web", "AMSMR08AA", "CC", False)
    assert "1965" not in str(row.asDict()) and "tok_1" not in str(row.asDict())


def test_replayed_locator_keeps_the_copy_landed_last(spark):
    bookings, _ = transform_pnr_bookings(_bronze(spark, [
        {"channel": "web", "_source_file": "file:/l/pnr_2026-01-03.jsonl"},
        {"channel": "app", "_source_file": "file:/l/pnr_2026-01-02.jsonl"},  # late, older day
        {"channel": "web", "_source_file": "file:/l/pnr_2026-01-03.jsonl"},  # duplicate line
    ]))
    kept = latest_bookings(bookings).collect()
    assert [(r.channel, r._line) for r in kept] == [("web", 3)]


def test_unreadable_booking_is_quarantined_with_the_check_name(spark):
    _, rejects = transform_pnr_bookings(_bronze(spark, [
        {"record_locator": None}, {"created_at": "yesterday"}, {"passengers": "[{broken"}]))
    assert sorted(r.reason for r in rejects.collect()) == [
        "created_at_parseable", "passengers_parseable", "record_locator_not_null"]


def test_unknown_airport_and_currency_go_to_quarantine(spark):
    bookings, _ = transform_pnr_bookings(_bronze(spark, [{"segments": [
        SEG, {**SEG, "seg_id": 2, "origin": "XXX"},
        {**SEG, "seg_id": 3, "fare": {"amount": 10, "currency": "EURO"}}]}]))
    segments, rejects = transform_pnr_segments(bookings)
    assert [(r.reason, r.raw) for r in rejects.orderBy("raw").collect()] == [
        ("origin_iata_known", "ABC123/2"), ("fare_currency_iso4217", "ABC123/3")]
    row = segments.collect()[0]
    assert (row.origin, row.flight_number, row.fare_currency, str(row.fare_amount),
            row.departure_at_utc) == ("AMS", "MR1493", "EUR", "138.64", datetime(2026, 7, 1, 10))


def test_passenger_gets_docs_contact_and_e164_phone(spark):
    bookings, _ = transform_pnr_bookings(_bronze(spark, [{}]))
    pax, rejects = transform_pnr_passengers(bookings)
    lead, child = pax.orderBy("pax_id").collect()
    assert rejects.count() == 0
    assert (lead.pax_key, lead.first_name, lead.last_name, lead.loyalty_number,
            lead.ticket_number) == ("ABC123/1", "Anna", "De Jong", "LY1", "9994048574726")
    assert (lead.passport_number, lead.date_of_birth, lead.nationality) == (
        "NP123456", date(1951, 9, 19), "NL")
    assert (lead.email, lead.phone, lead.phone_is_e164) == (
        "anna@example.org", "+31612345678", True)
    assert (child.email, child.phone, child.passport_number) == (None, None, None)


def test_two_digit_birth_year_of_a_child_is_this_century(spark):
    docs = {**DOCS, "text": "P/NL/NP1/NL/15APR25/M/JONG/PIET"}
    bookings, _ = transform_pnr_bookings(_bronze(spark, [{"ssrs": [docs]}]))
    pax, _ = transform_pnr_passengers(bookings)
    assert pax.where("pax_id = 1").first().date_of_birth == date(2025, 4, 15)


def test_impossible_docs_birth_date_becomes_null_and_a_warning_not_a_crash(spark):
    docs = {**DOCS, "text": "P/NL/NP1/NL/31FEBXX/M/JONG/PIET"}
    bookings, _ = transform_pnr_bookings(_bronze(spark, [{"ssrs": [docs]}]))
    pax, _ = transform_pnr_passengers(bookings)
    lead = pax.where("pax_id = 1").first()
    assert lead.passport_number == "NP1" and lead.date_of_birth is None
    assert [r.reason for r in impossible_dob_warnings(pax).collect()] == [
        "warning:date_of_birth_valid"]


def test_passenger_without_name_is_quarantined(spark):
    bookings, _ = transform_pnr_bookings(_bronze(spark, [{"passengers": [
        {**PAX[0], "last_name": " "}]}]))
    _, rejects = transform_pnr_passengers(bookings)
    assert [(r.reason, r.raw) for r in rejects.collect()] == [
        ("passenger_name_not_null", "ABC123/1")]


def test_protected_passengers_keep_no_clear_pii(spark, settings, tmp_path):
    from pipelines.silver.pnr import PII, protect_passengers

    local = settings.with_overrides({"paths.lake": str(tmp_path / "lake")})
    bookings, _ = transform_pnr_bookings(_bronze(spark, [{}]))
    pax, _ = transform_pnr_passengers(bookings)
    protected = protect_passengers(pax, local)
    assert not set(PII) & set(protected.columns)
    row = protected.where("pax_id = 1").first().asDict()
    assert isinstance(row["last_name_enc"], bytearray | bytes)
    assert row["email_bidx"] and row["name_dob_bidx"] and row["passport_number_bidx"]
    text = str(row)
    assert not any(v in text for v in ("Anna", "Jong", "anna@example.org", "NP123456",
                                       "31612345678", "1951"))
