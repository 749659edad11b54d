"""Identity resolution: who is the same person, across lists and source systems.

``fields`` (our person fields, normalisation), ``prepare`` (standardise + guardrails),
``settings`` (Splink settings from conf/identity.yaml), ``engine`` (train, predict, cluster),
``io`` and ``cli`` (the `lakehouse identity` commands).
"""
