"""Pure logic of GDPR erasure: identifier hashes, PNR redaction, record keys, certificates."""

from __future__ import annotations

import json

import pytest

from privacy.erasure import certificate_file, request_digest, seal
from privacy.erasure_bronze import by_kind
from privacy.erasure_purge import joined_key
from privacy.erasure_records import CustomerRecords, keys_per_table
from privacy.exclusions import identifier_hash, passenger_is_erased, redact_booking

KEY = b"k" * 32


def test_identifier_hash_ignores_spelling_but_not_kind_or_key():
    assert identifier_hash(KEY, "pax", " abc123/1 ") == identifier_hash(KEY, "pax", "ABC123/1")
    assert identifier_hash(KEY, "pax", "ABC123/1") != identifier_hash(KEY, "case", "ABC123/1")
    assert identifier_hash(KEY, "pax", "ABC123/1") != identifier_hash(b"x" * 32, "pax",
                                                                      "ABC123/1")
    assert identifier_hash(KEY, "pax", "  ") is None and identifier_hash(KEY, "pax", None) is None


def _booking(contact_type="passenger"):
    passengers = [{"pax_id": 1, "first_name": "Ann", "loyalty_number": "L1"},
                  {"pax_id": 2, "first_name": "Bob"}]
    ssrs = [{"code": "DOCS", "pax_id": 1, "text": "P/GB/123/ANN"},
            {"code": "VGML", "pax_id": 2}, {"code": "OTHS", "text": "booking-level"}]
    contact = {"type": contact_type, "email": "ann@example.org"}
    payload = {"record_locator": "ABC123", "passengers": passengers, "ssrs": ssrs,
               "contact": contact, "segments": [{"seg_id": 1}]}
    return {"record_locator": "ABC123", "passengers": json.dumps(passengers),
            "ssrs": json.dumps(ssrs), "contact": json.dumps(contact),
            "payload": json.dumps(payload)}


def test_redacting_the_lead_passenger_removes_them_their_ssrs_and_their_contact():
    done = redact_booking(_booking(), lambda loc, p: p["pax_id"] == 1)
    text = json.dumps(done)
    assert not done["delete"] and "Ann" not in text and "ann@example.org" not in text
    assert [p["pax_id"] for p in json.loads(done["passengers"])] == [2]
    assert [s["code"] for s in json.loads(done["ssrs"])] == ["VGML", "OTHS"]
    payload = json.loads(done["payload"])
    assert payload["segments"] == [{"seg_id": 1}] and payload["contact"] is None


def test_an_agency_contact_stays_and_a_co_traveller_keeps_the_booking():
    done = redact_booking(_booking("agency"), lambda loc, p: p["pax_id"] == 2)
    assert json.loads(done["contact"])["type"] == "agency"
    assert [p["first_name"] for p in json.loads(done["passengers"])] == ["Ann"]


def test_a_booking_is_deleted_only_when_every_passenger_is_erased_and_untouched_otherwise():
    assert redact_booking(_booking(), lambda loc, p: True) == {"delete": True}
    assert redact_booking(_booking(), lambda loc, p: False) is None


def test_passengers_are_recognised_by_pax_key_or_loyalty_number():
    by_pax = passenger_is_erased(KEY, {identifier_hash(KEY, "pax", "ABC123/2")})
    by_loyalty = passenger_is_erased(KEY, {identifier_hash(KEY, "loyalty_number", "l1")})
    assert [by_pax("ABC123", p) for p in ({"pax_id": 1}, {"pax_id": 2})] == [False, True]
    assert by_loyalty("XYZ999", {"pax_id": 1, "loyalty_number": "L1"})
    assert not by_loyalty("XYZ999", {"pax_id": 1})


CONF = [{"table": "silver.loyalty_members", "key": "loyalty_number",
         "xref": "silver.loyalty_members", "exclude": {"loyalty_number": "loyalty_number"}},
        {"table": "silver.loyalty_tier_history", "key": "loyalty_number",
         "follows": "silver.loyalty_members"},
        {"table": "silver.pnr_passengers", "key": "pax_key", "xref": "silver.pnr_passengers",
         "timeline": ["silver.pnr_passengers"], "exclude": {"pax": "pax_key"}},
        {"table": "silver.contact_interactions", "key": "interaction_id",
         "timeline": ["silver.contact_interactions"], "exclude": {"interaction": "id"}}]


