"""The partner extract job on copies of the shared test lake's tables (``main_run`` is left
alone), with ``tests/data/extracts/test_partner.yaml``: the real spec's k = 10 on a coarser
ladder (see the spec's header for why and what else differs).

Few test customers have partner_sharing consent and almost none wrote feedback, so the copy
gets new consent events (partner_sharing given by five in six loyalty members with bookings,
withdrawn by the sixth) and, per such member, a feedback case on one of their bookings whose
text holds their own name, loyalty number, phone and e-mail (encrypted as silver stores it).
Checked from the outside, not with the job's own numbers: pseudonyms are reversed with the
partner key and each person's consent is derived from the originals plus those events; their
decrypted names, e-mails, phones and loyalty numbers are searched for in every cell; groups
are recounted and checksums recomputed. One more run with an impossible k must be refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime

import pandas as pd
import pytest

from pipelines.config import REPO_ROOT

pytestmark = pytest.mark.integration
SPEC = REPO_ROOT / "tests" / "data" / "extracts" / "test_partner.yaml"
QIS = ["age", "home_city", "nationality", "travel_date", "route"]
TABLES = ["gold/fct_bookings", "gold/dim_customer", "gold/fct_feedback",
          "silver/consent_events", "silver/customer_xref", "silver/loyalty_members",
          "silver/pnr_passengers", "silver/flight_passengers", "silver/feedback_cases",
          "ops/subject_keys"]


def _gold(spark, root, table):
    return spark.read.format("delta").load(str(root / "gold" / table))


def _consent_events(spark, root, members: list[tuple[str, str]]):
    """partner_sharing given by five in six (customer, loyalty number) pairs, withdrawn by the
    sixth, now (later than every generated event); returns (given, withdrawn) customer ids."""
    path = str(root / "silver" / "consent_events")
    schema = spark.read.format("delta").load(path).schema
    now = datetime.now(UTC).replace(tzinfo=None)
    rows, given, withdrawn = [], set(), set()
    for i, (customer, number) in enumerate(members):
        grant = i % 6 != 0
        (given if grant else withdrawn).add(customer)
        event = {"event_id": f"CETEST{i:07d}", "subject_id": f"loyalty:{number}",
                 "subject_type": "loyalty_number", "loyalty_number": number,
                 "purpose": "partner_sharing", "action": "given" if grant else "withdrawn",
                 "is_granted": grant, "event_at": now, "channel": "web",
                 "_ingested_at": now}
        rows.append(tuple(event.get(f.name) for f in schema.fields))
    spark.createDataFrame(rows, schema).write.format("delta").mode("append").save(path)
    return given, withdrawn


def _append(spark, path, records: list[dict]) -> None:
    """Append rows to a Delta table, columns not given left null."""
    schema = spark.read.format("delta").load(str(path)).schema
    rows = [tuple(r.get(f.name) for f in schema.fields) for r in records]
    spark.createDataFrame(rows, schema).write.format("delta").mode("append").save(str(path))


def _plant_feedback(spark, own, root, bookings: dict[str, str], numbers: dict[str, str]):
    """A feedback case per customer on one of their bookings, its text full of the customer's
    own PII (the generated test lake has almost no feedback text): encrypted into the copy's
    silver.feedback_cases and linked in gold.fct_feedback as the real job would find it."""
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns, encrypt_columns

    members = spark.read.format("delta").load(str(root / "silver" / "loyalty_members")).where(
        F.col("loyalty_number").isin(*numbers.values()))
    people = {r.loyalty_number: r for r in decrypt_columns(
        members.select("loyalty_number", "first_name_enc", "last_name_enc", "email_enc",
                       "phone_enc"), "loyalty_number",
        ["first_name", "last_name", "email", "phone"], own).collect()}
    cases, links = [], []
    known = [(c, n) for c, n in sorted(numbers.items())  # a PNR may carry a number the
             if n in people and people[n].last_name]       # loyalty feed lacks
    for i, (customer, number) in enumerate(known):
        p = people[number]
        text = (f"Dear Meridian Air, this is {p.first_name} {p.last_name}, member number "
                f"{number}. My bag never arrived, booking reference {bookings[customer]}. "
                f"Call me on {p.phone} or write to {p.email}. Regards, {p.first_name} "
                f"{p.last_name}")
        cases.append((f"CS-TEST{i:06d}", text))
        links.append({"case_id": f"CS-TEST{i:06d}", "customer_id": customer,
                      "record_locator": bookings[customer],
                      "opened_at": datetime(2026, 1, 2, 12, tzinfo=UTC).replace(tzinfo=None)})
    sealed = encrypt_columns(spark.createDataFrame(cases, "case_id string, text string"),
                             "case_id", ["text"], own).collect()
    _append(spark, root / "silver" / "feedback_cases", [r.asDict() for r in sealed])
    _append(spark, root / "gold" / "fct_feedback", links)


@pytest.fixture(scope="module")
def lake(main_run, spark, settings, tmp_path_factory):
    """Settings of a private lake with copies of the tables the extract reads, its consent
    ledger extended, and the customers' expected partner_sharing consent."""
    root = tmp_path_factory.mktemp("extract") / "lake"
    for table in TABLES:
        shutil.copytree(settings.path("paths.lake") / table, root / table)
    dim = _gold(spark, root, "dim_customer").select(
        "customer_id", "loyalty_number", "consent_partner_sharing").toPandas()
    booked = {r.customer_id: r.record_locator for r in _gold(spark, root, "fct_bookings")
              .where("customer_id is not null").orderBy("record_locator").collect()}
    members = sorted((c, n) for c, n in zip(dim.customer_id, dim.loyalty_number, strict=True)
                     if n and c in booked)
    given, withdrawn = _consent_events(spark, root, members)
    before = set(dim.customer_id[dim.consent_partner_sharing])
    own = settings.with_overrides({"paths.lake": str(root),
                                   "privacy.extracts_dir": str(root.parent / "extracts")})
    _plant_feedback(spark, own, root, booked, dict(members))
    return own, {"consented": (before | given) - withdrawn, "withdrawn": withdrawn,
                 "customers": list(dim.customer_id)}


