"""Encrypt and decrypt PII columns of Spark DataFrames, and add blind indexes for matching.

``encrypt_columns`` replaces each clear column ``<c>`` by ``<c>_enc`` (binary AES-GCM blob, see
``privacy.crypto``) and appends ``<name>_bidx`` blind indexes. It runs on executors as one
vectorised pandas UDF per row batch: the data is joined with the wrapped data keys of its
subjects, each executor unwraps the keys it meets (cached per batch) with the master key shipped
in the UDF closure. No table file ever holds a clear value; Spark's own scratch files can (the
join with the key store may shuffle clear rows, caches may spill), which is what
``spark.io.encryption.enabled`` is for.

In local mode the closure stays on this machine; on a cluster the master key would travel inside
the task (encrypted RPC needed) and a KMS unwrap call per executor would be the better design.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import pandas as pd  # module level: pandas_udf resolves the type hints in these globals

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from privacy.blind_index import blind_index, index_key
from privacy.crypto import (
    DecryptionError,
    blob_key_version,
    decrypt_value,
    encrypt_value,
    unwrap_key,
)
from privacy.keys import ensure_subject_keys, live_keys
from privacy.master_key import load_index_root, load_master_key

log = logging.getLogger(__name__)
_SUBJECT, _VERSION, _WRAPPED = "_pii_subject", "_pii_key_version", "_pii_wrapped_key"


def _with_keys(df, subject_col: str, settings: Settings):
    from pyspark.sql import functions as F

    keys = live_keys(df.sparkSession, settings).select(
        F.col("subject_id").alias(_SUBJECT), F.col("key_version").alias(_VERSION),
        F.col("wrapped_key").alias(_WRAPPED))
    return df.join(keys, F.col(subject_col).cast("string") == F.col(_SUBJECT), "left")


def _rows(batch):
    """Rows of a pandas batch as dicts, with pandas' NaN/NA for missing values turned into None."""
    names = list(batch.columns)
    for values in zip(*(batch[n].tolist() for n in names), strict=True):
        yield {n: (None if pd.isna(v) else v) for n, v in zip(names, values, strict=True)}


def _key_cache(master: bytes):
    """Unwrap each subject's data key once per batch; None when the subject has no live key."""
    cache: dict[str, bytes | None] = {}

    def key_for(subject, version, wrapped) -> bytes | None:
        if subject not in cache:
            cache[subject] = (None if wrapped is None
                              else unwrap_key(master, bytes(wrapped), subject, int(version)))
        return cache[subject]

    return key_for


def _encryptor(master: bytes, columns: Sequence[str], indexes: Mapping[str, Sequence[str]],
               index_root: bytes | None = None):
    # Blind indexes hang off their own root (privacy.master_key), which survives rotations.
    index_keys = {name: index_key(index_root or master, name) for name in indexes}

    def encrypt(batch: pd.DataFrame) -> pd.DataFrame:
        key_for, out = _key_cache(master), {f"{c}_enc": [] for c in columns}
        out.update({f"{name}_bidx": [] for name in indexes})
        for values in _rows(batch):
            subject, version = values[_SUBJECT], values[_VERSION]
            key = None if version is None else key_for(subject, version, values[_WRAPPED])
            if key is None:
                raise LakehouseError(f"no live data key for subject {subject!r}; refusing to "
                                     "store its row", "subject ids must be non-null")
            for c in columns:
                clear = values[c]
                out[f"{c}_enc"].append(None if clear is None else
                                       encrypt_value(key, clear, subject, c, int(version)))
            for name, parts in indexes.items():
                out[f"{name}_bidx"].append(
                    blind_index(index_keys[name], parts, [values[p] for p in parts]))
        return pd.DataFrame(out)

    return encrypt


def encrypt_columns(df, subject_col: str, columns: Sequence[str], settings: Settings,
                    blind_indexes: Mapping[str, Sequence[str]] | None = None):
    """Return ``df`` with ``columns`` encrypted per subject and blind indexes appended.

    Args:
        df: rows to protect; ``subject_col`` must be non-null (whose data key encrypts the row).
        subject_col: column holding the subject id (loyalty number, later the customer id).
        columns: clear PII columns, each replaced in place by ``<c>_enc`` (binary).
        settings: environment settings (key store location, master key secret).
        blind_indexes: ``{name: [columns...]}``; adds ``<name>_bidx`` (hex HMAC-SHA256).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    indexes = dict(blind_indexes or {})
    ensure_subject_keys(df.sparkSession, settings,
                        df.select(F.col(subject_col).cast("string").alias("subject_id")))
    inputs = list(dict.fromkeys([*columns, *(p for parts in indexes.values() for p in parts)]))
    out_fields = [f"{c}_enc binary" for c in columns] + [f"{n}_bidx string" for n in indexes]
    udf = pandas_udf(_encryptor(load_master_key(settings), list(columns), indexes,
                                load_index_root(settings)),
                     ", ".join(out_fields)).asNondeterministic()
    struct = F.struct(F.col(_SUBJECT), F.col(_VERSION), F.col(_WRAPPED),
                      *[F.col(c).cast("string").alias(c) for c in inputs])
    sealed = _with_keys(df, subject_col, settings).withColumn("_pii", udf(struct))
    kept = [F.col(f"_pii.{c}_enc").alias(f"{c}_enc") if c in columns else F.col(c)
            for c in df.columns]
    return sealed.select(*kept, *[F.col(f"_pii.{n}_bidx").alias(f"{n}_bidx") for n in indexes])


def _decryptor(master: bytes, columns: Sequence[str]):
    def open_blob(key, blob, subject, column, version) -> str | None:
        if key is None or blob is None:
            return None
        try:
            if blob_key_version(bytes(blob)) != int(version):
                return None  # encrypted under an earlier, destroyed key of this subject
            return decrypt_value(key, bytes(blob), subject, column)
        except DecryptionError:
            return None

    def decrypt(batch: pd.DataFrame) -> pd.DataFrame:
        key_for, out = _key_cache(master), {c: [] for c in columns}
        for values in _rows(batch):
            subject, version = values[_SUBJECT], values[_VERSION]
            key = None if version is None else key_for(subject, version, values[_WRAPPED])
            for c in columns:
                out[c].append(open_blob(key, values[f"{c}_enc"], subject, c, version))
        return pd.DataFrame(out)

    return decrypt


def decrypt_columns(df, subject_col: str, columns: Sequence[str], settings: Settings):
    """Return ``df`` with each ``<c>_enc`` replaced by clear ``<c>`` (string; dates ISO).

    A value whose subject has no live key (destroyed: erased), or that fails authentication,
    comes back null; decrypting is for the DPO's subject-access and erasure checks, not for
    pipelines, which should work on blind indexes.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    udf = pandas_udf(_decryptor(load_master_key(settings), list(columns)),
                     ", ".join(f"{c} string" for c in columns))
    struct = F.struct(F.col(_SUBJECT), F.col(_VERSION), F.col(_WRAPPED),
                      *[F.col(f"{c}_enc") for c in columns])
    opened = _with_keys(df, subject_col, settings).withColumn("_pii", udf(struct))
    kept = [F.col(f"_pii.{c[:-4]}").alias(c[:-4]) if c[:-4] in columns and c.endswith("_enc")
            else F.col(c) for c in df.columns]
    return opened.select(*kept)