def test_record_keys_come_from_xref_and_timeline_and_follow_other_tables():
    xref = [{"source_table": "silver.loyalty_members", "record_key": "L1"},
            {"source_table": "silver.pnr_passengers", "record_key": "ABC123/1"}]
    keys = keys_per_table(CONF, xref, {"silver.pnr_passengers": {"XYZ999/2"},
                                       "silver.contact_interactions": {"I-9"}})
    assert keys == {"silver.loyalty_members": {"L1"}, "silver.loyalty_tier_history": {"L1"},
                    "silver.pnr_passengers": {"ABC123/1", "XYZ999/2"},
                    "silver.contact_interactions": {"I-9"}}


def test_identifiers_to_exclude_are_taken_per_kind_from_the_found_rows():
    found = CustomerRecords("C1", {
        "silver.loyalty_members": [{"_key": "L1", "_subject": "L1", "_x_loyalty_number": "L1"}],
        "silver.pnr_passengers": [{"_key": "A/1", "_subject": "A/1", "_x_pax": "A/1"},
                                  {"_key": "B/2", "_subject": "B/2", "_x_pax": None}]})
    assert found.identifiers({"records": CONF}) == {("loyalty_number", "L1"), ("pax", "A/1")}
    assert found.subjects() == {"L1", "A/1", "B/2"}
    assert by_kind(found.identifiers({"records": CONF})) == {"loyalty_number": {"L1"},
                                                              "pax": {"A/1"}}


def test_every_identifier_kind_checked_on_bronze_is_recorded_by_some_silver_table(settings):
    from privacy.exclusions import load_erasure_conf

    conf = load_erasure_conf(settings)
    recorded = {k for e in conf["records"] for k in e.get("exclude", {})}
    checked = {k for kinds in conf["exclusions"].values() for k in kinds} | {"pax"}
    assert checked <= recorded
    tables = {e["table"] for e in conf["records"]}
    assert {e["follows"] for e in conf["records"] if "follows" in e} <= tables


def test_match_keys_normalise_like_the_spark_condition():
    assert joined_key([" abc123 ", 7]) == joined_key(["ABC123", "7"])
    assert joined_key(["A", None]) != joined_key(["A", "None"])


def test_certificate_hash_covers_the_whole_body_and_ignores_key_order():
    body = {"customer_id": "C1", "tables": [{"table": "gold.x", "rows": 2}]}
    assert seal(body)["body_sha256"] == seal(dict(reversed(body.items())))["body_sha256"]
    assert seal(body)["body_sha256"] != seal({**body, "customer_id": "C2"})["body_sha256"]
    assert request_digest("C1", "R1", "dpo", "t") != request_digest("C1", "R2", "dpo", "t")


@pytest.mark.parametrize(("ref", "name"), [("GDPR-2026/17", "erasure_GDPR-2026_17.json"),
                                           ("../../etc", "erasure_.._.._etc.json")])
def test_certificate_file_names_stay_in_their_folder(tmp_path, ref, name):
    path = certificate_file(tmp_path, ref)
    assert path.name == name and path.parent == tmp_path


def _commit(log_dir, version, *actions):
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / f"{version:020d}.json").write_text(
        "\n".join(json.dumps(a) for a in actions) + "\n")


def test_delta_log_facts_come_from_the_newest_commit_that_has_them(tmp_path):
    from privacy import delta_log

    schema = {"fields": [{"name": "customer_id"}, {"name": "score"}]}
    log_dir = tmp_path / "_delta_log"
    _commit(log_dir, 0, {"commitInfo": {"operation": "WRITE"}},
            {"metaData": {"schemaString": json.dumps(schema), "configuration": {}}})
    _commit(log_dir, 1, {"commitInfo": {"operation": "DELETE",
                                        "operationMetrics": {"numDeletedRows": "3"}}},
            {"remove": {"path": "part-0.parquet"}})
    assert delta_log.version(log_dir) == 1
    assert delta_log.columns(log_dir) == ["customer_id", "score"]
    assert delta_log.operation_metrics(log_dir, 1)["numDeletedRows"] == "3"
    assert delta_log.operation_metrics(log_dir, 0) == {}


def test_quarantine_tokens_split_tickets_and_drop_short_parts():
    from privacy.erasure_purge import quarantine_tokens

    ids = {("loyalty_number", "5736155598"), ("ticket", "2K3VVW/1251234567890"),
           ("pax", "2K3VVW/1"), ("interaction", "I-1")}
    assert quarantine_tokens(ids, 6) == ["1251234567890", "2K3VVW", "5736155598"]


def test_token_pattern_matches_whole_tokens_only():
    import re

    from privacy.erasure_purge import token_pattern

    pattern = re.compile(token_pattern(["5736155598", "2K3VVW"]))
    assert pattern.search("5736155598,BLUE,truncated")
    assert pattern.search('{"pnr": "2K3VVW", "x": 1}')
    assert not pattern.search("15736155598,BLUE")  # inside a longer number
    assert not pattern.search("X2K3VVWZ")