@pytest.fixture(scope="module")
def extract(lake, spark):
    from privacy.extract import run_extract

    own, _ = lake
    result = run_extract(spark, own, str(SPEC), actor="pytest")
    frame = pd.read_parquet(result.folder / "extract.parquet")
    return result, frame


@pytest.fixture(scope="module")
def customers(extract, lake, settings):
    """Each extracted row's real customer id (pseudonyms reversed with the partner key)."""
    from privacy.extract_verify import reverse_pseudonyms
    from privacy.master_key import load_index_root

    result, frame = extract
    reverse = reverse_pseudonyms(lake[1]["customers"], load_index_root(settings),
                                 result.manifest["partner"])
    return frame.customer_id.map(reverse)


def test_extract_holds_only_customers_with_partner_sharing_consent(extract, customers, lake):
    expected = lake[1]
    assert len(extract[1]) > 0 and customers.notna().all()  # each pseudonym is a customer
    assert set(customers) <= expected["consented"]
    assert not set(customers) & expected["withdrawn"] and expected["withdrawn"]


def test_no_pii_of_the_included_customers_anywhere_in_the_extract(extract, customers, lake,
                                                                  spark):
    from privacy.analyzer import get_analyzer
    from privacy.extract import residual_entities
    from privacy.extract_sources import known_names
    from privacy.extract_verify import find_pii, source_pii

    own, _ = lake
    result, frame = extract
    pii = source_pii(spark, own, set(customers))
    assert all(pii.get(c) for c in set(customers))  # each has a name or contact to look for
    texts = frame.feedback_text.dropna()
    assert len(texts) > 0  # the planted cases of consented people made it into the extract
    assert find_pii(frame, pii) == []
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOYALTY_NUMBER"} <= set(
        result.manifest["free_text"]["entities_removed"])
    analyzer = get_analyzer(None, frozenset(known_names(spark, own)))
    assert [e for t in texts for e in residual_entities(t, analyzer)] == []
    assert result.manifest["free_text"]["residual_entities"] == 0


def test_every_quasi_identifier_group_has_at_least_k_people(extract):
    result, frame = extract
    people = frame.groupby(QIS, dropna=False).customer_id.nunique()
    assert people.min() >= result.manifest["k_required"] == 10
    assert result.manifest["k_achieved"] == people.min()


def test_reidentification_risk_is_zero_at_k_10(extract):
    from privacy.kanon import reidentification_risk

    result, frame = extract
    assert result.manifest["reidentification_risk"] == 0.0
    assert reidentification_risk(frame, QIS, "customer_id") == 0.0
    assert result.manifest["population_people"] > result.manifest["people"]


def test_manifest_checksums_match_the_files_and_the_audit_log(extract, lake, spark):
    from privacy.audit import audit_path, verify

    own, _ = lake
    result, frame = extract
    manifest = json.loads((result.folder / "manifest.json").read_text())
    [entry] = manifest["files"]
    data = (result.folder / entry["name"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"] and entry["rows"] == len(frame)
    manifest_sha = hashlib.sha256((result.folder / "manifest.json").read_bytes()).hexdigest()
    audited = [json.loads(r.details) for r in spark.read.format("delta").load(
        audit_path(own)).where("action = 'partner_extract'").collect()]
    assert [d["manifest_sha256"] for d in audited] == [manifest_sha]
    assert verify(own) is None


def test_impossible_k_is_refused_and_nothing_is_written(extract, lake, spark, tmp_path):
    import yaml

    from pipelines.errors import LakehouseError
    from privacy.extract import extracts_dir, run_extract

    own, _ = lake
    raw = yaml.safe_load(SPEC.read_text())
    spec = tmp_path / "impossible.yaml"
    spec.write_text(yaml.safe_dump({**raw, "partner": "impossible_partner", "k": 100_000}))
    with pytest.raises(LakehouseError, match="k=100000 cannot be met"):
        run_extract(spark, own, str(spec), actor="pytest")
    assert not (extracts_dir(own) / "impossible_partner").exists()
