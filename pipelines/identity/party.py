"""Co-travel: who else is on a record's booking, as evidence for the golden-customer job.

A booking's passengers are different people (the ``same_group`` guardrail), but they are also
the person's travel party: a spouse, the children, a parent. Two bookings of one person tend to
carry the same companions, and a record's own email or phone often turns up on a companion of
the other booking (a mother booked under her maiden name with her son's family mailbox, while
her other booking lists that son beside her). These are the "PNR co-travel" comparison the
issue asks for: Splink weighs them (``co_travel`` in settings.py) with sampled u, so a party
shared by many households counts for little. Contacts are taken after shared identifiers are
nulled, so an agency desk mailbox never makes two travellers companions.
"""

from __future__ import annotations

from pipelines.identity.fields import FULL_NAME, PARTY
from pipelines.identity.prepare import RECORD_ID

PARTY_NAMES, PARTY_CONTACTS = PARTY


def with_travel_party(records, group: str = "group_key"):
    """Add ``party_names`` / ``party_contacts`` of the other passengers of each record's group.

    Null when the record has no group or travels alone (no evidence either way). Expects the
    standardised ``full_name``, ``email`` and ``phone`` columns (null where unknown).
    """
    from pyspark.sql import functions as F

    mates = records.where(F.col(group).isNotNull()).select(
        F.col(group).alias("_g"), F.col(RECORD_ID).alias("_mate"),
        F.col(FULL_NAME).alias("_name"),
        F.array(*[F.col(c) for c in ("email", "phone") if c in records.columns]).alias("_c"))
    own = records.where(F.col(group).isNotNull()).select(RECORD_ID, F.col(group).alias("_g"))
    party = (own.join(mates, "_g").where(F.col(RECORD_ID) != F.col("_mate"))
             .groupBy(RECORD_ID)
             .agg(F.array_sort(F.array_distinct(F.collect_list("_name"))).alias(PARTY_NAMES),
                  F.array_sort(F.array_distinct(F.filter(F.flatten(F.collect_list("_c")),
                                                         lambda x: x.isNotNull())))
                  .alias(PARTY_CONTACTS)))
    empty_is_null = [F.when(F.size(c) > 0, F.col(c)).alias(c) for c in PARTY]
    # Cut the lineage of this small table (kept like a persisted one: executor memory, and
    # encrypted spills): otherwise the records' whole plan (decryption, normalisation) is in
    # it twice more, and every Splink query over the records analyses that tree again; the
    # driver ran out of heap doing so.
    party = party.select(RECORD_ID, *empty_is_null).localCheckpoint()
    return records.join(party, RECORD_ID, "left")
