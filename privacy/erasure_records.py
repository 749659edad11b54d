"""Which records belong to a golden customer, table by table, for erasure and subject access.

Identity resolution already knows the identity sources' records (``silver.customer_xref``); gold's
``fct_customer_timeline`` knows every other source record it attributes to the customer (calls,
cases, purchases, flights, payouts, consents), with the feed's own record key. Both are read
here and turned, per silver table of ``records`` in conf/privacy/erasure.yaml, into the set of
record keys and then the rows themselves (only the columns erasure needs: key, subject,
identifiers to exclude, gold / PostgreSQL match columns).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.spark import table_path


@dataclass
class CustomerRecords:
    """A customer's silver rows per table (dicts of the needed columns) and what follows."""

    customer_id: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def subjects(self) -> set[str]:
        return {r["_subject"] for rows in self.rows.values() for r in rows
                if r.get("_subject") is not None}

    def identifiers(self, conf: dict) -> set[tuple[str, str]]:
        """``(kind, value)`` of every identifier future feeds are checked against."""
        out = set()
        for entry in conf["records"]:
            for kind in entry.get("exclude", {}):
                out |= {(kind, str(r[f"_x_{kind}"])) for r in self.rows.get(entry["table"], [])
                        if r.get(f"_x_{kind}") is not None}
        return out

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in sorted(self.rows.items()) if rows}


def keys_per_table(records_conf: list[dict], xref_rows: Iterable[dict],
                   timeline_keys: dict[str, set[str]]) -> dict[str, set[str]]:
    """Record keys of the customer per silver table (pure).

    ``xref_rows``: the customer's ``customer_xref`` rows (``source_table``, ``record_key``);
    ``timeline_keys``: per conf table, the keys its ``timeline_key`` gave on the customer's
    timeline rows. ``follows`` entries take the keys of the entry they follow.
    """
    xref = list(xref_rows)
    out: dict[str, set[str]] = {}
    for entry in records_conf:
        if "follows" in entry:
            continue
        keys = {r["record_key"] for r in xref if r["source_table"] == entry.get("xref")}
        out[entry["table"]] = keys | set(timeline_keys.get(entry["table"], set()))
    for entry in records_conf:
        if "follows" in entry:
            out[entry["table"]] = set(out.get(entry["follows"], set()))
    return out


def read_delta(spark, settings: Settings, name: str):
    """The Delta table ``layer.table`` as a DataFrame, or None when it does not exist."""
    layer, table = name.split(".")
    path = table_path(settings, layer, table)
    if not (path / "_delta_log").exists():
        return None
    return spark.read.format("delta").load(str(path))


def xref_rows(spark, settings: Settings, customer_id: str) -> list[dict]:
    xref = read_delta(spark, settings, "silver.customer_xref")
    if xref is None:
        return []
    return [r.asDict() for r in xref.where(xref.customer_id == customer_id).collect()]


def _timeline_keys(spark, settings: Settings, conf: dict, customer_id: str) -> dict:
    from pyspark.sql import functions as F

    timeline = read_delta(spark, settings, conf["timeline_table"])
    if timeline is None:
        return {}
    mine = timeline.where(F.col("customer_id") == customer_id)
    parts = [mine.where(F.col("source_table").isin(entry["timeline"])).select(
        F.lit(entry["table"]).alias("t"),
        F.expr(entry.get("timeline_key", "source_key")).cast("string").alias("k"))
        for entry in conf["records"] if entry.get("timeline")]
    out: dict[str, set[str]] = {}
    if parts:
        union = parts[0]
        for part in parts[1:]:
            union = union.unionByName(part)
        for row in union.where("k is not null").collect():  # one job for every table
            out.setdefault(row["t"], set()).add(row["k"])
    return out


def match_columns(conf: dict, table: str) -> set[str]:
    """Silver columns of ``table`` that gold or PostgreSQL rows are matched on."""
    cols: set[str] = set()
    for spec in [*conf.get("gold_extra", []), *conf.get("postgres", {}).get("by_record", [])]:
        if spec["from"] == table:
            cols |= set(spec["match"].values())
    return cols


def _rows_of(df, entry: dict, keys: set[str], cols: set[str]) -> list[dict]:
    from pyspark.sql import functions as F

    picked = [F.expr(entry["key"]).cast("string").alias("_key")]
    if entry.get("subject"):
        picked.append(F.col(entry["subject"]).cast("string").alias("_subject"))
    picked += [F.expr(sql).cast("string").alias(f"_x_{kind}")
               for kind, sql in entry.get("exclude", {}).items()]
    picked += [F.col(c).cast("string").alias(c) for c in sorted(cols)]
    return [r.asDict() for r in df.where(F.expr(entry["key"]).cast("string").isin(sorted(keys)))
            .select(*picked).collect()]


def find_records(spark, settings: Settings, conf: dict, customer_id: str) -> CustomerRecords:
    """The customer's rows in every configured silver table; raise for an unknown customer."""
    xref = xref_rows(spark, settings, customer_id)
    if not xref:
        raise LakehouseError(f"customer {customer_id} not found in silver.customer_xref",
                             "check the id: lakehouse sql \"select customer_id from "
                             "gold.dim_customer limit 5\"")
    keys = keys_per_table(conf["records"], xref, _timeline_keys(spark, settings, conf,
                                                                 customer_id))
    from concurrent.futures import ThreadPoolExecutor

    def rows(entry: dict) -> tuple[str, list[dict] | None]:
        df = read_delta(spark, settings, entry["table"])
        return entry["table"], None if df is None else _rows_of(
            df, entry, keys[entry["table"]], match_columns(conf, entry["table"]))

    wanted = [e for e in conf["records"] if keys.get(e["table"])]
    with ThreadPoolExecutor(max_workers=4) as pool:  # small jobs: hide their latency
        found = dict(pool.map(rows, wanted))
    return CustomerRecords(customer_id, {t: r for t, r in found.items() if r is not None})
