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
    if rule.get("verified") == "email":  # and no other record verified the same mailbox
        parts.append("(l.verified_email or r.verified_email) and l.email_verifiers = 1")
    if rule.get("first_name_agrees"):
        parts.append("arrays_overlap(l.first_name_variants, r.first_name_variants)")
    if rule.get("dob_agrees"):  # a parent and child of one name share the family mailbox
        parts.append("(l.dob is null or r.dob is null or l.dob = r.dob)")
    return " and ".join(parts)


def with_email_verifiers(records):
    """Add ``email_verifiers``: how many verified records (loyalty profiles) carry the email.

    A mailbox two members confirmed is a family's, and says nothing about which of them
    made a booking (a mother and a daughter of one name, both members); the verified-email
    rule then stays out and Splink weighs the other fields.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    verified = F.sum(F.col("verified_email").cast("int")).over(Window.partitionBy("email_bidx"))
    return records.withColumn("email_verifiers", F.when(F.col("email_bidx").isNotNull(), verified))


def rule_edges(records, rules: list[dict[str, Any]]):
    """DataFrame ``left_id, right_id, matched_by`` of every pair a rule links."""
    from pyspark.sql import functions as F

    cols = ["record_id", "verified_email", "first_name_variants", "loyalty_from_checkin", "dob",
            *{KEY_COLUMNS[k] for rule in rules for k in rule["keys"]}]
    slim = with_email_verifiers(
        records.select(*dict.fromkeys(c for c in cols if c in records.columns)))
    out = None
    for rule in rules:
        pairs = slim.alias("l").join(slim.alias("r"), F.expr(rule_condition(rule))).select(
            F.col("l.record_id").alias("left_id"), F.col("r.record_id").alias("right_id"),
            F.lit(rule["name"]).alias("matched_by"))
        out = pairs if out is None else out.unionByName(pairs)
    return out
