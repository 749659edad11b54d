"""Conformance helpers every silver source shares: text, UTC timestamps, IATA, ISO 4217, phones.

Sources disagree on formats; silver must not. The rules live here once so that a PNR, a consent
event and a loyalty profile conform their values the same way:

- timestamps are parsed with their UTC offset into Spark ``timestamp`` values (instants; the
  session time zone is UTC, so a value without offset is read as UTC too);
- airports are IATA codes found in ``conf/reference/airports.csv`` (pipeline reference data, not
  the generator's copy), which also gives each airport's time zone for local-to-UTC conversion;
- currencies are active ISO 4217 codes;
- phones become E.164 with ``phonenumbers`` (national forms need a region hint, e.g. a
  passenger's nationality); names are trimmed, whitespace-collapsed, and title-cased only when
  they arrive all upper or all lower case (``McDonald`` and ``deBoer`` keep their shape).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd  # module level: pandas_udf resolves the type hints in these globals

from pipelines.config import CONF_DIR
from pipelines.silver.merge import SilverReport, merge_into

AIRPORTS_CSV = CONF_DIR / "reference" / "airports.csv"
ISO_CURRENCIES = frozenset("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())
LINEAGE = ("_source_file", "_line", "_ingested_at", "_batch_id")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\s\-']+")


@lru_cache(maxsize=4)
def airport_time_zones(path: Path = AIRPORTS_CSV) -> dict[str, str | None]:
    """``{iata: tz database zone or None}`` of the reference airports."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # OpenFlights writes an unknown zone as \N; the airport is still a valid IATA code.
    return {row["iata"].strip().upper(): (None if row["tz"].strip() in ("", "\\N")
                                          else row["tz"].strip()) for row in rows}


def clean(col: str):
    """Trimmed text with empty strings as null (sources use both for "no value")."""
    from pyspark.sql import functions as F

    return F.nullif(F.trim(F.col(col)), F.lit(""))


def utc_timestamp(col: str):
    """An ISO-8601 string with offset as a timestamp (instant); unreadable text becomes null."""
    from pyspark.sql import functions as F

    return F.try_to_timestamp(clean(col))


def local_to_utc(date_col, time_col, iata_col):
    """Local date + ``HH:mm`` at an airport as a UTC timestamp (null for unknown airports)."""
    from pyspark.sql import functions as F

    known = sorted((k, v) for k, v in airport_time_zones().items() if v)
    zone = F.create_map(*[F.lit(v) for kv in known for v in kv])[iata_col]
    local = F.try_to_timestamp(F.concat_ws(" ", date_col.cast("string"), time_col),
                               F.lit("yyyy-MM-dd HH:mm"))
    return F.when(zone.isNotNull(), F.to_utc_timestamp(local, F.coalesce(zone, F.lit("UTC"))))


def is_known_airport(col):
    from pyspark.sql import functions as F

    return F.coalesce(col.isin(*airport_time_zones()), F.lit(False))


def is_iso_currency(col):
    from pyspark.sql import functions as F

    return F.coalesce(col.isin(*sorted(ISO_CURRENCIES)), F.lit(False))


def to_e164(phone: str | None, region: str | None = None) -> str | None:
    """``phone`` in E.164, or None if it cannot be read as a possible number.

    ``00`` international prefixes are accepted without a region; national forms need ``region``
    (ISO 3166 alpha-2). Possible rather than valid numbers are kept: number plans change faster
    than the library, and a blind index only needs the same digits on both sides.
    """
    import phonenumbers

    if not phone or not str(phone).strip():
        return None
    text = str(phone).strip()
    text = "+" + text[2:] if text.startswith("00") else text
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_person_name(name: str | None) -> str | None:
    """Trim, collapse whitespace, NFC; title-case only names that arrive in a single case."""
    if name is None or not str(name).strip():
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", str(name)).strip())
    if text.isupper() or text.islower():
        text = _WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), text)
    return text


def _none_if_missing(value):
    return None if value is None or value != value else value


