"""Pure transforms of the EDH silver tables on small DataFrames (shared Spark session)."""

from datetime import date, datetime
from decimal import Decimal

from pipelines.silver.flight_ops import (
    transform_ancillaries,
    transform_cabin_forecast,
    transform_flight_legs,
    transform_flight_passengers,
)

LINEAGE = {"_source_file": "file:/l/edh_x_2026-01-02.txt", "_ingested_at": datetime(2026, 1, 2),
           "_batch_id": "b0"}
LEG = {"record_type": "FL", "carrier": "MR", "flight_number": "00601", "flight_date": "20260101",
       "origin": "ACC", "destination": "AMS", "sched_dep": "2337", "sched_arr": "0638",
       "status": "Delay", "delay_minutes": "0045", "delay_cause": "93", "gate": "g36",
       "diverted_to": None, "seats": "314"}
PAX = {"record_type": "PX", "carrier": "MR", "flight_number": "01623", "flight_date": "20260101",
       "origin": "AMS", "destination": "VCE", "record_locator": "stnelb",
       "ticket_number": "9997746693830", "surname": "GRECO-FERRARI", "given_name": "FEDERICA",
       "cabin": "Y", "rbd": "Y", "seat": "1F", "flown_status": "IR", "rebooked_from": "20251231",
       "bag_count": "2", "bag_tag_1": "0999444380", "bag_tag_2": None, "bag_tag_3": "0999444381",
       "loyalty_number": "3398341978"}


def bronze(spark, rows, base):
    """Bronze-shaped rows: every source column as text, plus lineage."""
    data = [{**base, **LINEAGE, "_line": i + 1, **row} for i, row in enumerate(rows)]
    columns = list(data[0])
    types = {"_ingested_at": "timestamp", "_line": "int"}
    schema = ", ".join(f"{c} {types.get(c, 'string')}" for c in columns)
    return spark.createDataFrame([tuple(r[c] for c in columns) for r in data], schema)


def test_leg_arriving_after_midnight_is_scheduled_next_day_in_utc(spark):
    legs, rejects = transform_flight_legs(bronze(spark, [{}], LEG))
    row = legs.collect()[0]
    assert rejects.count() == 0
    assert (row.carrier, row.flight_number, row.flight_date, row.status, row.gate) == (
        "MR", "MR601", date(2026, 1, 1), "delayed", "G36")
    assert (row.scheduled_departure_at, row.scheduled_arrival_at) == (
        datetime(2026, 1, 1, 23, 37), datetime(2026, 1, 2, 6, 38))
    assert (row.arrival_delay_minutes, row.delay_cause_code, row.seats) == (45, "93", 314)


def test_leg_statuses_are_normalised_and_unknown_ones_rejected(spark):
    legs, rejects = transform_flight_legs(bronze(spark, [
        {"status": "On Time"}, {"status": "CANCELLED", "flight_number": "00602"},
        {"status": "Diverted", "diverted_to": "CDG", "flight_number": "00603"},
        {"status": "Diverted", "diverted_to": "BRU", "flight_number": "00606"},
        {"status": "Boarding", "flight_number": "00604"},
        {"destination": "XXX", "flight_number": "00605"}], LEG))
    assert sorted(r.status for r in legs.collect()) == ["cancelled", "diverted", "on_time"]
    assert sorted((r.field, r.reason, r.raw) for r in rejects.collect()) == [
        ("destination", "destination_iata_known", "MR605/2026-01-01"),
        ("diverted_to", "diverted_to_iata_known", "MR606/2026-01-01"),
        ("status", "status_known", "MR604/2026-01-01")]


def test_passenger_keeps_bag_tags_as_array_and_decodes_flown_status(spark):
    pax, rejects = transform_flight_passengers(bronze(spark, [{}], PAX))
    row = pax.collect()[0]
    assert rejects.count() == 0
    assert (row.record_locator, row.pax_key, row.surname, row.given_name) == (
        "STNELB", "STNELB/9997746693830", "Greco-Ferrari", "Federica")
    assert (row.flown_status, row.rebooked_from, row.bag_tags, row.loyalty_number) == (
        "involuntarily_rebooked", date(2025, 12, 31), ["0999444380", "0999444381"],
        "3398341978")


def test_passenger_without_ticket_or_known_status_is_rejected(spark):
    _, rejects = transform_flight_passengers(bronze(spark, [
        {"ticket_number": None}, {"flown_status": "XX"}], PAX))
    assert sorted(r.reason for r in rejects.collect()) == [
        "flown_status_known", "ticket_number_not_null"]


def test_ancillary_price_has_two_implied_decimals_and_iso_currency(spark):
    base = {"record_type": "AN", "record_locator": "KGT8R4", "ticket_number": "9993379087686",
            "carrier": "MR", "flight_number": "00788", "flight_date": "20260101",
            "ancillary_code": "xbag", "price": "0005550", "currency": "EUR",
            "status": "fulfilled"}
    rows, rejects = transform_ancillaries(bronze(spark, [{}, {"currency": "EU$"}], base))
    row = rows.collect()[0]
    assert (row.flight_number, row.ancillary_code, row.price) == ("MR788", "XBAG",
                                                                  Decimal("55.50"))
    assert [r.reason for r in rejects.collect()] == ["currency_iso4217"]


def test_forecast_load_factor_is_a_percentage(spark):
    base = {"record_type": "FC", "carrier": "MR", "flight_number": "01000",
            "flight_date": "20260102", "origin": "ABZ", "destination": "AMS", "cabin": "Y",
            "rbd": "B", "capacity": "100", "expected_load": "005", "load_factor": "06720",
            "forecast_date": "20260101"}
    rows, rejects = transform_cabin_forecast(bronze(spark, [{}, {"cabin": "F"}], base))
    row = rows.collect()[0]
    assert (row.load_factor_pct, row.capacity, row.expected_load, row.forecast_date) == (
        Decimal("67.20"), 100, 5, date(2026, 1, 1))
    assert [r.reason for r in rejects.collect()] == ["cabin_known"]
