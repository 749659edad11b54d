"""Propensity models: ancillary purchase on the next trip (one model per ancillary the NBA
catalogue offers) and churn risk, as calibrated probabilities.

One module per step: ``config`` (conf/ml/propensity.yaml), ``data`` (gold tables and their
Delta versions), ``features`` and ``labels`` (point in time, Spark), ``split`` (cut-offs and
the time-based split), ``train``, ``evaluate``, ``gates`` and ``score``.
"""
