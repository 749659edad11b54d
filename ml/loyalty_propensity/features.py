"""Features from ``gold.dim_customer`` (loyalty members only: the target is their tier), with
the table's Delta version."""

from __future__ import annotations

from ml.loyalty_propensity import FEATURES, TARGET
from pipelines.config import Settings
from pipelines.spark import table_path


def build_features(spark, settings: Settings):
    """Return ``(pandas frame with customer_id, features, target; gold Delta version)``."""
    from delta.tables import DeltaTable

    path = str(table_path(settings, "gold", "dim_customer"))
    version = DeltaTable.forPath(spark, path).history(1).select("version").first()[0]
    frame = (spark.read.format("delta").load(path).where("is_loyalty_member")
             .select("customer_id", *FEATURES, TARGET).toPandas())
    frame[FEATURES] = frame[FEATURES].fillna(0).astype("float64")
    return frame, int(version)
