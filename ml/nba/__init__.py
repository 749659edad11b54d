"""Next-best-action: for each customer, the action from ``conf/nba/actions.yaml`` worth most.

One module per step, pure pandas so each is unit-testable: ``catalogue`` (load and validate the
YAML), ``eligibility`` (rules, consent, fatigue, suppression), ``value`` (expected value),
``decide`` (best action, reason codes, runners-up), ``evaluate`` (offline policy comparison).
``features`` and ``job`` are the Spark/Delta edges that read gold and write
``gold.next_best_action``.
"""