def phone_e164(phone_col, region_col):
    """Column: E.164 phone via ``phonenumbers`` (vectorised pandas UDF), null if unreadable."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("string")
    def e164(phones: pd.Series, regions: pd.Series) -> pd.Series:
        return pd.Series([to_e164(_none_if_missing(p), _none_if_missing(r))
                          for p, r in zip(phones, regions, strict=True)], dtype=object)

    return e164(phone_col, region_col)


def person_name(col):
    """Column: :func:`normalise_person_name` applied by a vectorised pandas UDF."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("string")
    def names(values: pd.Series) -> pd.Series:
        return pd.Series([normalise_person_name(_none_if_missing(v)) for v in values],
                         dtype=object)

    return names(col)


def blind_index_column(df, name: str, parts: list[str], settings):
    """``df`` plus ``<name>_bidx``: the blind index of ``parts`` (see ``privacy.blind_index``).

    For sources that only need to *match* a value (a consent's email), not keep it: no data key
    is involved, so no ciphertext is stored and nothing needs erasing but the index itself.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    from privacy.blind_index import blind_index, index_key
    from privacy.master_key import load_index_root

    key = index_key(load_index_root(settings), name)  # survives master-key rotation

    @pandas_udf("string")
    def index(values: pd.DataFrame) -> pd.Series:
        rows = zip(*(values[p].tolist() for p in parts), strict=True)
        return pd.Series([blind_index(key, parts, [_none_if_missing(v) for v in row])
                          for row in rows], dtype=object)

    struct = F.struct(*[F.col(p).cast("string").alias(p) for p in parts])
    return df.withColumn(f"{name}_bidx", index(struct))


@dataclass
class ConformReport(SilverReport):
    """A silver table's counts: ``read = merged + quarantined + duplicates`` for each batch.

    ``inserted`` comes from Delta's MERGE metrics, so a replay shows up as zero new rows.
    """

    duplicates: int = 0
    inserted: int = 0
    warnings: int = 0


def split_checks(df, checks: list[tuple[str, str, object]], key):
    """Rows passing every check, and one quarantine row per failing row (its first failure).

    Args:
        df: rows with the bronze lineage columns (``_source_file``, ``_line``, ...).
        checks: ``(expectation_name, field, failing_condition)`` in priority order.
        key: column naming the record in quarantine (a business key, never PII).
    """
    from pyspark.sql import functions as F

    problem = F.lit(None).cast("string")
    for name, field, failing in reversed(checks):
        problem = F.when(F.coalesce(failing, F.lit(True)), F.lit(f"{field}|{name}"))\
            .otherwise(problem)
    flagged = df.withColumn("_problem", problem)
    rejects = flagged.where("_problem is not null").select(
        F.split("_problem", r"\|")[0].alias("field"), F.split("_problem", r"\|")[1].alias("reason"),
        key.cast("string").alias("raw"), *LINEAGE)
    return flagged.where("_problem is null").drop("_problem"), rejects


def quarantine_rows(rejects, source: str, table: str):
    """Rejects in the shape of ``quarantine.records``."""
    from pyspark.sql import functions as F

    return rejects.select(F.lit(source).alias("source"), F.lit("silver").alias("layer"),
                          F.lit(table).alias("table_name"), "_source_file", "_line", "field",
                          "reason", "raw", "_ingested_at", "_batch_id")


def latest_by(df, keys: list[str], *order):
    """One row per ``keys``: the first by ``order`` (most recent first)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    window = Window.partitionBy(*keys).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).where("_rank = 1").drop("_rank")


def merge_counting(spark, df, path, keys: list[str], newer_than: str | None = None) -> int:
    """``merge_into`` and return how many rows the MERGE inserted (Delta operation metrics)."""
    from delta.tables import DeltaTable

    merge_into(spark, df, path, keys, newer_than)
    metrics = DeltaTable.forPath(spark, str(path)).history(1).first().operationMetrics
    return int(metrics.get("numTargetRowsInserted", 0))


def record_version():
    """``<file name>:<line, 9 digits>``: orders copies of a record by when they were landed.

    Feed files are named by their day, so a late file of an older day sorts before a newer
    one and the MERGE (``newer_than``) never lets it overwrite the newer copy.
    """
    from pyspark.sql import functions as F

    return F.concat(F.element_at(F.split("_source_file", "/"), -1), F.lit(":"),
                    F.lpad(F.col("_line").cast("string"), 9, "0"))
