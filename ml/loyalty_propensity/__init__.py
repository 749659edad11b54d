"""Walking-skeleton model: propensity of a loyalty member to hold an elite tier.

Deliberately trivial (a logistic regression on points and tenure); it exists to prove the path
gold -> MLflow (run, registry, champion alias) -> scores -> PostgreSQL end to end.
"""

FEATURES = ["points_balance", "tenure_days", "tiers_held"]
TARGET = "is_elite"
