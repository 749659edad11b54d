"""Bronze rows of an erased customer: deleted, or for PNR bookings redacted per passenger.

Bronze keeps raw records in clear (names, emails, phones in JSON payloads), so crypto-shredding
does not reach it. The rows to remove are found by the same identifiers, per bronze table, that
the bronze -> silver filter checks afterwards (``exclusions`` in conf/privacy/erasure.yaml), so
what is erased now is exactly what is kept out later. A booking is shared by its passengers: it
loses the erased passenger (and their SSRs, and the contact if it was theirs) and is deleted only
when nobody is left (``privacy.exclusions.redact_booking``).
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.spark import table_path
from privacy import delta_log
from privacy.erasure_purge import TableChange, delete_all
from privacy.exclusions import (
    PNR_TABLE,
    REDACTED,
    exclusion_key,
    identifier_hash,
    passenger_is_erased,
    redact_booking,
)

KEY_COLS = ("record_locator", "_source_file", "_line")


def by_kind(identifiers: set[tuple[str, str]]) -> dict[str, set[str]]:
    """``{kind: {normalised values}}`` (pure; trimmed, upper-cased as the hashes are)."""
    out: dict[str, set[str]] = {}
    for kind, value in identifiers:
        out.setdefault(kind, set()).add(str(value).strip().upper())
    return out


def delete_bronze(spark, settings: Settings, conf: dict, found) -> list[TableChange]:
    """Delete (or redact) every bronze row carrying one of the customer's identifiers."""
    from pyspark.sql import functions as F

    values = by_kind(found.identifiers(conf))
    jobs = []
    for table, kinds in conf["exclusions"].items():
        conds = [F.upper(F.trim(F.expr(sql).cast("string"))).isin(sorted(values[kind]))
                 for kind, sql in kinds.items() if values.get(kind)]
        if conds and table != PNR_TABLE:
            cond = conds[0]
            for more in conds[1:]:
                cond = cond | more
            jobs.append((f"bronze.{table}", cond))
    redacted = redact_pnr(spark, settings, values) if PNR_TABLE in conf["exclusions"] else None
    return delete_all(spark, settings, jobs) + ([redacted] if redacted else [])


def redact_pnr(spark, settings: Settings, values: dict[str, set[str]]) -> TableChange | None:
    """Remove the erased passengers from bronze PNR bookings (MERGE: update or delete)."""
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    path = table_path(settings, "bronze", PNR_TABLE)
    locators = {v.rsplit("/", 1)[0] for v in values.get("pax", set())}
    loyalty = values.get("loyalty_number", set())
    if not (path / "_delta_log").exists() or not (locators or loyalty):
        return None
    key = exclusion_key(settings)
    hashes = {identifier_hash(key, kind, v) for kind in ("pax", "loyalty_number")
              for v in values.get(kind, set())}
    bookings = spark.read.format("delta").load(str(path))
    cond = F.upper(F.col("record_locator")).isin(sorted(locators))
    for number in sorted(loyalty):
        cond = cond | F.upper(F.col("passengers")).contains(number)
    erased = passenger_is_erased(key, hashes)
    updates = []
    for row in bookings.where(cond).select(*KEY_COLS, *REDACTED).collect():
        done = redact_booking(row.asDict(), erased)
        if done:
            updates.append((*(row[c] for c in KEY_COLS), done["delete"],
                            *(done.get(c) for c in REDACTED)))
    if not updates:
        return None
    schema = ("record_locator string, _source_file string, _line int, _delete boolean, "
              + ", ".join(f"{c} string" for c in REDACTED))
    before = delta_log.version(path / "_delta_log")
    on = " and ".join(f"t.{c} <=> s.{c}" for c in KEY_COLS)
    (DeltaTable.forPath(spark, str(path)).alias("t")
     .merge(spark.createDataFrame(updates, schema).alias("s"), on)
     .whenMatchedDelete("s._delete")
     .whenMatchedUpdate(set={c: f"s.{c}" for c in REDACTED}).execute())
    return TableChange(f"bronze.{PNR_TABLE}", "redact passengers", len(updates), before,
                       delta_log.version(path / "_delta_log"))
