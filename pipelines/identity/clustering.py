"""Constrained clustering: merge records along evidence, strongest first, within guardrails.

Plain connected components would let one weak or wrong edge chain two loyalty members, two
passengers of one booking, or a customer a steward split apart, into one person. Here edges
are applied one at a time (rules in conf order, then Splink pairs by falling match weight) to a
union-find whose clusters remember their loyalty numbers, booking groups and split sides; an
edge that would join two clusters breaking a guardrail is refused and reported, and the
clusters stay apart. Existing customers are the seeds: a run can only merge them, never
renumber or break them (that is what ``lakehouse identity split`` is for).

Pure Python on the driver: the graph is small next to the records (one node per record, one
edge per candidate match); at tens of millions of records this would move to a Spark
connected-components job with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MERGED, REFUSED = "merged", "refused"
AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Node:
    """One source record as the clustering sees it (no PII)."""

    record_id: str
    loyalty_number: str | None = None
    group: str | None = None                  # e.g. the PNR locator: one group, one person each
    customer_id: str | None = None            # assigned by an earlier run
    split_tags: frozenset[tuple[str, str]] = frozenset()  # (split_id, "moved" | "kept")


@dataclass(frozen=True)
class Edge:
    """Evidence that two records are one person: a rule (weight None) or a Splink pair."""

    left: str
    right: str
    matched_by: str
    match_weight: float | None = None


@dataclass(frozen=True)
class Decision:
    edge: Edge
    decision: str                             # MERGED or REFUSED
    reason: str | None = None
    absorbed_customer_id: str | None = None   # when the edge joined two existing customers


@dataclass
class _Cluster:
    loyalty: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    tags: set[tuple[str, str]] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    size: int = 1


def order_edges(edges: Iterable[Edge], rule_order: list[str]) -> list[Edge]:
    """Rules first in conf order, then probabilistic pairs by falling weight; ties by ids."""
    rank = {name: n for n, name in enumerate(rule_order)}

    def key(e: Edge):
        tier = rank.get(e.matched_by, len(rank))
        return (tier, -(e.match_weight or 0.0), min(e.left, e.right), max(e.left, e.right))

    return sorted(edges, key=key)


def conflict(a: _Cluster, b: _Cluster, max_loyalty: int) -> str | None:
    """Why clusters ``a`` and ``b`` must not merge, or None (pure; unit-tested)."""
    if len(a.loyalty | b.loyalty) > max_loyalty:
        return "two_loyalty_numbers"
    if a.groups & b.groups:
        return "same_group"
    for split_id, side in a.tags:
        other = "kept" if side == "moved" else "moved"
        if (split_id, other) in b.tags:
            return "split"
    return None


class Clustering:
    """Union-find over records with per-cluster guardrail state."""

    def __init__(self, nodes: Iterable[Node], max_loyalty: int = 1) -> None:
        self.parent: dict[str, str] = {}
        self.state: dict[str, _Cluster] = {}
        self.max_loyalty = max_loyalty
        by_customer: dict[str, str] = {}
        for n in nodes:
            self.parent[n.record_id] = n.record_id
            self.state[n.record_id] = _Cluster(
                {n.loyalty_number} if n.loyalty_number else set(),
                {n.group} if n.group else set(), set(n.split_tags),
                {n.customer_id} if n.customer_id else set())
            if n.customer_id:  # seeds: records of one existing customer start together
                if n.customer_id in by_customer:
                    self._union(by_customer[n.customer_id], n.record_id)
                else:
                    by_customer[n.customer_id] = n.record_id

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def _union(self, x: str, y: str) -> str:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return rx
        a, b = self.state[rx], self.state[ry]
        if a.size < b.size:
            rx, ry, a, b = ry, rx, b, a
        self.parent[ry] = rx
        a.loyalty |= b.loyalty
        a.groups |= b.groups
        a.tags |= b.tags
        a.customers |= b.customers
        a.size += b.size
        del self.state[ry]
        return rx

    def apply(self, edge: Edge) -> Decision | None:
        """Merge along ``edge`` unless a guardrail forbids it; None when already together."""
        if edge.left not in self.parent or edge.right not in self.parent:
            return None
        rx, ry = self.find(edge.left), self.find(edge.right)
        if rx == ry:
            return None
        a, b = self.state[rx], self.state[ry]
        reason = conflict(a, b, self.max_loyalty)
        if reason:
            return Decision(edge, REFUSED, reason)
        absorbed = None
        if a.customers and b.customers:
            absorbed = max(min(a.customers), min(b.customers))  # the older (lower) id stays
        self._union(rx, ry)
        return Decision(edge, MERGED, None, absorbed)

    def clusters(self) -> dict[str, list[str]]:
        """Root -> sorted record ids of its cluster."""
        out: dict[str, list[str]] = {}
        for record in sorted(self.parent):
            out.setdefault(self.find(record), []).append(record)
        return out


def _distinct(a: Node, b: Node) -> bool:
    """Known to be two people: one booking's passengers, or two loyalty numbers."""
    return bool((a.group and a.group == b.group) or (
        a.loyalty_number and b.loyalty_number and a.loyalty_number != b.loyalty_number))


