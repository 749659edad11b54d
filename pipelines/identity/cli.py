"""``lakehouse identity``: match person lists outside the lake with the lake's matching engine.

Marketing matches a partner's or an event's list against golden customers; the FEBRL benchmark
drives the same functions (:func:`run_dedupe`, :func:`run_link`), so a figure measured there is a
figure for this command.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from pipelines.config import load_settings
from pipelines.errors import LakehouseError
from pipelines.identity.fields import FIELDS, check_columns, parse_mapping

log = logging.getLogger(__name__)
identity_app = typer.Typer(help="Match person records in CSV/Parquet files (Splink on Spark).",
                           no_args_is_help=True)

MAP_HELP = f"FIELD=COLUMN pairs, comma-separated; fields: {', '.join(FIELDS)}."
MapOpt = Annotated[str, typer.Option("--map", help=MAP_HELP)]
OutOpt = Annotated[Path, typer.Option("--out", help="Output file, .csv or .parquet.")]
ThresholdOpt = Annotated[float | None, typer.Option(
    help="Match probability a pair needs (default: threshold in conf/identity.yaml).")]
IdOpt = Annotated[str | None, typer.Option(
    "--id-column", help="Column holding a record id (default: 1-based row number).")]


def _prepared(spark, path: Path, mapping: dict[str, str], conf, id_column: str | None):
    """Read a file, check the mapping against it, return (keyed rows, standardised records)."""
    from pipelines.identity.io import read_records
    from pipelines.identity.prepare import keyed_rows, standardise

    df = read_records(spark, path)
    check_columns({**mapping, **({"id": id_column} if id_column else {})}, df.columns, str(path))
    keyed = keyed_rows(df, id_column).persist()
    if id_column and keyed.select(id_column).distinct().count() != keyed.count():
        raise LakehouseError(f"--id-column '{id_column}' in {path} has repeated or empty ids",
                             "give a column with one distinct id per row, or omit --id-column")
    return keyed, standardise(keyed, mapping, conf).persist()


def _context():
    from pipelines.identity.settings import load_identity_conf
    from pipelines.spark import get_spark

    settings = load_settings()
    return get_spark(settings), load_identity_conf(settings)


def run_dedupe(spark, conf, path: Path, mapping: dict[str, str], out: Path,
               threshold: float | None = None, id_column: str | None = None):
    """Cluster one file and write its rows plus ``cluster_id``; return the MatchResult."""
    from pipelines.identity import engine
    from pipelines.identity.io import write_table
    from pipelines.identity.prepare import RECORD_ID

    keyed, records = _prepared(spark, path, mapping, conf, id_column)
    result = engine.dedupe(spark, records, conf, conf["threshold"] if threshold is None
                           else threshold)
    rows = keyed.join(result.clusters, RECORD_ID, "left").orderBy(
        keyed[RECORD_ID].cast("long") if id_column is None else keyed[RECORD_ID])
    write_table(rows.drop(RECORD_ID) if id_column else rows, out)
    engine.clear_checkpoints(conf)
    return result


def run_link(spark, conf, left: Path, right: Path, mapping: dict[str, str], out: Path,
             threshold: float | None = None, id_column: str | None = None,
             right_mapping: dict[str, str] | None = None):
    """Link two files and write pairs with match weights; return the MatchResult."""
    from pipelines.identity import engine
    from pipelines.identity.io import write_table

    _, left_records = _prepared(spark, left, mapping, conf, id_column)
    _, right_records = _prepared(spark, right, right_mapping or mapping, conf, id_column)
    result = engine.link(spark, left_records, right_records, conf,
                         conf["threshold"] if threshold is None else threshold)
    result.counts["pairs_written"] = write_table(
        result.pairs.orderBy("left_id", "right_id"), out)
    engine.clear_checkpoints(conf)
    return result


@identity_app.command("dedupe")
def dedupe_command(
    in_: Annotated[Path, typer.Option("--in", help="Person records, .csv or .parquet.")],
    map_: MapOpt, out: OutOpt, threshold: ThresholdOpt = None, id_column: IdOpt = None,
) -> None:
    """Find the same person within one list; write every row plus its cluster_id."""
    mapping = parse_mapping(map_)
    spark, conf = _context()
    result = run_dedupe(spark, conf, in_, mapping, out, threshold, id_column)
    typer.echo(f"{result.counts['records_in']} records, {result.counts['clusters']} clusters "
               f"-> {out}")


@identity_app.command("link")
def link_command(
    left: Annotated[Path, typer.Option(help="Left list, .csv or .parquet.")],
    right: Annotated[Path, typer.Option(help="Right list, .csv or .parquet.")],
    map_: MapOpt, out: OutOpt, threshold: ThresholdOpt = None, id_column: IdOpt = None,
    right_map: Annotated[str | None, typer.Option(
        help="Mapping for --right when its columns differ (default: --map).")] = None,
) -> None:
    """Find the same person across two lists; write left_id, right_id and match weights."""
    mapping = parse_mapping(map_)
    right_mapping = parse_mapping(right_map) if right_map else None
    spark, conf = _context()
    result = run_link(spark, conf, left, right, mapping, out, threshold, id_column,
                      right_mapping)
    typer.echo(f"{result.counts['records_in']} records, {result.counts['pairs_written']} "
               f"pairs -> {out}")


@identity_app.command("split")
def split_command(
    customer: Annotated[str, typer.Option(help="Golden customer id, e.g. C000000042.")],
    records: Annotated[str, typer.Option(
        help="Records to move to a new customer, comma-separated: KEY or TABLE:KEY "
             "(a loyalty number, LOCATOR/PAX_ID, ...).")],
    reason: Annotated[str, typer.Option(help="Why these records are another person.")],
    by: Annotated[str | None, typer.Option(
        "--by", help="Who asks for the split (default: the OS user).")] = None,
) -> None:
    """Undo a merge: the records get a new customer id, stay apart in later runs, audited."""
    from pipelines.identity.split import split_customer
    from pipelines.spark import get_spark
    from privacy.audit import default_actor

    settings = load_settings()
    keys = [k.strip() for k in records.split(",") if k.strip()]
    if not keys:
        raise LakehouseError("--records is empty", "name at least one record key")
    done = split_customer(get_spark(settings), settings, customer, keys, reason,
                          by or default_actor())
    typer.echo(f"{len(done['records'])} records of {customer} -> {done['new_customer_id']} "
               f"({done['split_id']}, audited)")
