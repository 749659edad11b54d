"""The partner extract job on the shared test lake (``main_run``), with
``tests/data/extracts/test_partner.yaml``: the real spec's k = 10, a coarser ladder (the test
lake is too small for example_partner.yaml's fine levels; see the spec's header).

Checked from the outside, not with the job's own numbers: pseudonyms are reversed with the
partner key and each person looked up in ``gold.dim_customer`` (consent) and in silver (their
decrypted names, e-mails, phones, loyalty numbers, searched for in every cell); groups are
recounted; checksums recomputed. One more run with an impossible k must be refused.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from pipelines.config import REPO_ROOT

pytestmark = pytest.mark.integration
SPEC = REPO_ROOT / "tests" / "data" / "extracts" / "test_partner.yaml"
QIS = ["age", "home_city", "nationality", "travel_date", "route"]


@pytest.fixture(scope="module")
def extract(main_run, spark, settings):
    from privacy.extract import run_extract

    result = run_extract(spark, settings, str(SPEC), actor="pytest")
    frame = pd.read_parquet(result.folder / "extract.parquet")
    return result, frame


@pytest.fixture(scope="module")
def customers(extract, spark, settings):
    """Each extracted row's real customer id (pseudonyms reversed with the partner key)."""
    from privacy.extract_verify import reverse_pseudonyms
    from privacy.master_key import load_master_key

    result, frame = extract
    dim = (spark.read.format("delta").load(str(settings.path("paths.lake") / "gold" /
                                               "dim_customer"))
           .select("customer_id", "consent_partner_sharing").toPandas())
    reverse = reverse_pseudonyms(dim.customer_id, load_master_key(settings),
                                 result.manifest["partner"])
    return frame.customer_id.map(reverse), dim


def test_extract_holds_only_customers_with_partner_sharing_consent(extract, customers):
    ids, dim = customers
    assert len(extract[1]) > 0 and ids.notna().all()  # every pseudonym is one of our customers
    consent = dict(zip(dim.customer_id, dim.consent_partner_sharing, strict=True))
    assert all(consent[c] for c in ids)
    assert not dim.consent_partner_sharing.all()  # some people were left out


def test_no_pii_of_the_included_customers_anywhere_in_the_extract(extract, customers, spark,
                                                                  settings):
    from privacy.analyzer import get_analyzer
    from privacy.extract import residual_entities
    from privacy.extract_sources import known_names
    from privacy.extract_verify import find_pii, source_pii

    result, frame = extract
    ids, _ = customers
    pii = source_pii(spark, settings, set(ids))
    assert sum(map(len, pii.values())) >= len(set(ids))  # at least a name or contact each
    assert find_pii(frame, pii) == []
    texts = frame.feedback_text.dropna()
    analyzer = get_analyzer(None, frozenset(known_names(spark, settings)))
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


def test_manifest_checksums_match_the_files_and_the_audit_log(extract, spark, settings):
    from privacy.audit import audit_path, verify

    result, frame = extract
    manifest = json.loads((result.folder / "manifest.json").read_text())
    [entry] = manifest["files"]
    data = (result.folder / entry["name"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"] and entry["rows"] == len(frame)
    manifest_sha = hashlib.sha256((result.folder / "manifest.json").read_bytes()).hexdigest()
    audited = [json.loads(r.details) for r in spark.read.format("delta").load(
        audit_path(settings)).where("action = 'partner_extract'").collect()]
    assert manifest_sha in {d["manifest_sha256"] for d in audited}
    assert verify(settings) is None


def test_impossible_k_is_refused_and_nothing_is_written(extract, spark, settings, tmp_path):
    import yaml

    from pipelines.errors import LakehouseError
    from privacy.extract import extracts_dir, run_extract

    raw = yaml.safe_load(SPEC.read_text())
    spec = tmp_path / "impossible.yaml"
    spec.write_text(yaml.safe_dump({**raw, "partner": "impossible_partner", "k": 100_000}))
    with pytest.raises(LakehouseError, match="k=100000 cannot be met"):
        run_extract(spark, settings, str(spec), actor="pytest")
    assert not (extracts_dir(settings) / "impossible_partner").exists()
