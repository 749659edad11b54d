"""Train, predict and cluster person records with Splink on the lake's Spark session.

One engine for every caller: the `lakehouse identity` commands, the FEBRL benchmark and (later)
the golden-customer job all pass standardised records (:func:`prepare.standardise`) and get a
:class:`MatchResult` of Spark DataFrames back, so reading and writing stay at their edges.
The model is Fellegi-Sunter: the prior from deterministic rules, u by random sampling, m by EM.
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
    """Estimate the prior and u; m by EM only on inputs big enough to hold many matches.

    Below ``training.em_min_records`` EM has a handful of matches to learn from and drifts
    (it can drive an m to 0), so small lists keep the conf's m priors. An EM block that still
    cannot train (a level never observed) is skipped with a warning.
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
    if small:
        log.info("identity: %d records < em_min_records; m from conf priors", n_records)
        return
    for rule in usable_rules(training["em_blocks"], fields):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
        except (SplinkException, ValueError) as exc:
            log.warning("identity: EM round skipped (%s)", str(exc).splitlines()[0])


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
    from splink import Linker

    counts = {"records_in": records.count()}
    _check_size(counts, conf)
    log.info("identity dedupe: %d records in", counts["records_in"])
    db_api = spark_api(spark, conf)
    fields = _fields(records)
    linker = Linker(db_api.register(records), splink_settings(conf, fields, "dedupe_only"))
    train(linker, conf, fields, counts["records_in"])
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
    from splink import Linker

    counts = {"records_in": records.count()}
    _check_size(counts, conf)
    db_api = spark_api(spark, conf)
    fields = _fields(records)
    linker = Linker(db_api.register(records), splink_settings(conf, fields, "dedupe_only"))
    train(linker, conf, fields, counts["records_in"])
    _, above = _predict(linker, threshold, counts)
    pairs = above.selectExpr(f"{RECORD_ID}_l as left_id", f"{RECORD_ID}_r as right_id",
                             "match_weight", "match_probability")
    _log_counts("score", counts)
    return MatchResult(pairs=pairs, counts=counts)


def link(spark, left, right, conf: dict[str, Any], threshold: float) -> MatchResult:
    """Pairs across two standardised lists (``link_only``): left_id, right_id and weights."""
    from splink import Linker

    counts = {"records_in": left.count() + right.count()}
    _check_size(counts, conf)
    log.info("identity link: %d records in", counts["records_in"])
    db_api = spark_api(spark, conf)
    fields = _fields(left) & _fields(right)
    tables = [db_api.register(left, dataset_display_name="left"),
              db_api.register(right, dataset_display_name="right")]
    linker = Linker(tables, splink_settings(conf, fields, "link_only"))
    train(linker, conf, fields, counts["records_in"])
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
