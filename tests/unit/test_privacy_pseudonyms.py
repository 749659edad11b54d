"""Per-partner pseudonyms: stable for one partner, unlinkable across partners."""

from __future__ import annotations

import hashlib
import os

import pandas as pd
import pytest

from pipelines.errors import LakehouseError
from privacy.pseudonyms import partner_key, pseudonym, pseudonymise

MASTER = os.urandom(32)
IDS = pd.Series([f"C{i:06d}" for i in range(500)])


def test_pseudonyms_are_stable_for_one_partner():
    first = pseudonymise(IDS, MASTER, "hotel_a")
    again = pseudonymise(IDS.sample(frac=1, random_state=1), MASTER, "hotel_a")
    assert first.equals(again.sort_index())
    assert first.nunique() == len(IDS)


def test_two_partners_cannot_join_their_extracts():
    a = pseudonymise(IDS, MASTER, "hotel_a")
    b = pseudonymise(IDS, MASTER, "car_rental_b")
    assert set(a).isdisjoint(set(b))


def test_pseudonym_depends_on_the_master_key_and_is_not_a_plain_hash():
    key = partner_key(MASTER, "hotel_a")
    assert pseudonym(key, "C000001") != pseudonym(partner_key(os.urandom(32), "hotel_a"),
                                                  "C000001")
    assert pseudonym(key, "C000001") not in hashlib.sha256(b"C000001").hexdigest()
    assert len(pseudonym(key, "C000001")) == 32


def test_missing_ids_stay_missing_and_a_partner_is_required():
    out = pseudonymise(pd.Series(["C1", None]), MASTER, "hotel_a")
    assert out.iloc[1] is None and out.iloc[0]
    with pytest.raises(LakehouseError, match="no partner"):
        partner_key(MASTER, "  ")
