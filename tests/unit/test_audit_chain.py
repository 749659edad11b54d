"""The audit log's hash chain (pure part): an edited, removed or reordered row is found."""

from __future__ import annotations

from privacy.audit import GENESIS, canonical_details, first_broken, row_hash


def _chain(n: int) -> list[dict]:
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        details = canonical_details({"customer_id": f"C{seq}", "records": ["a", "b"]})
        row = {"seq": seq, "at_micros": 1_700_000_000_000_000 + seq, "actor": "dpo",
               "action": "identity.split", "details": details, "prev_hash": prev}
        row["hash"] = row_hash(prev, seq, row["at_micros"], "dpo", row["action"], details)
        rows.append(row)
        prev = row["hash"]
    return rows


def test_intact_chain_verifies():
    assert first_broken(_chain(4)) is None
    assert first_broken([]) is None


def test_edited_details_are_found_at_that_row():
    rows = _chain(4)
    rows[2]["details"] = rows[2]["details"].replace("C3", "C9")
    assert first_broken(rows)["seq"] == 3


def test_edited_actor_with_recomputed_hash_breaks_the_next_link():
    rows = _chain(4)
    rows[1]["actor"] = "mallory"
    rows[1]["hash"] = row_hash(rows[1]["prev_hash"], 2, rows[1]["at_micros"], "mallory",
                               rows[1]["action"], rows[1]["details"])
    broken = first_broken(rows)
    assert broken["seq"] == 3 and "prev_hash" in broken["reason"]


def test_removed_row_is_found():
    rows = _chain(4)
    del rows[1]
    assert first_broken(rows)["seq"] == 3


def test_details_hash_alike_whatever_the_key_order():
    assert canonical_details({"b": 1, "a": [2]}) == canonical_details({"a": [2], "b": 1})
