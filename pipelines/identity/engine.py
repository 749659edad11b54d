"""Train, predict and cluster person records with Splink on the lake's Spark session.

One engine for every caller: the `lakehouse identity` commands, the FEBRL benchmark and (later)
the golden-customer job all pass standardised records (:func:`prepare.standardise`) and get a
:class:`MatchResult` of Spark DataFrames back, so reading and writing stay at their edges.
The model is Fellegi-Sunter: the prior from deterministic rules, u by random sampling, m by EM.

Training runs on DuckDB in this process's memory by default (``training.backend``), prediction on
Spark. Splink's EM on Spark pulls every iteration's aggregates through a Spark job (25-60 s
each on 2,535 records: a 1,209 s identity stage at 2k customers in the scale bench, 127 s with
EM on DuckDB over an Arrow copy of the records, docs/deploy.md). The trained m, u and prior
are copied into Spark-dialect settings, so prediction (the part that grows with the pairs) stays
on the cluster.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.errors import LakehouseError
from pipelines.identity.fields import BIRTH_YEARS, FIELDS, PARTY
from pipelines.identity.prepare import RECORD_ID
from pipelines.identity.settings import splink_settings, usable_rules

log = logging.getLogger(__name__)


@dataclass
class MatchResult:
    """Pairs at or above the threshold, clusters (dedupe only) and the counts per stage."""

    pairs: Any                      # Spark DataFrame: left_id, right_id, match_weight, ..._prob
    clusters: Any = None            # Spark DataFrame: record_id, cluster_id
    counts: dict[str, int] = field(default_factory=dict)


def spark_api(spark, conf: dict[str, Any]):
    """Splink's Spark backend; lineage breaks are parquet files under the env's var dir."""
    from splink import SparkAPI

    # Splink logs every sampling chunk and EM iteration at INFO; our per-stage counts suffice.
    logging.getLogger("splink").setLevel(logging.WARNING)
    ckpt = Path(conf["checkpoint_dir"])
    ckpt.mkdir(parents=True, exist_ok=True)
    spark.sparkContext.setCheckpointDir(str(ckpt))
    return SparkAPI(spark_session=spark, num_partitions_on_repartition=int(conf["num_partitions"]),
                    break_lineage_method=conf.get("break_lineage", "parquet"))


def clear_checkpoints(conf: dict[str, Any]) -> None:
    """Remove Splink's intermediate parquet once results are written (they are scratch)."""
    shutil.rmtree(conf["checkpoint_dir"], ignore_errors=True)


def _fields(records) -> set[str]:
    """Our person fields in ``records``, plus "birth_years" / "co_travel" when their derived
    columns are there (the golden job adds them)."""
    cols = set(records.columns)
    derived = {name for name, needs in (("birth_years", BIRTH_YEARS),
                                           ("co_travel", (*PARTY, "group_key")))
               if set(needs) <= cols}
    return {c for c in cols if c in FIELDS} | derived


def train(linker, conf: dict[str, Any], fields: set[str], n_records: int) -> None:
    """Estimate the prior and u; m by EM only when ``training.em`` is on and the input is big
    enough to hold many matches.

    Below ``training.em_min_records`` EM has a handful of matches to learn from and drifts
    (it can drive an m to 0), so small lists keep the conf's m priors. EM is off by default:
    on the generated airline worlds it cost precision at every size measured (conf comment).
    An EM block that still cannot train (a level never observed) is skipped with a warning.
    """
    from splink.internals.exceptions import SplinkException

    training = conf["training"]
    deterministic = usable_rules(training["deterministic_rules"], fields)
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(
            deterministic, recall=float(training["recall"]))
    small = n_records < int(training["em_min_records"])
    linker.training.estimate_u_using_random_sampling(
        max_pairs=float(training["u_max_pairs"]), seed=int(training["seed"]),
        num_chunks=1 if small else int(training["u_num_chunks"]))
    if small or not training.get("em", True):
        log.info("identity: m from conf priors (%d records, em %s, em_min_records %s)",
                 n_records, training.get("em", True), training["em_min_records"])
        return
    for rule in usable_rules(training["em_blocks"], fields):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
        except (SplinkException, ValueError) as exc:
            log.warning("identity: EM round skipped (%s)", str(exc).splitlines()[0])


