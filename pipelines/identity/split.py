"""Undo a merge: move some records of a golden customer to a new customer, for good.

A data steward who sees two people in one customer (a father and son sharing a name and a
mailbox) runs ``lakehouse identity split``. The records get a new id, both sides are written to
``ops.identity_splits`` so every later run refuses to merge them back (a ``split`` guardrail in
the clustering), the split is listed in ``ops.identity_merges`` and the action goes to the
hash-chained ``ops.audit_log``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.identity import store
from pipelines.identity.ids import format_id

SPLIT = "split"


def pick_records(rows: list[dict], keys: list[str]) -> list[dict]:
    """The customer's xref rows named by ``keys`` (``record_key`` or ``table:record_key``).

    Pure; raises naming what did not match and what would.
    """
    chosen = []
    for key in keys:
        table, _, record_key = key.rpartition(":")
        hits = [r for r in rows if r["record_key"] == record_key
                and (not table or r["source_table"] == table)]
        if len(hits) != 1:
            known = ", ".join(f"{r['source_table']}:{r['record_key']}" for r in rows[:10])
            problem = "is ambiguous" if hits else "is not a record of this customer"
            raise LakehouseError(f"record '{key}' {problem}",
                                 f"name records as TABLE:KEY; this customer has: {known}")
        chosen.append(hits[0])
    if len({(r["source_table"], r["record_key"]) for r in chosen}) == len(rows):
        raise LakehouseError("the split would move every record of the customer",
                             "name only the records that belong to another person")
    return chosen


def split_customer(spark, settings: Settings, customer_id: str, keys: list[str], reason: str,
                   actor: str) -> dict:
    """Move ``keys`` of ``customer_id`` to a new customer; audit it; return what was done."""
    from pipelines.identity.settings import load_identity_conf
    from pipelines.identity.sources import read_meta
    from privacy import audit

    gconf = load_identity_conf(settings)["golden"]
    if not reason.strip():
        raise LakehouseError("--reason is empty", "say why the records are another person")
    audit.require_intact(settings)
    xref = store.read(spark, settings, store.XREF)
    rows = [] if xref is None else [r.asDict() for r in xref.where(
        f"customer_id = '{customer_id}'").collect()]
    if not rows:
        raise LakehouseError(f"customer {customer_id} not found in silver.customer_xref",
                             "check the id (e.g. lakehouse sql against golden_customers)")
    moved = pick_records(rows, keys)
    moved_ids = {(r["source_table"], r["record_key"]) for r in moved}
    kept = [r for r in rows if (r["source_table"], r["record_key"]) not in moved_ids]
    now = datetime.now(UTC).replace(tzinfo=None)
    state = store.load_state(spark, settings, gconf["id_prefix"])
    new_id = format_id(gconf["id_prefix"], int(gconf["id_digits"]), state.last_number + 1)
    split_id = f"split-{now:%Y%m%dT%H%M%S}-{new_id}"
    store.write_xref(spark, settings, [
        (r["source_table"], r["record_key"], new_id, SPLIT, None, r["subject_id"],
         r["first_seen_at"], now) for r in moved])
    store.append_splits(spark, settings, [
        (split_id, customer_id, new_id, r["source_table"], r["record_key"], side, reason, actor,
         now) for side, group in (("moved", moved), ("kept", kept)) for r in group])
    anchor = kept[0]
    store.append_decisions(spark, settings, [
        (split_id, now, SPLIT, reason, SPLIT, None, r["source_table"], r["record_key"],
         anchor["source_table"], anchor["record_key"], new_id, customer_id, None)
        for r in moved])
    store.rebuild_golden(spark, settings, read_meta(spark, settings, gconf), now)
    details = {"split_id": split_id, "customer_id": customer_id, "new_customer_id": new_id,
               "records": sorted(f"{t}:{k}" for t, k in moved_ids), "reason": reason}
    audit.append(settings, actor, "identity.split", details)
    return details
