"""Stable golden-customer ids: ``C000000001``, never reused, never renumbered.

A cluster that contains records of existing customers keeps the oldest (lowest) of their ids;
the others are retired (recorded as merged into it). A cluster of only new records gets the
next number; new clusters are numbered in a fixed order (first seen, then record id) so the same
input always gives the same ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pipelines.errors import LakehouseError


def format_id(prefix: str, digits: int, number: int) -> str:
    return f"{prefix}{number:0{digits}d}"


def id_number(prefix: str, customer_id: str) -> int:
    """The sequence number of an id; raises on an id that is not ours."""
    match = re.fullmatch(rf"{re.escape(prefix)}(\d+)", customer_id or "")
    if not match:
        raise LakehouseError(f"'{customer_id}' is not a customer id",
                             f"customer ids look like {prefix}000000001")
    return int(match.group(1))


@dataclass
class Assignment:
    customer_of: dict[str, str] = field(default_factory=dict)  # record_id -> customer_id
    retired: dict[str, str] = field(default_factory=dict)      # absorbed id -> kept id
    created: list[str] = field(default_factory=list)           # ids new in this run


def assign_ids(clusters: Mapping[str, list[str]], existing: Mapping[str, str], last_number: int,
               prefix: str, digits: int, order: Callable[[list[str]], tuple]) -> Assignment:
    """Give every cluster a customer id (pure; unit-tested).

    Args:
        clusters: any key -> record ids of one cluster.
        existing: record_id -> customer_id from earlier runs.
        last_number: the highest sequence number ever issued (ids are never reused).
        order: sort key of a new cluster's records, e.g. (first_seen_at, min record id).
    """
    out = Assignment()
    fresh: list[list[str]] = []
    for records in clusters.values():
        ids = sorted({existing[r] for r in records if r in existing},
                     key=lambda c: id_number(prefix, c))
        if not ids:
            fresh.append(records)
            continue
        for record in records:
            out.customer_of[record] = ids[0]
        out.retired.update({absorbed: ids[0] for absorbed in ids[1:]})
    number = last_number
    for records in sorted(fresh, key=order):
        number += 1
        customer_id = format_id(prefix, digits, number)
        out.created.append(customer_id)
        out.customer_of.update({record: customer_id for record in records})
    return out