def train_on_duckdb(frames: list[tuple[Any, str | None]], conf: dict[str, Any],
                    fields: set[str], link_type: str, n_records: int) -> dict[str, Any]:
    """Train on DuckDB, in memory only, and return the trained model (Splink settings dict).

    ``frames`` are the Spark inputs with their dataset names (None for dedupe). Above
    ``training.max_records`` a seeded random sample is trained on: the prior, u and m are
    proportions, which a uniform sample of records estimates without bias. The records hold
    clear PII, so DuckDB's spilling to disk is switched off (``temp_directory`` empty).
    """
    import duckdb
    from splink import DuckDBAPI, Linker

    training = conf["training"]
    cap = int(training.get("max_records") or 0)
    fraction = min(1.0, cap / n_records) if cap and n_records else 1.0
    con = duckdb.connect(":memory:")
    con.execute("SET temp_directory = ''")
    try:
        db_api = DuckDBAPI(connection=con)
        tables, n_trained = [], 0
        for frame, name in frames:
            sample = frame if fraction >= 1.0 else frame.sample(fraction=fraction,
                                                                seed=int(training["seed"]))
            arrow = sample.toArrow()
            n_trained += arrow.num_rows
            # DuckDB reads the name as a table name: "left"/"right" are keywords there
            tables.append(db_api.register(arrow, dataset_display_name=f"{name}_records") if name
                          else db_api.register(arrow))
        log.info("identity: training on DuckDB with %d of %d records", n_trained, n_records)
        linker = Linker(tables if len(tables) > 1 else tables[0],
                        splink_settings(conf, fields, link_type))
        train(linker, conf, fields, n_trained)
        return linker.misc.save_model_to_json()
    finally:
        con.close()


