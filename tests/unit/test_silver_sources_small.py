"""Pure transforms of the contact-centre, purchase, baggage, compensation and social silver
tables on small DataFrames (shared Spark session)."""

import json
from datetime import date, datetime
from decimal import Decimal

from pipelines.silver.baggage import transform_baggage_reports
from pipelines.silver.compensation import transform_compensation_payouts
from pipelines.silver.contact_centre import transform_contact_interactions
from pipelines.silver.purchases import transform_purchase_lines
from pipelines.silver.social import transform_social_posts

LINEAGE = {"_source_file": "file:/l/x_2026-01-02.jsonl", "_ingested_at": datetime(2026, 1, 2),
           "_batch_id": "b0"}


def bronze(spark, rows, base):
    """Bronze-shaped rows: every source column as text (JSON objects as JSON), plus lineage."""
    data = [{**base, **LINEAGE, "_line": i + 1, **row} for i, row in enumerate(rows)]
    data = [{k: json.dumps(v) if isinstance(v, dict) else v for k, v in r.items()} for r in data]
    columns = list(data[0])
    types = {"_ingested_at": "timestamp", "_line": "int"}
    schema = ", ".join(f"{c} {types.get(c, 'string')}" for c in columns)
    return spark.createDataFrame([tuple(r[c] for c in columns) for r in data], schema)


CALL = {"interaction_id": "IXD0624009004", "channel": "Call",
        "started_at": "2026-01-01T16:58:49+01:00", "ended_at": "2026-01-01T17:02:34+01:00",
        "agent_id": "AG0100", "reason": "disruption_cancellation", "csat": "2",
        "customer": {"name": "FRANCESCA ROMANO", "phone": "0039 202 764 3296",
                     "email": " FRomano@Outlook.com", "loyalty_number": None,
                     "social_handle": None},
        "record_locator": "vxae6b", "transcript": "Agent: Meridian Air, how can I help?"}


def test_interaction_is_in_utc_with_duration_and_e164_phone(spark):
    rows, rejects = transform_contact_interactions(bronze(spark, [CALL], CALL))
    row = rows.collect()[0]
    assert rejects.count() == 0
    assert (row.channel, row.started_at, row.duration_seconds, row.topic) == (
        "call", datetime(2026, 1, 1, 15, 58, 49), 225, "disruption_cancellation")
    assert (row.customer_name, row.email, row.phone, row.phone_is_e164, row.record_locator) == (
        "Francesca Romano", "fromano@outlook.com", "+392027643296", True, "VXAE6B")


def test_interaction_with_unknown_channel_is_rejected(spark):
    _, rejects = transform_contact_interactions(bronze(spark, [{"channel": "pigeon"}], CALL))
    assert [(r.field, r.reason, r.raw) for r in rejects.collect()] == [
        ("channel", "channel_known", "IXD0624009004")]


LINE = {"purchase_id": "IF64248746883", "line_no": "2", "channel": "inflight",
        "purchased_at": "2026-01-01T16:04:03+01:00", "loyalty_number": "", "customer_name":
        "Matteo Ferrari", "email": "", "flight_number": "MR1623", "flight_date": "2026-01-01",
        "seat": "14A", "sku": "DRK-02", "item_name": "Champagne", "quantity": "2",
        "unit_price": "12.00", "amount": "24.00", "currency": "eur",
        "card_token": "tok_f15ffb42536c", "shipment_carrier": "", "tracking_number": "",
        "shipped_at": "", "invoice_number": "", "promo_code": None}


def test_purchase_keeps_tokens_and_drops_anything_else_in_the_token_field(spark):
    rows, _ = transform_purchase_lines(bronze(spark, [
        {}, {"line_no": "3", "card_token": "[PAN-REDACTED-1234]"},
        {"line_no": "4", "card_token": "4111111111111111"}], LINE))
    got = sorted((r.line_no, r.card_token, r.card_token_rejected) for r in rows.collect())
    assert got == [(2, "tok_f15ffb42536c", False), (3, None, True), (4, None, True)]
    row = rows.where("line_no = 2").first()
    assert (row.amount, row.currency, row.loyalty_number, row.email, row.flight_date) == (
        Decimal("24.00"), "EUR", None, None, date(2026, 1, 1))


