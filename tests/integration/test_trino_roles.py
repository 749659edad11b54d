"""Each Trino role, logged in over HTTPS against the real server, sees exactly what it may.

Roles, masks and row filters come from conf/privacy/trino_access.yaml; what each role gets is
compared with what the service login (unrestricted) reads from the same tables, so the figures
are the lake's, not hard-coded. Then the queries of this module are found in the audit log.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid

import pytest

from pipelines.services import trino

pytestmark = pytest.mark.integration


def _rows(settings, login: str, sql: str) -> list[list]:
    connection = trino.connect(settings, login)
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        connection.close()


HIDDEN = {"SCHEMA_NOT_FOUND", "TABLE_NOT_FOUND"}


def _denied(settings, login: str, sql: str, hidden_ok: bool = False) -> str:
    """Run ``sql`` as ``login`` and expect a refusal. Trino hides a schema the login may see
    nothing of ("does not exist"); ``hidden_ok`` accepts that, for objects the caller has
    checked do exist for the service login."""
    from trino.exceptions import TrinoUserError

    with pytest.raises(TrinoUserError) as caught:
        _rows(settings, login, sql)
    allowed = {"PERMISSION_DENIED"} | (HIDDEN if hidden_ok else set())
    assert caught.value.error_name in allowed, caught.value.message
    return caught.value.message


@pytest.fixture(scope="module")
def lake(main_run, settings):
    """The shared run's lake as the service login sees it (unrestricted)."""
    def scalar(sql: str):
        return trino.query(settings, sql)[0][0]

    return {
        "members": scalar("select count(*) from gold.dim_customer where loyalty_number is not "
                          "null"),
        "customers": scalar("select count(*) from gold.dim_customer"),
        "contactable": scalar("select count_if(consent_marketing_email or consent_sms) "
                              "from gold.dim_customer"),
        "segment_rows": scalar("select count(*) from gold.fct_segment_membership"),
        "contactable_segment_rows": scalar(
            "select count(*) from gold.fct_segment_membership s join gold.dim_customer d "
            "on d.customer_id = s.customer_id where d.consent_marketing_email or d.consent_sms"),
        "decisions": scalar("select count(*) from gold.next_best_action"),
        "loyalty_numbers": {r[0] for r in trino.query(
            settings, "select loyalty_number from gold.dim_customer "
                      "where loyalty_number is not null")},
    }


def test_analyst_reads_gold_with_identifiers_masked(settings, lake):
    rows = _rows(settings, "analyst", "select loyalty_number from gold.dim_customer "
                                      "where loyalty_number is not null")
    assert lake["members"] > 0 and len(rows) == lake["members"]
    assert {r[0] for r in rows} == {"**********"}
    bookings = _rows(settings, "analyst", "select distinct record_locator, ticket_number "
                                          "from gold.fct_bookings")
    assert {v for row in bookings for v in row if v is not None} == {"******", "*************"}
    # every customer, unfiltered: analysts work on the whole population, pseudonymously
    assert _rows(settings, "analyst", "select count(*) from gold.customer_360")[0][0] == \
        lake["customers"]
    assert trino.query(settings, "select count(*) from ops.audit_log")[0][0] > 0  # it exists
    _denied(settings, "analyst", "select count(*) from ops.audit_log", hidden_ok=True)


def test_marketing_reads_only_contactable_customers_and_their_segments(settings, lake):
    assert 0 < lake["contactable"] < lake["customers"]
    rows = _rows(settings, "marketing", "select loyalty_number, consent_marketing_email, "
                                        "consent_sms from gold.dim_customer")
    assert len(rows) == lake["contactable"]
    assert all(email or sms for _, email, sms in rows)
    assert {r[0] for r in rows if r[0]} <= lake["loyalty_numbers"]  # in clear: the contact key
    segment = _rows(settings, "marketing", "select count(*) from gold.fct_segment_membership")
    assert segment[0][0] == lake["contactable_segment_rows"] <= lake["segment_rows"]
    _denied(settings, "marketing", "select count(*) from gold.fct_bookings")


def test_dpo_reads_everything_in_clear_including_the_audit_log(settings, lake):
    rows = _rows(settings, "dpo", "select loyalty_number from gold.dim_customer "
                                  "where loyalty_number is not null")
    assert {r[0] for r in rows} == lake["loyalty_numbers"]
    assert _rows(settings, "dpo", "select count(*) from ops.audit_log")[0][0] > 0


def test_cmp_service_reads_decisions_and_nothing_about_people(settings, lake):
    assert lake["decisions"] > 0
    assert _rows(settings, "cmp_service", "select count(*) from gold.next_best_action")[0][0] \
        == lake["decisions"]
    _denied(settings, "cmp_service", "select count(*) from gold.dim_customer")


def test_partner_sees_nothing_in_the_lake(settings, main_run):
    message = _denied(settings, "partner", "select count(*) from gold.dim_customer")
    assert "delta" in message
    _denied(settings, "partner", "show schemas from delta")


def test_wrong_password_and_plain_http_are_refused(settings, main_run):
    import trino as trino_client
    from trino.exceptions import HttpError

    connection = trino.connect(settings, "analyst")
    connection.auth = trino_client.auth.BasicAuthentication("analyst", "not-the-password")
    with pytest.raises(HttpError, match="401"):
        connection.cursor().execute("select 1")
    request = urllib.request.Request(
        f"http://127.0.0.1:{trino.internal_port(settings)}/v1/statement", data=b"select 1",
        headers={"X-Trino-User": "analyst"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 403


def test_queries_through_trino_are_in_the_hash_chained_audit_log(settings, spark, main_run):
    from privacy.audit import audit_path, verify
    from privacy.query_audit import DENIED, QUERY, collect

    probe = f"audit-probe-{uuid.uuid4().hex[:8]}"
    _rows(settings, "analyst", f"select loyalty_number from gold.dim_customer /* {probe} */")
    _denied(settings, "partner", f"select * from gold.dim_customer /* {probe} */")
    recorded = []
    for _ in range(30):  # the event listener posts asynchronously, within a second or two
        collect(settings)
        recorded = (spark.read.format("delta").load(audit_path(settings))
                    .where(f"details like '%{probe}%'").collect())
        if len(recorded) == 2:
            break
        time.sleep(1)
    by_actor = {r["actor"]: r for r in recorded}
    assert set(by_actor) == {"analyst", "partner"}
    assert by_actor["analyst"]["action"] == QUERY
    assert '"masked":["loyalty_number"]' in by_actor["analyst"]["details"]
    assert '"table":"delta.gold.dim_customer"' in by_actor["analyst"]["details"]
    assert by_actor["partner"]["action"] == DENIED
    assert verify(settings) is None
    collect(settings)  # collecting again records nothing twice
    assert (spark.read.format("delta").load(audit_path(settings))
            .where(f"details like '%{probe}%'").count()) == 2
