"""Deterministic identity rules: exact agreement on blind indexes (and the loyalty number).

Rules run before Splink because some evidence is decisive by construction (a loyalty number is
one member; a passport number with the same birth date is one person) and needs no model. They
join on the ``<kind>_bidx`` blind indexes silver stores, after
:func:`sources.null_shared_identifiers`
has nulled blocked and shared values, so an agency mailbox can never satisfy a rule.
"""

from __future__ import annotations

from typing import Any

# rule key -> column of the prepared records
KEY_COLUMNS = {"loyalty_number": "loyalty_number", "email": "email_bidx", "phone": "phone_bidx",
               "passport": "passport_bidx", "dob": "dob"}


def rule_condition(rule: dict[str, Any]) -> str:
    """SQL condition over aliases ``l``/``r`` for one conf rule (pure; unit-tested)."""
    unknown = [k for k in rule["keys"] if k not in KEY_COLUMNS]
    if unknown:
        from pipelines.errors import LakehouseError

        raise LakehouseError(f"identity rule {rule['name']}: unknown keys {unknown}",
                             f"use keys among {', '.join(KEY_COLUMNS)} in conf/identity.yaml")
    parts = [f"l.{KEY_COLUMNS[k]} = r.{KEY_COLUMNS[k]}" for k in rule["keys"]]
    parts.append("l.record_id < r.record_id")
    source = rule.get("loyalty_source")
    if source == "own":        # both numbers are on the records themselves
        parts.append("not l.loyalty_from_checkin and not r.loyalty_from_checkin")
    elif source == "checkin":  # at least one came from the check-in of the same ticket
        parts.append("(l.loyalty_from_checkin or r.loyalty_from_checkin)")
    elif source is not None:
        from pipelines.errors import LakehouseError

        raise LakehouseError(f"identity rule {rule['name']}: loyalty_source {source!r}",
                             "use loyalty_source: own or checkin in conf/identity.yaml")
    if rule.get("verified") == "email":
        parts.append("(l.verified_email or r.verified_email)")
    if rule.get("first_name_agrees"):
        parts.append("arrays_overlap(l.first_name_variants, r.first_name_variants)")
    return " and ".join(parts)


def rule_edges(records, rules: list[dict[str, Any]]):
    """DataFrame ``left_id, right_id, matched_by`` of every pair a rule links."""
    from pyspark.sql import functions as F

    cols = ["record_id", "verified_email", "first_name_variants", "loyalty_from_checkin",
            *{KEY_COLUMNS[k] for rule in rules for k in rule["keys"]}]
    slim = records.select(*dict.fromkeys(cols))
    out = None
    for rule in rules:
        pairs = slim.alias("l").join(slim.alias("r"), F.expr(rule_condition(rule))).select(
            F.col("l.record_id").alias("left_id"), F.col("r.record_id").alias("right_id"),
            F.lit(rule["name"]).alias("matched_by"))
        out = pairs if out is None else out.unionByName(pairs)
    return out
