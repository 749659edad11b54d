"""Read person lists (CSV or Parquet) into Spark and write results as one file.

Lists from partners and events are small next to the lake, and Marketing wants one file back,
not a Spark folder of part files; so results are collected through Arrow and written once.
CSV is read as text throughout: a postcode "01234" or a phone "+44..." must not become a number.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.errors import LakehouseError

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _format(path: Path, role: str) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LakehouseError(f"{role} {path} is neither .csv nor .parquet",
                             "give a file ending in .csv or .parquet")
    return fmt


def read_records(spark, path: Path):
    """A Spark DataFrame of the file's rows; CSV needs a header row."""
    fmt = _format(path, "input")
    if not path.exists():
        raise LakehouseError(f"input file not found: {path}", "check the path")
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.option("header", "true").option("inferSchema", "false")
    return reader.load(str(path.resolve()))


def write_table(df, path: Path) -> int:
    """Write a (small) Spark DataFrame to one CSV or Parquet file; return the row count."""
    fmt = _format(path, "output")
    frame = df.toPandas()
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return len(frame)
