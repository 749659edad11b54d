"""Golden customers: one stable id per real person across the silver identity sources.

``resolve_customers`` reads every configured source (PII decrypted in memory only), nulls
blocked and shared identifiers, adds each booking's travel party (``party.py``, co-travel
evidence), links records by deterministic rules on blind indexes, scores the rest with the
Splink engine, then clusters all evidence under guardrails (at most one
loyalty number per customer, never two passengers of one booking, never across a steward's
split), seeded with the customers earlier runs created, so ids stay put and only merge.
Outputs: ``silver.customer_xref``, ``silver.golden_customers``, ``ops.identity_merges``.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from pipelines.config import Settings
from pipelines.identity import store
from pipelines.identity.clustering import MERGED, Decision, Edge, Node, resolve
from pipelines.identity.fields import BIRTH_YEARS, FULL_NAME, NAME_SOUNDS, NAME_VARIANTS, PARTY
from pipelines.identity.ids import assign_ids
from pipelines.identity.prepare import RECORD_ID
from pipelines.identity.split import SPLIT

log = logging.getLogger(__name__)
SINGLETON = "singleton"


def _split_id(record_id: str) -> tuple[str, str]:
    source, _, key = record_id.partition("|")
    return source, key


def collect_edges(spark, records, fields: set[str], conf: dict[str, Any]) -> list[Edge]:
    """Rule edges, then Splink pairs at or above the golden threshold (no PII leaves Spark)."""
    from pipelines.identity import engine
    from pipelines.identity.rules import rule_edges

    gconf = conf["golden"]
    edges = [Edge(r.left_id, r.right_id, r.matched_by)
             for r in rule_edges(records, gconf["rules"]).collect()]
    derived = (NAME_VARIANTS, FULL_NAME, NAME_SOUNDS, *BIRTH_YEARS, *PARTY)
    if set(PARTY) <= set(records.columns):
        derived += ("group_key",)  # co_travel ignores two passengers of one booking
    cols = [RECORD_ID, *sorted(fields), *(c for c in derived if c in records.columns)]
    engine_conf = {**conf, "break_lineage": gconf.get("break_lineage", "persist")}
    result = engine.score_pairs(spark, records.select(*cols), engine_conf,
                                float(gconf["threshold"]))
    edges += [Edge(r.left_id, r.right_id, "splink", float(r.match_weight))
              for r in result.pairs.collect()]
    engine.clear_checkpoints(conf)
    return edges


def evidence_of(decisions: list[Decision], state_xref: dict[str, dict]) -> dict[str, tuple]:
    """Per record: (matched_by, weight) of the first merge touching it this run, else as before."""
    out: dict[str, tuple] = {}
    for d in decisions:
        if d.decision == MERGED:
            for rid in (d.edge.left, d.edge.right):
                out.setdefault(rid, (d.edge.matched_by, d.edge.match_weight))
    for rid, row in state_xref.items():
        out.setdefault(rid, (row["matched_by"], row["match_weight"]))
    return out


def _nodes(meta_rows, state: store.State) -> list[Node]:
    return [Node(r.record_id, r.loyalty_number, r.group_key,
                 (state.xref.get(r.record_id) or {}).get("customer_id"),
                 frozenset(state.split_tags.get(r.record_id, ())))
            for r in meta_rows]


def _decision_rows(decisions, customer_of, run_id, now) -> list[tuple]:
    rows = []
    for d in decisions:
        (ls, lk), (rs, rk) = _split_id(d.edge.left), _split_id(d.edge.right)
        rows.append((run_id, now, d.decision, d.reason, d.edge.matched_by, d.edge.match_weight,
                     ls, lk, rs, rk, customer_of.get(d.edge.left),
                     customer_of.get(d.edge.right), d.absorbed_customer_id))
    return rows


def resolve_customers(spark, settings: Settings, run_id: str | None = None) -> dict:
    """Run identity resolution over silver and write the golden-customer tables; return counts."""
    from pipelines.identity.party import with_travel_party
    from pipelines.identity.settings import load_identity_conf
    from pipelines.identity.sources import null_shared_identifiers, read_meta, read_records

    conf = load_identity_conf(settings)
    gconf = conf["golden"]
    now = datetime.now(UTC).replace(tzinfo=None)
    run_id = run_id or f"identity__{now:%Y%m%dT%H%M%S}"
    records, fields = read_records(spark, settings, conf)
    if records is None:
        return {"records": 0}
    opened = records.persist()  # decrypted once; counted per identifier, then guarded
    records, shared = null_shared_identifiers(opened, gconf["identifier_limits"])
    if gconf.get("co_travel"):
        records = with_travel_party(records)
    records = records.persist()
    meta_rows = records.select(RECORD_ID, "source_table", "record_key", "subject_id",
                               "loyalty_number", "group_key", "first_seen_at").collect()
    opened.unpersist()
    edges = collect_edges(spark, records, fields, conf)
    records.unpersist()
    state = store.load_state(spark, settings, gconf["id_prefix"])
    rule_names = [r["name"] for r in gconf["rules"]]
    margin = gconf.get("ambiguity_margin")
    clusters, decisions = resolve(_nodes(meta_rows, state), edges, rule_names,
                                  int(gconf["max_loyalty_numbers"]),
                                  float(margin) if margin is not None else None)
    first_seen = {r.record_id: (r.first_seen_at or now) for r in meta_rows}
    existing = {rid: row["customer_id"] for rid, row in state.xref.items()}
    assignment = assign_ids(clusters, existing, state.last_number, gconf["id_prefix"],
                            int(gconf["id_digits"]),
                            lambda recs: (min(first_seen[r] for r in recs), min(recs)))
    sizes = Counter(assignment.customer_of.values())
    evidence = evidence_of(decisions, state.xref)
    xref_rows = []
    for r in meta_rows:
        customer = assignment.customer_of[r.record_id]
        matched_by, weight = evidence.get(r.record_id, (SINGLETON, None))
        if sizes[customer] == 1 and matched_by != SPLIT:
            matched_by, weight = SINGLETON, None
        xref_rows.append((r.source_table, r.record_key, customer, matched_by, weight,
                          r.subject_id, r.first_seen_at or now, now))
    store.write_xref(spark, settings, xref_rows)
    store.append_decisions(spark, settings,
                           _decision_rows(decisions, assignment.customer_of, run_id, now))
    store.rebuild_golden(spark, settings, read_meta(spark, settings, gconf), now)
    return _summary(meta_rows, edges, decisions, assignment, shared)


def _summary(meta_rows, edges, decisions, assignment, shared) -> dict:
    refused = Counter(d.reason for d in decisions if d.decision != MERGED)
    for reason, n in refused.items():
        log.warning("identity: %d merges refused (%s); see ops.identity_merges", n, reason)
    summary = {
        "records": len(meta_rows),
        "records_by_source": dict(Counter(r.source_table for r in meta_rows)),
        "edges_by_evidence": dict(Counter(e.matched_by for e in edges)),
        "merges": sum(d.decision == MERGED for d in decisions),
        "refused": dict(refused),
        "customers": len(set(assignment.customer_of.values())),
        "customers_created": len(assignment.created),
        "customers_retired": len(assignment.retired),
        "shared_identifiers_nulled": shared,
    }
    log.info("identity: %s", summary)
    return summary
