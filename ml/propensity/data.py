"""Spark edge: the gold tables the models read (with their Delta versions), and the pandas
frames for training (every cut-off of a kind, labelled) and scoring (the as-of date).

Anchors come from the data, never from today's date: ancillary labels need flown legs, so
their last cut-off is bounded by the last flight date; churn's by the last booking date.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ml.propensity import features, labels, split
from ml.propensity.config import models_of_kind
from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.spark import table_path

TABLES = {"timeline": "fct_customer_timeline", "bookings": "fct_bookings",
          "ancillaries": "fct_ancillaries", "flights": "fct_flights"}
COUNT_PREFIXES = ("n_", "upcoming_segments")  # absent means none: 0, not unknown


def gold_tables(spark, settings: Settings) -> tuple[dict, dict[str, int]]:
    """``({key: DataFrame}, {"gold.<table>": Delta version})`` of :data:`TABLES`."""
    from delta.tables import DeltaTable

    frames, versions = {}, {}
    for key, table in TABLES.items():
        path = table_path(settings, "gold", table)
        if not (path / "_delta_log").is_dir():
            raise LakehouseError(f"gold.{table} does not exist (env {settings.env})",
                                 "build gold first: `lakehouse run` (step gold)")
        history = DeltaTable.forPath(spark, str(path)).history(1)
        versions[f"gold.{table}"] = int(history.select("version").first()[0])
        frames[key] = spark.read.format("delta").load(str(path))
    return frames, versions


def anchors(tables: dict) -> dict[str, date | None]:
    """Last date each kind's label source covers: flights for ancillaries, bookings for churn."""
    from pyspark.sql import functions as F

    return {"ancillary": tables["flights"].agg(F.max("flight_date")).first()[0],
            "churn": labels.booking_dates(tables["timeline"]).agg(
                F.max("booking_date")).first()[0]}


def model_frame(pdf: pd.DataFrame) -> pd.DataFrame:
    """Sorted rows; counts filled with 0; every feature as float64 (NaN = not known)."""
    pdf = pdf.sort_values(features.KEYS).reset_index(drop=True)
    pdf["cutoff"] = pd.to_datetime(pdf["cutoff"]).dt.date
    for column in pdf.columns:
        if column in features.KEYS:
            continue
        pdf[column] = pd.to_numeric(pdf[column]).astype("float64")
        if column.startswith(COUNT_PREFIXES):
            pdf[column] = pdf[column].fillna(0.0)
    return pdf


def _labelled(tables: dict, cutoffs, conf: dict, kind: str):
    if kind == "ancillary":
        types = sorted({s["ancillary_type"] for s in models_of_kind(conf, kind).values()})
        return labels.ancillary_labels(tables["bookings"], tables["ancillaries"], cutoffs,
                                       int(conf[kind]["horizon_days"]), types)
    return labels.churn_labels(tables["timeline"], cutoffs, int(conf[kind]["horizon_days"]),
                               int(conf[kind]["active_days"]))


def training_frame(spark, tables: dict, conf: dict, kind: str,
                   anchor: date) -> tuple[pd.DataFrame, list[date], list[date]]:
    """Labelled features at every cut-off of ``kind``: ``(frame, train, validation cut-offs)``."""
    train_cutoffs, validation = split.cutoffs(anchor, conf[kind])
    cutoffs = features.cutoff_frame(spark, [*train_cutoffs, *validation])
    upcoming = int(conf["scoring"]["upcoming_days"])
    labelled = _labelled(tables, cutoffs, conf, kind)
    feats = features.build_features(tables, cutoffs, conf, upcoming)
    frame = labelled.join(feats, features.KEYS, "left").toPandas()
    return model_frame(frame), train_cutoffs, validation


def scoring_frame(spark, tables: dict, conf: dict, kind: str, as_of: date) -> pd.DataFrame:
    """Features at ``as_of`` for the kind's population: customers with a next trip booked
    within ``scoring.upcoming_days`` (ancillary), or active customers (churn)."""
    from pyspark.sql import functions as F

    cutoffs = features.cutoff_frame(spark, [as_of])
    upcoming = int(conf["scoring"]["upcoming_days"])
    feats = features.build_features(tables, cutoffs, conf, upcoming)
    if kind == "ancillary":
        scored = feats.where(F.col("upcoming_segments") > 0)
    else:
        active = labels.active_customers(tables["timeline"], cutoffs,
                                         int(conf["churn"]["active_days"]))
        scored = active.join(feats, features.KEYS, "left")
    return model_frame(scored.toPandas())


def data_as_of(spark, settings: Settings) -> date:
    """The as-of date of ``gold.customer_360`` (dbt's: the latest booking date unless set)."""
    path = table_path(settings, "gold", "customer_360")
    return spark.read.format("delta").load(str(path)).agg({"as_of_date": "max"}).first()[0]