def test_purchase_with_unknown_currency_or_no_amount_is_rejected(spark):
    _, rejects = transform_purchase_lines(bronze(spark, [
        {"currency": "EURO"}, {"line_no": "3", "amount": "n/a"}], LINE))
    assert sorted((r.reason, r.raw) for r in rejects.collect()) == [
        ("amount_parseable", "IF64248746883/3"), ("currency_iso4217", "IF64248746883/2")]


BAG = {"report_id": "AMSMR0000000001", "reported_at": "2026-01-01T09:00:00+01:00",
       "station": "ams", "report_type": "delayed", "bag_tag": "0999022504",
       "record_locator": "PBSASD", "flight_number": "MR 723", "flight_date": "2026-01-01",
       "passenger_name": "CHEN/HUI", "phone": "+1 214 555 0100", "email": "hui@example.com",
       "delivery_address": "1 Main St, 75201 Dallas", "bag_description": "red duffel bag",
       "status": "OPEN"}


def test_baggage_report_splits_the_name_and_checks_the_station(spark):
    rows, rejects = transform_baggage_reports(bronze(spark, [{}, {"report_id": "X2",
                                                                  "station": "ZZZ"}], BAG))
    row = rows.collect()[0]
    assert (row.last_name, row.first_name, row.station, row.report_type, row.flight_number) == (
        "Chen", "Hui", "AMS", "DELAYED", "MR723")
    assert (row.reported_at, row.phone) == (datetime(2026, 1, 1, 8), "+12145550100")
    assert [(r.reason, r.raw) for r in rejects.collect()] == [("station_iata_known", "X2")]


PAYOUT = {"payout_id": "PO14703751493", "paid_on": "2026-01-04",
          "beneficiary_name": "Jana Schneider", "iban": "DE88 BANK 4421 6619 8084",
          "amount": "250.00", "currency": "EUR", "reason": "EU261_CANCELLATION",
          "flight_number": "MR1493", "flight_date": "2025-11-27", "record_locator": "HN4VZU",
          "ticket_number": "9998386208928"}


def test_payout_reason_splits_into_regime_and_cause(spark):
    rows, rejects = transform_compensation_payouts(bronze(spark, [
        {}, {"payout_id": "PO2", "reason": "GOODWILL_VOUCHER"},
        {"payout_id": "PO3", "reason": "REFUND"}], PAYOUT))
    got = sorted((r.payout_id, r.regime, r.cause) for r in rows.collect())
    assert got == [("PO14703751493", "eu261", "cancellation"), ("PO2", "goodwill", "voucher")]
    row = rows.where("payout_id = 'PO14703751493'").first()
    assert (row.paid_at, row.amount, row.iban) == (datetime(2026, 1, 4), Decimal("250.00"),
                                                   "DE88BANK442166198084")
    assert [(r.field, r.reason) for r in rejects.collect()] == [("reason", "regime_known")]


POST = {"post_id": "SB54155580146", "platform": "Instagram",
        "posted_at": "2026-01-04T09:23:33+01:00", "handle": "@User1237817341",
        "display_name": "Katherine", "text": "boarding mr1763 now, see you Amsterdam",
        "likes": "0", "reposts": "3"}


def test_post_names_the_flight_it_mentions(spark):
    rows, rejects = transform_social_posts(bronze(spark, [
        {}, {"post_id": "SB2", "text": "is 5 hours late again"}, {"post_id": "SB3",
                                                                   "handle": None}], POST))
    got = sorted((r.post_id, r.mentioned_flight_number) for r in rows.collect())
    assert got == [("SB2", None), ("SB54155580146", "MR1763")]
    row = rows.where("post_id = 'SB54155580146'").first()
    assert (row.platform, row.social_handle, row.posted_at, row.reposts) == (
        "instagram", "@user1237817341", datetime(2026, 1, 4, 8, 23, 33), 3)
    assert [r.reason for r in rejects.collect()] == ["social_handle_not_null"]
