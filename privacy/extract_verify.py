"""Check a written partner extract from the outside: files against the manifest, and no trace of
the included people's own PII (names, e-mails, phones, loyalty numbers) anywhere in it.

The extract job anonymises free text with the same analyzer that would scan it afterwards, so a
re-scan alone proves little. This check works the other way round: it reverses the partner
pseudonyms (only we hold the key), decrypts what silver holds about each included customer
(loyalty profile and PNR passenger records, through ``silver.customer_xref``) and looks for those
values in every cell of the extract as plain strings: full names case- and accent-insensitively,
e-mails and loyalty numbers as substrings, phones by their last nine digits in the digits of
the text. The integration test and ``benchmarks/bench_partner_extract.py`` use it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from anyascii import anyascii

from pipelines.config import Settings
from pipelines.spark import table_path
from privacy.pseudonyms import partner_key, pseudonym

PROFILE_FIELDS = {"silver.loyalty_members": ("loyalty_number", "loyalty_number"),
                  "silver.pnr_passengers": ("pax_key", "pax_key")}  # table -> (key, subject)
PHONE_DIGITS = 9


def check_files(folder: Path) -> list[str]:
    """Problems with the files the manifest lists (missing, size or SHA-256 differ); [] if none."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    for entry in manifest["files"]:
        path = folder / entry["name"]
        if not path.is_file():
            problems.append(f"{entry['name']}: missing")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['name']}: SHA-256 differs from the manifest")
    return problems


def reverse_pseudonyms(ids: Iterable[str], master_key: bytes, partner: str) -> dict[str, str]:
    """``{pseudonym: customer_id}`` for the given ids under the partner's key."""
    key = partner_key(master_key, partner)
    return {pseudonym(key, i): i for i in ids}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", anyascii(text).casefold()).strip()


def source_pii(spark, settings: Settings, customer_ids: Iterable[str]) -> dict[str, set[str]]:
    """Per customer: full names, e-mails, phones, loyalty numbers held in silver (decrypted)."""
    from pyspark.sql import functions as F

    from privacy.columns import decrypt_columns

    wanted = spark.createDataFrame([(c,) for c in set(customer_ids)], "customer_id string")
    xref = (spark.read.format("delta").load(str(table_path(settings, "silver", "customer_xref")))
            .join(wanted, "customer_id"))
    out: dict[str, set[str]] = {}
    for table, (key, subject) in PROFILE_FIELDS.items():
        rows = spark.read.format("delta").load(str(table_path(settings, *table.split("."))))
        mine = (xref.where(F.col("source_table") == table).select("customer_id", "record_key")
                .join(rows, F.col("record_key") == F.col(key)))
        opened = decrypt_columns(mine, subject, ["first_name", "last_name", "email", "phone"],
                                 settings).collect()
        for r in opened:
            values = out.setdefault(r.customer_id, set())
            if r.first_name and r.last_name:
                values.add(f"name:{_norm(r.first_name + ' ' + r.last_name)}")
            values |= {f"email:{r.email.casefold()}"} if r.email else set()
            digits = re.sub(r"\D", "", r.phone or "")
            values |= {f"phone:{digits[-PHONE_DIGITS:]}"} if len(digits) >= PHONE_DIGITS else set()
            if table == "silver.loyalty_members":
                values.add(f"loyalty:{r.record_key.casefold()}")
    return out


def find_pii(frame: pd.DataFrame, pii: Mapping[str, set[str]]) -> list[dict]:
    """Every (row, column, kind) where one of the values in ``pii`` (any customer's) appears."""
    values = set().union(*pii.values()) if pii else set()
    by_kind: dict[str, list[str]] = {}
    for v in values:
        kind, _, text = v.partition(":")
        by_kind.setdefault(kind, []).append(text)
    hits = []
    for column in frame.columns:
        for row, cell in frame[column].items():
            if not isinstance(cell, str) or not cell:
                continue
            plain, digits = _norm(cell), re.sub(r"\D", "", cell)
            for kind, texts in by_kind.items():
                haystack = digits if kind == "phone" else plain
                if any(t and t in haystack for t in texts):
                    hits.append({"row": int(row), "column": column, "kind": kind})
    return hits
