"""Ancillary purchases in the generator: shaped by the trip and by habit, never random noise."""

from __future__ import annotations

from pipelines.generate import ancillaries as anc

LEISURE_FAMILY = anc.Trip(cabin="Y", business=False, party=3, tier=0, long_haul=True,
                          higher_cabin=True, distance_km=6000)
BUSINESS_SOLO = anc.Trip(cabin="Y", business=True, party=1, tier=0, long_haul=False,
                         higher_cabin=True, distance_km=900)


def test_what_a_fare_or_tier_includes_is_never_bought() -> None:
    business_cabin = anc.Trip("J", True, 1, 0, True, False, 6000)
    gold = anc.Trip("Y", True, 1, 2, True, True, 6000)
    assert anc.probability("XBAG", business_cabin, 3.0) == 0.0
    assert anc.probability("SEAT", business_cabin, 3.0) == 0.0
    assert anc.probability("LOUNGE", gold, 3.0) == 0.0
    assert anc.probability("UPGR", business_cabin, 3.0) == 0.0  # no cabin above J
    assert anc.probability("WIFI", BUSINESS_SOLO, 3.0) == 0.0   # short haul: no wifi sold


def test_the_trip_shapes_the_odds() -> None:
    assert anc.probability("XBAG", LEISURE_FAMILY, 1.0) > anc.probability(
        "XBAG", BUSINESS_SOLO, 1.0)
    assert anc.probability("LOUNGE", BUSINESS_SOLO, 1.0) > anc.probability(
        "LOUNGE", anc.Trip("Y", False, 1, 0, False, True, 900), 1.0)
    platinum = anc.Trip("Y", True, 1, 3, False, True, 900)
    assert anc.probability("UPGR", platinum, 1.0) > anc.probability("UPGR", BUSINESS_SOLO, 1.0)
    assert all(anc.probability(c, LEISURE_FAMILY, 3.0) <= anc.MAX_PROBABILITY for c in anc.CODES)


def test_habit_persists_per_person_and_varies_across_people() -> None:
    tastes = [anc.habit(42, person, "SEAT") for person in range(2000)]
    assert tastes == [anc.habit(42, person, "SEAT") for person in range(2000)]
    assert set(tastes) == {m for _, m in anc.HABIT_LEVELS}
    assert anc.habit(42, 7, "SEAT") == anc.habit(42, 7, "SEAT")


def test_habitual_buyers_buy_more_often_across_their_trips() -> None:
    def trips_with_seat(person: int) -> int:
        return sum(any(code == "SEAT" for code, _ in anc.purchases(1, booking, 0, 0, person,
                                                                   LEISURE_FAMILY))
                   for booking in range(300))

    lowest, highest = anc.HABIT_LEVELS[0][1], anc.HABIT_LEVELS[-1][1]
    habitual = next(p for p in range(1000) if anc.habit(1, p, "SEAT") == highest)
    never = next(p for p in range(1000) if anc.habit(1, p, "SEAT") == lowest)
    assert trips_with_seat(habitual) > 5 * trips_with_seat(never)


def test_upgrade_price_grows_with_distance_and_draws_are_reproducible() -> None:
    long_flight = anc.Trip("Y", True, 1, 3, True, True, 8000)
    assert anc.price("UPGR", long_flight) > anc.price("UPGR", BUSINESS_SOLO)
    assert anc.purchases(3, 11, 0, 1, 5, long_flight) == anc.purchases(3, 11, 0, 1, 5,
                                                                        long_flight)
