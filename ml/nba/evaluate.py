"""Offline evaluation: replay the NBA policy and two baselines on held-out history (pure pandas).

Customers are described as of a cut-off; the days after it are held out. Each policy picks one
action per customer from the same eligible set; the realised reward of an action is its value if
the held-out window shows acceptance (the customer bought that ancillary, or booked again for a
retention offer) minus its cost. Actions whose acceptance history cannot show (service recovery,
do_nothing) are credited their catalogue expectation, prior x value - cost, the same for every
policy, so they neither help nor hurt a policy unfairly. Baselines:

- ``random_eligible``: a uniformly random eligible action other than do_nothing (seeded; the mean
  over ``draws`` draws);
- ``rule_based``: the first eligible action in the catalogue's ``rule_order``.

Lift is the NBA's mean reward per customer over a baseline's, minus 1 (None when the baseline's
mean is not positive), plus the absolute difference in EUR per customer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.nba.catalogue import Catalogue
from ml.nba.decide import rank


def realised_reward(action_name: str, outcome: pd.Series | None, catalogue: Catalogue) -> float:
    """Reward of one action for one customer given their held-out outcome row."""
    action = catalogue.action(action_name)
    if action.outcome.prior_only or outcome is None:
        return action.prior * action.value_eur - action.cost_eur
    if action.outcome.ancillary:
        accepted = action.outcome.ancillary in set(outcome.get("bought") or ())
    else:
        accepted = bool(outcome.get("booked_again"))
    return (action.value_eur if accepted else 0.0) - action.cost_eur


def policy_choices(valued: pd.DataFrame, catalogue: Catalogue, seed: int,
                   draws: int = 20) -> dict[str, list[pd.Series]]:
    """Each policy's chosen action per customer (random: one Series per draw)."""
    ranked = rank(valued, catalogue)
    nba = ranked[ranked["rank"] == 1].set_index("customer_id")["action"]
    order = {name: i for i, name in enumerate(catalogue.rule_order)}
    rules = (valued.assign(_o=valued["action"].map(order)).sort_values(["customer_id", "_o"])
             .groupby("customer_id")["action"].first())
    rng = np.random.default_rng(seed)
    offers = valued[valued["action"] != "do_nothing"].groupby("customer_id")["action"].apply(list)
    randoms = []
    for _ in range(draws):
        picks = {c: offers[c][rng.integers(len(offers[c]))] if c in offers.index else "do_nothing"
                 for c in nba.index}
        randoms.append(pd.Series(picks))
    return {"nba": [nba], "rule_based": [rules], "random_eligible": randoms}


def mean_reward(choices: pd.Series, outcomes: pd.DataFrame, catalogue: Catalogue) -> float:
    by_id = outcomes.set_index("customer_id")
    rewards = [realised_reward(a, by_id.loc[c] if c in by_id.index else None, catalogue)
               for c, a in choices.items()]
    return float(np.mean(rewards)) if rewards else 0.0


def evaluate_policies(valued: pd.DataFrame, outcomes: pd.DataFrame, catalogue: Catalogue,
                      seed: int | None = None) -> dict:
    """Mean realised reward per customer of each policy and the NBA's lift over the baselines.

    Args:
        valued: eligible actions with expected values as of the cut-off (value.expected_values).
        outcomes: ``customer_id``, ``bought`` (list of ancillary types bought in the held-out
            window), ``booked_again`` (bool).
        catalogue: the validated catalogue.
        seed: seed of the random baseline (default ``policy.random_seed``).
    """
    seed = catalogue.policy.random_seed if seed is None else seed
    choices = policy_choices(valued, catalogue, seed)
    means = {name: float(np.mean([mean_reward(c, outcomes, catalogue) for c in draws]))
             for name, draws in choices.items()}
    report = {"customers": int(valued["customer_id"].nunique()),
              "mean_reward_eur": {k: round(v, 4) for k, v in means.items()},
              "nba_actions": choices["nba"][0].value_counts().to_dict()}
    for baseline in ("random_eligible", "rule_based"):
        base = means[baseline]
        report[f"lift_vs_{baseline}"] = round(means["nba"] / base - 1, 4) if base > 0 else None
        report[f"gain_eur_per_customer_vs_{baseline}"] = round(means["nba"] - base, 4)
    return report