def ambiguous_edges(nodes: Iterable[Node], edges: Iterable[Edge], margin: float) -> set[Edge]:
    """Probabilistic edges of a record that matches two known-different people about equally.

    A name-only booking of "Susan Davies" scores the same against the two Susan Davies of
    another booking (a mother and a daughter); whichever edge came first would win by the
    order of record ids. When two of a record's partners are known to be different people
    (same booking, or two loyalty numbers) and their weights differ by less than ``margin``
    bits, neither edge is evidence of which one it is. Nor is any other edge of that record
    within ``margin`` of them: a third partner scoring the same (another name-only booking
    of "Pawel Wojcik" when two members bear that name) is as likely either person, and
    joining it would pull the record into one of them through the back door (pure;
    unit-tested).
    """
    node = {n.record_id: n for n in nodes}
    partners: dict[str, list[tuple[float, str, Edge]]] = {}
    for e in edges:
        if e.match_weight is None or e.left not in node or e.right not in node:
            continue
        partners.setdefault(e.left, []).append((e.match_weight, e.right, e))
        partners.setdefault(e.right, []).append((e.match_weight, e.left, e))
    out: set[Edge] = set()
    for scored in partners.values():
        scored.sort(key=lambda x: (-x[0], x[1]))
        unsure: list[float] = []  # weights of partners it cannot tell apart
        for i, (w, one, _) in enumerate(scored):
            for w2, other, _ in scored[i + 1:]:
                if w - w2 < margin and _distinct(node[one], node[other]):
                    unsure += [w, w2]
        out |= {edge for w, _, edge in scored if any(abs(w - u) < margin for u in unsure)}
    return out


def resolve(nodes: Iterable[Node], edges: Iterable[Edge], rule_order: list[str],
            max_loyalty: int = 1, ambiguity_margin: float | None = None,
            ) -> tuple[dict[str, list[str]], list[Decision]]:
    """Cluster ``nodes`` along ``edges``; return (clusters, decisions for edges that mattered).

    With ``ambiguity_margin``, :func:`ambiguous_edges` are refused (reason ``ambiguous``)
    before clustering.
    """
    nodes, edges = list(nodes), list(edges)
    unsure = ambiguous_edges(nodes, edges, ambiguity_margin) if ambiguity_margin else set()
    graph = Clustering(nodes, max_loyalty)
    decisions = [Decision(e, REFUSED, AMBIGUOUS) for e in order_edges(unsure, rule_order)]
    decisions += [d for e in order_edges(edges, rule_order)
                  if e not in unsure and (d := graph.apply(e)) is not None]
    return graph.clusters(), decisions
