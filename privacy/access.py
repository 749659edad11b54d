"""``lakehouse privacy access``: a GDPR Art. 15 subject-access export of one golden customer.

Everything the platform holds about the person, as one JSON document: the golden record, each
source record in silver with its PII decrypted (``privacy.columns.decrypt_columns``, the same
helper identity resolution uses; blind indexes are left out, they are keyed hashes that mean
nothing to the person), every gold row carrying their ``customer_id`` (consents in force,
bookings, flights, timeline, feedback, segments, scores) and their PostgreSQL CMP rows. The
records are found as erasure finds them (``privacy.erasure_records``), so what access shows
is what erase removes. The file holds clear PII: written 0600, and the read is audited.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.config import Settings
from privacy.erasure_purge import tables_with_customer_id

SKIPPED_SUFFIXES = ("_bidx",)


def _plain(rows) -> list[dict[str, Any]]:
    """Spark rows as JSON-able dicts without blind indexes (pure but for Row.asDict)."""
    return [{k: v for k, v in r.asDict(recursive=True).items()
             if not k.endswith(SKIPPED_SUFFIXES)} for r in rows]


def source_records(spark, settings: Settings, conf: dict, found) -> dict[str, list[dict]]:
    """Per silver table, the customer's full rows with ``<c>_enc`` columns decrypted."""
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns
    from privacy.erasure_records import read_delta

    out = {}
    for entry in conf["records"]:
        keys = sorted({r["_key"] for r in found.rows.get(entry["table"], [])})
        df = read_delta(spark, settings, entry["table"])
        if not keys or df is None:
            continue
        mine = df.where(F.expr(entry["key"]).cast("string").isin(keys))
        encrypted = [c[:-4] for c in mine.columns if c.endswith("_enc")]
        if encrypted and entry.get("subject"):
            mine = decrypt_columns(mine, entry["subject"], encrypted, settings)
        out[entry["table"]] = _plain(mine.collect())
    return out


def gold_rows(spark, settings: Settings, customer_id: str) -> dict[str, list[dict]]:
    from pyspark.sql import functions as F

    from privacy.erasure_records import read_delta

    return {name: _plain(read_delta(spark, settings, name)
                         .where(F.col("customer_id") == customer_id).collect())
            for name in tables_with_customer_id(settings, ("silver", "gold"))}


def postgres_rows(settings: Settings, conf: dict, customer_id: str) -> dict[str, list[dict]]:
    from psycopg import sql
    from psycopg.rows import dict_row

    from pipelines.services import postgres

    out = {}
    with postgres.connect(settings, row_factory=dict_row) as conn:
        existing = {r["table_name"] for r in conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = current_schema()")}
        for table in conf.get("postgres", {}).get("by_customer", []):
            if table in existing:
                out[table] = conn.execute(sql.SQL("select * from {} where customer_id = %s")
                                          .format(sql.Identifier(table)),
                                          [customer_id]).fetchall()
    return out


def export_subject(spark, settings: Settings, customer_id: str, out: Path | None,
                   actor: str) -> tuple[Path, dict[str, Any]]:
    """Write the subject-access export of ``customer_id``; audit it; return (path, document)."""
    from privacy import audit
    from privacy.erasure_records import find_records
    from privacy.exclusions import load_erasure_conf

    conf = load_erasure_conf(settings)
    audit.require_intact(settings)
    found = find_records(spark, settings, conf, customer_id)
    held = gold_rows(spark, settings, customer_id)
    sources = source_records(spark, settings, conf, found)
    profile = (sources.get("silver.loyalty_members")
               or sources.get("silver.pnr_passengers", [])[-1:])
    doc = {"subject_access_export": customer_id, "generated_at": datetime.now(UTC).isoformat(),
           "generated_by": actor, "environment": settings.env,
           "golden_record": {"customer": held.get("silver.golden_customers", []),
                             "profile": profile},  # decrypted: loyalty profile, else a PNR
           "identity_links": held.get("silver.customer_xref", []),
           "source_records": sources,
           "gold": {k: v for k, v in held.items() if k.startswith("gold.")},
           "cmp_postgres": postgres_rows(settings, conf, customer_id)}
    text = json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n"
    path = out or (settings.var_dir / "privacy" / "access" /
                   f"access_{customer_id}_{datetime.now(UTC):%Y%m%dT%H%M%S}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    audit.append(settings, actor, "privacy_access", {
        "customer_id": customer_id, "file": str(path),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "records": {k: len(v) for k, v in doc["source_records"].items()}})
    return path, doc
