"""Trino security files rendered from conf/privacy/trino_access.yaml, and query-event auditing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.config import REPO_ROOT
from pipelines.errors import LakehouseError
from pipelines.services.trino_security import (
    ensure_certificate,
    group_file,
    hash_password,
    load_access,
    password_file,
    password_matches,
    rules_json,
)
from privacy.audit import chain_rows, first_broken
from privacy.query_audit import DENIED, QUERY, audit_entry, read_new_lines

ACCESS = REPO_ROOT / "conf" / "privacy" / "trino_access.yaml"
EVENTS = json.loads((Path(__file__).parent / "data" / "trino_query_events.json").read_text())


def _rules() -> dict:
    return json.loads(rules_json(load_access(ACCESS), "delta"))


def _first_table_rule(rules: dict, group: str, schema: str, table: str) -> dict | None:
    """What Trino does: the first table rule whose principal and names match applies."""
    import re

    for rule in rules["tables"]:
        who = rule.get("group") or rule.get("user")
        if who is None or not re.fullmatch(who, group):
            continue
        if re.fullmatch(rule.get("schema", ".*"), schema) and re.fullmatch(
                rule.get("table", ".*"), table):
            return rule
    return None


def test_the_shipped_access_file_has_the_five_roles_and_a_service_login():
    access = load_access(ACCESS)
    assert {"analyst", "marketing", "dpo", "cmp_service", "partner"} <= set(access.roles)
    assert access.roles_of(access.service_login) == ("service",)
    assert access.roles["partner"] == ()


def test_analyst_rule_masks_identifiers_and_is_evaluated_as_the_service():
    rule = _first_table_rule(_rules(), "analyst", "gold", "dim_customer")
    masks = {c["name"]: c for c in rule["columns"]}
    assert masks["loyalty_number"]["mask"] == "if(loyalty_number IS NULL, NULL, '**********')"
    assert masks["loyalty_number"]["mask_environment"] == {"user": "lakehouse"}
    assert rule["privileges"] == ["SELECT"]


def test_first_match_gives_the_outbox_its_own_masks_before_the_gold_wildcard():
    rule = _first_table_rule(_rules(), "analyst", "gold", "compensation_outbox")
    assert {c["name"] for c in rule["columns"]} >= {"message", "explanation"}


def test_marketing_rows_are_filtered_by_consent_and_other_tables_are_not_matched():
    rules = _rules()
    rule = _first_table_rule(rules, "marketing", "gold", "dim_customer")
    assert "consent_marketing_email" in rule["filter"]
    assert rule["filter_environment"] == {"user": "lakehouse"}
    assert _first_table_rule(rules, "marketing", "gold", "fct_bookings") is None
    assert _first_table_rule(rules, "marketing", "ops", "audit_log") is None


def test_cmp_service_reads_scores_only_and_partner_nothing():
    rules = _rules()
    assert _first_table_rule(rules, "cmp_service", "gold", "customer_scores") is not None
    assert _first_table_rule(rules, "cmp_service", "gold", "dim_customer") is None
    assert _first_table_rule(rules, "partner", "gold", "dim_customer") is None
    catalog_rule = next(r for r in rules["catalogs"]
                        if "group" not in r and "user" not in r)
    assert catalog_rule["allow"] == "none"  # the catch-all: no catalog for anyone unlisted


def test_dpo_reads_the_audit_log():
    assert _first_table_rule(_rules(), "dpo", "ops", "audit_log") is not None


def test_group_file_lists_members_per_role():
    text = group_file(load_access(ACCESS))
    assert "analyst:analyst\n" in text and "service:lakehouse\n" in text


def test_undefined_role_and_missing_service_login_are_named(tmp_path):
    bad = tmp_path / "access.yaml"
    bad.write_text("service_login: svc\nlogins: {svc: [service], ann: [analysts]}\n"
                   "roles: {analyst: {tables: []}}\n")
    with pytest.raises(LakehouseError, match="ann.*analysts"):
        load_access(bad)
    bad.write_text("service_login: svc\nlogins: {svc: [analyst]}\nroles: {analyst: {}}\n")
    with pytest.raises(LakehouseError, match="service_login 'svc'"):
        load_access(bad)
    bad.write_text("service_login: svc\nlogins: {svc: [service]}\n"
                   "roles: {analyst: {tables: [{schema: gold, tabel: x}]}}\n")
    with pytest.raises(LakehouseError, match=r"roles.analyst.tables\[0\]"):
        load_access(bad)


def test_password_hash_verifies_only_the_right_password():
    stored = hash_password("correct horse", iterations=1000)
    iterations, salt, digest = stored.split(":")
    assert iterations == "1000" and len(salt) == 32 and len(digest) == 128
    assert password_matches("correct horse", stored)
    assert not password_matches("correct horsE", stored)
    assert not password_matches("x", "not-a-hash")


def test_password_file_keeps_a_hash_until_the_password_changes():
    first = password_file({"a": "pw-a", "b": "pw-b"})
    again = password_file({"a": "pw-a", "b": "pw-b"}, previous=first)
    assert again == first
    changed = password_file({"a": "pw-a", "b": "new"}, previous=first)
    assert changed.splitlines()[0] == first.splitlines()[0]
    assert changed.splitlines()[1] != first.splitlines()[1]


def test_certificate_is_made_once_with_loopback_names_and_a_private_key_file(tmp_path):
    from cryptography import x509

    pem, crt = tmp_path / "tls" / "t.pem", tmp_path / "tls" / "t.crt"
    assert ensure_certificate(pem, crt, ["localhost", "127.0.0.1"]) is True
    assert ensure_certificate(pem, crt, ["localhost", "127.0.0.1"]) is False
    assert pem.stat().st_mode & 0o077 == 0
    names = x509.load_pem_x509_certificate(crt.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert "BEGIN RSA PRIVATE KEY" in pem.read_text()


# --- query events -> audit rows ---------------------------------------------------------------


def test_a_query_reading_customer_data_becomes_an_audit_row_with_tables_and_columns():
    actor, action, details = audit_entry(EVENTS["analyst_masked"])
    assert (actor, action) == ("analyst", QUERY)
    assert details["tables"] == [{"table": "delta.gold.dim_customer",
                                  "columns": ["loyalty_number"], "masked": ["loyalty_number"],
                                  "row_filtered": False}]
    assert "loyalty_number" in details["sql"]
    assert details["query_id"] == EVENTS["analyst_masked"]["metadata"]["queryId"]


def test_a_refused_query_is_recorded_as_denied_with_the_reason():
    actor, action, details = audit_entry(EVENTS["marketing_denied"])
    assert (actor, action) == ("marketing", DENIED)
    assert details["error"] == "PERMISSION_DENIED"
    assert "fct_bookings" in details["error_message"]


def test_metadata_only_queries_are_not_recorded():
    assert audit_entry(EVENTS["service_metadata"]) is None


def test_only_complete_lines_are_consumed(tmp_path):
    spool = tmp_path / "events.jsonl"
    spool.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    lines, offset = read_new_lines(spool, 0)
    assert lines == [b'{"a": 1}', b'{"b": 2}'] and offset == 18
    with open(spool, "ab") as handle:
        handle.write(b"3}\n")
    lines, offset = read_new_lines(spool, offset)
    assert lines == [b'{"c": 3}'] and offset == spool.stat().st_size


def test_batch_rows_continue_the_chain():
    first = chain_rows("0" * 64, 0, [("a", "x", {"n": 1})], at_micros=1)
    batch = chain_rows(first[-1]["hash"], 1, [("b", QUERY, {"n": 2}), ("c", DENIED, {})], 2)
    rows = first + batch
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert first_broken(rows) is None
    rows[1] = {**rows[1], "actor": "mallory"}
    assert first_broken(rows)["seq"] == 2


def test_receiver_spools_one_line_per_event_without_query_plans(tmp_path):
    from pipelines.services.audit_receiver import append_event

    event = {"metadata": {"queryId": "q1", "plan": "x" * 1000, "jsonPlan": "{}", "query": "a\nb"}}
    path = append_event(tmp_path, json.dumps(event, indent=1).encode())
    append_event(tmp_path, b"not json\nat all")
    first, second = path.read_bytes().splitlines()
    assert json.loads(first) == {"metadata": {"queryId": "q1", "query": "a\nb"}}
    assert second == b"not json at all"