def with_parameters(settings: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """``settings`` (any dialect) carrying the prior, m and u of ``model``, by comparison name.

    Both come from :func:`splink_settings` with the same fields, so levels line up. A comparison
    the model lacks keeps the conf's priors with a warning: Splink drops the comparison an EM
    round blocks on from the linker when that round fails (an m driven to 0), and predicting
    without it would lose its evidence. A comparison or level count the settings do not have
    means another conf trained the model: refused, not guessed.
    """
    trained = {c["output_column_name"]: c for c in model["comparisons"]}
    names = [c["output_column_name"] for c in settings["comparisons"]]
    unknown = sorted(set(trained) - set(names))
    if unknown:
        raise LakehouseError(f"trained comparisons {unknown} are not in the settings {names}",
                             "train and predict with the same conf")
    out = dict(settings)
    out["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    comparisons = []
    for ours in settings["comparisons"]:
        name, levels = ours["output_column_name"], ours["comparison_levels"]
        if name not in trained:
            log.warning("identity: comparison %s was not trained; its conf priors are used", name)
            comparisons.append(ours)
            continue
        if len(levels) != len(trained[name]["comparison_levels"]):
            raise LakehouseError(f"trained comparison {name} has other levels than the settings",
                                 "train and predict with the same conf")
        comparisons.append({**ours, "comparison_levels": [
            {**lv, **{k: t[k] for k in ("m_probability", "u_probability") if k in t}}
            for lv, t in zip(levels, trained[name]["comparison_levels"], strict=True)]})
    out["comparisons"] = comparisons
    return out


def trained_linker(db_api, frames: list[tuple[Any, str | None]], conf: dict[str, Any],
                   fields: set[str], link_type: str, n_records: int):
    """A Spark linker with trained parameters, trained where ``training.backend`` says."""
    from splink import Linker

    settings = splink_settings(conf, fields, link_type)
    tables = [db_api.register(df, dataset_display_name=name) if name else db_api.register(df)
              for df, name in frames]
    registered = tables if len(tables) > 1 else tables[0]
    if conf["training"].get("backend", "spark") == "duckdb":
        model = train_on_duckdb(frames, conf, fields, link_type, n_records)
        spark_settings = settings.create_settings_dict(db_api.sql_dialect.sql_dialect_str)
        return Linker(registered, with_parameters(spark_settings, model))
    linker = Linker(registered, settings)
    train(linker, conf, fields, n_records)
    return linker


def _check_size(counts: dict[str, int], conf: dict[str, Any]) -> None:
    limit = int(conf["guardrails"]["max_records"])
    if counts["records_in"] > limit:
        raise LakehouseError(
            f"{counts['records_in']} records exceed the limit of {limit}",
            "raise guardrails.max_records in conf/identity.yaml, or split the input")


def _predict(linker, threshold: float, counts: dict[str, int]):
    predictions = linker.inference.predict()
    scored = predictions.as_spark_dataframe().persist()
    counts["candidate_pairs"] = scored.count()
    above = scored.where(scored.match_probability >= threshold)
    counts["pairs_above_threshold"] = above.count()
    return predictions, above


def dedupe(spark, records, conf: dict[str, Any], threshold: float) -> MatchResult:
    """Cluster one standardised list: ``record_id`` -> ``cluster_id`` (connected components)."""
    counts = {"records_in": records.count()}
    _check_size(counts, conf)
    log.info("identity dedupe: %d records in", counts["records_in"])
    linker = trained_linker(spark_api(spark, conf), [(records, None)], conf, _fields(records),
                            "dedupe_only", counts["records_in"])
    predictions, above = _predict(linker, threshold, counts)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_spark_dataframe()
    clusters = clustered.select(RECORD_ID, "cluster_id").persist()
    counts["clusters"] = clusters.select("cluster_id").distinct().count()
    _flag_big_clusters(clusters, conf)
    pairs = above.selectExpr(f"{RECORD_ID}_l as left_id", f"{RECORD_ID}_r as right_id",
                             "match_weight", "match_probability")
    _log_counts("dedupe", counts)
    return MatchResult(pairs=pairs, clusters=clusters, counts=counts)


def score_pairs(spark, records, conf: dict[str, Any], threshold: float) -> MatchResult:
    """Pairs within one standardised list at or above ``threshold``, without clustering.

    For callers that cluster themselves under constraints (the golden-customer job).
    """
    counts = {"records_in": records.count()}
    _check_size(counts, conf)
    linker = trained_linker(spark_api(spark, conf), [(records, None)], conf, _fields(records),
                            "dedupe_only", counts["records_in"])
    _, above = _predict(linker, threshold, counts)
    pairs = above.selectExpr(f"{RECORD_ID}_l as left_id", f"{RECORD_ID}_r as right_id",
                             "match_weight", "match_probability")
    _log_counts("score", counts)
    return MatchResult(pairs=pairs, counts=counts)


def link(spark, left, right, conf: dict[str, Any], threshold: float) -> MatchResult:
    """Pairs across two standardised lists (``link_only``): left_id, right_id and weights."""
    counts = {"records_in": left.count() + right.count()}
    _check_size(counts, conf)
    log.info("identity link: %d records in", counts["records_in"])
    linker = trained_linker(spark_api(spark, conf), [(left, "left"), (right, "right")], conf,
                            _fields(left) & _fields(right), "link_only", counts["records_in"])
    _, above = _predict(linker, threshold, counts)
    is_left = "source_dataset_l = 'left'"
    pairs = above.selectExpr(
        f"case when {is_left} then {RECORD_ID}_l else {RECORD_ID}_r end as left_id",
        f"case when {is_left} then {RECORD_ID}_r else {RECORD_ID}_l end as right_id",
        "match_weight", "match_probability")
    _log_counts("link", counts)
    return MatchResult(pairs=pairs, counts=counts)


def _flag_big_clusters(clusters, conf: dict[str, Any]) -> None:
    limit = int(conf["guardrails"]["max_cluster_size"])
    big = clusters.groupBy("cluster_id").count().where(f"count > {limit}").count()
    if big:
        log.warning("identity: %d clusters exceed %d records (over-linking? check blocked "
                    "values in conf/identity.yaml)", big, limit)


def _log_counts(kind: str, counts: dict[str, int]) -> None:
    log.info("identity %s: %s", kind, ", ".join(f"{k}={v}" for k, v in counts.items()))
