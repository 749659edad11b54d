"""The true population of one shard: who each person really is, before any source distorts it.

People are drawn column-wise with NumPy (fast at a million rows) and grouped into households so
partners can share a surname (married names), an email or a phone. The result is the identity
ground truth: every source record is later derived from one row of this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipelines.generate import vocab
from pipelines.generate.seeding import scramble, stream
from pipelines.generate.settings import Activity
from pipelines.generate.text_utils import email_local, fill_pattern
from privacy.pci import luhn_check_digit

TIERS = ("BLUE", "SILVER", "GOLD", "PLATINUM")
_TIER_P = (0.6, 0.25, 0.11, 0.04)
_HOUSEHOLD_SIZES = (1, 2, 3, 4)
_HOUSEHOLD_P = (0.45, 0.3, 0.15, 0.1)
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass
class Shard:
    """Columns of the true people of one shard (index ``i`` is person ``first_index + i``)."""

    shard: int
    first_index: int
    person_id: list[str]
    culture: np.ndarray
    female: np.ndarray
    household: np.ndarray          # index of the household head within the shard
    first_name: list[str]
    last_name: list[str]           # current legal surname
    maiden_name: list[str]         # birth surname when it differs, else ""
    dob: list[date]
    email: list[str]
    phone: list[str]               # E.164
    old_phone: list[str]
    street: list[str]
    city: list[str]
    postcode: list[str]
    old_street: list[str]
    nationality: list[str]
    passport: list[str]
    language: list[str]
    handle: list[str]              # social media handle or ""
    loyalty_number: list[str]
    enrol_day: np.ndarray          # day (1-based) the person joins loyalty; <=1 means at day 1
    tier: np.ndarray               # index into TIERS at day 1
    points: np.ndarray
    business: np.ndarray           # propensity to travel for business, 0..1
    frequency: np.ndarray          # relative travel frequency (mean 1)

    @property
    def size(self) -> int:
        return len(self.person_id)


def _households(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (head index, position in household) per person."""
    sizes = rng.choice(_HOUSEHOLD_SIZES, size=n, p=_HOUSEHOLD_P)
    heads = np.repeat(np.cumsum(np.r_[0, sizes[:-1]]), sizes)[:n]
    return heads, np.arange(n) - heads


def _culture_weights() -> np.ndarray:
    weights = np.array([c.weight for c in vocab.CULTURES])
    return weights / weights.sum()


def loyalty_number(index: int) -> str:
    """10-digit member number: scrambled person index plus a Luhn check digit (unique)."""
    body = f"{scramble(index, 29, 0x2F6A11) + 100_000_000:09d}"
    return body + luhn_check_digit(body)


def build_shard(seed: int, shard: int, size: int, activity: Activity, start: date) -> Shard:
    rng = stream(seed, "people", shard)
    first_index = shard * activity.shard_size
    heads, position = _households(rng, size)
    culture = rng.choice(len(vocab.CULTURES), size=size, p=_culture_weights())
    culture = culture[heads]  # a household shares a culture
    female = rng.random(size) < 0.5
    female = np.where(position == 1, ~female[heads], female)  # partners mostly of the other sex
    married = (position == 1) & female & (rng.random(size) < 0.75)
    age = np.where(position >= 2, rng.integers(1, 26, size), rng.integers(22, 82, size))
    dob_offset = rng.integers(0, 365, size)
    draws = rng.random((size, 12))
    digits = rng.integers(0, 10, (size, 24)).astype(str)
    p = Shard(shard, first_index, [f"P{first_index + i:09d}" for i in range(size)], culture,
              female, heads, [], [], [], [], [], [], [], [], [], [], [], [], [], [], [], [],
              np.zeros(size, int), np.zeros(size, int), np.zeros(size, int),
              rng.beta(1.2, 3.0, size), rng.lognormal(-0.18, 0.6, size))
    for i in range(size):
        c = vocab.CULTURES[culture[i]]
        d = draws[i]
        names = c.female if female[i] else c.male
        p.first_name.append(vocab.pretty(names[int(d[0] * len(names))]))
        birth = vocab.pretty(c.surnames[int(d[1] * len(c.surnames))])
        head = heads[i]
        family = p.last_name[head] if head != i else birth
        if position[i] >= 2:
            birth = family
        p.last_name.append(family if married[i] else birth)
        p.maiden_name.append(birth if married[i] and birth != family else "")
        p.dob.append(date(start.year - int(age[i]), 1, 1) + timedelta(days=int(dob_offset[i])))
        local = email_local(p.first_name[i], p.last_name[i], int(d[2] * 6), int(d[3] * 990) + 10)
        p.email.append(f"{local}@{vocab.EMAIL_DOMAINS[int(d[4] * len(vocab.EMAIL_DOMAINS))]}")
        row = "".join(digits[i])
        p.phone.append(c.phone_prefix + str(1 + int(d[5] * 8)) + row[: c.phone_digits - 1])
        p.old_phone.append(c.phone_prefix + str(1 + int(d[6] * 8)) + row[10 : 9 + c.phone_digits])
        if head != i and (position[i] == 1 or age[i] < 20):  # the household lives together
            p.street.append(p.street[head])
            p.city.append(p.city[head])
            p.postcode.append(p.postcode[head])
            if age[i] < 16:
                p.email[i] = p.email[head]  # children use a parent's mailbox
        else:
            p.street.append(_street(c, d[7], row[:3]))
            p.city.append(vocab.pretty(c.cities[int(d[9] * len(c.cities))]))
            p.postcode.append(fill_pattern(c.postcode, row[6:], _LETTERS[int(d[10] * 23)] + "K"))
        p.old_street.append(_street(c, d[8], row[3:6]))
        foreign = d[11] < 0.08
        p.nationality.append(vocab.CULTURES[int(d[11] * 100) % len(vocab.CULTURES)].country
                             if foreign else c.country)
        p.passport.append(fill_pattern("AA9999999", row[9:], _LETTERS[int(d[3] * 23)] + "P"))
        p.language.append(c.language)
        p.handle.append("")
        p.loyalty_number.append(loyalty_number(first_index + i))
    _loyalty_and_social(rng, p, position, activity)
    return p


def _street(c: vocab.Culture, draw: float, number: str) -> str:
    name = vocab.pretty(c.streets[int(draw * len(c.streets))])
    house = str(int(number) % 180 + 1)
    return f"{name} {house}" if c.street_first else f"{house} {name}"


def _loyalty_and_social(rng: np.random.Generator, p: Shard, position: np.ndarray,
                        activity: Activity) -> None:
    size = p.size
    member_p = np.where(position >= 2, activity.member_share * 0.4, activity.member_share)
    is_member = rng.random(size) < member_p
    later = rng.geometric(max(activity.enrol_per_day, 1e-9), size) + 1
    p.enrol_day = np.where(is_member, 0, later)
    tier = rng.choice(len(TIERS), size=size, p=_TIER_P)
    p.tier = np.where(p.enrol_day <= 1, tier, 0)
    p.frequency = p.frequency * (1.0 + 0.6 * p.tier)
    p.points = (rng.gamma(1.5, 4000, size) * (1 + 2 * p.tier)).astype(int)
    has_handle = rng.random(size) < 0.3
    suffix = rng.integers(1, 9999, size)
    for i in np.flatnonzero(has_handle):
        first, last = p.first_name[i], p.last_name[i]
        base = email_local(first, last, int(suffix[i]) % 6, int(suffix[i]))
        p.handle[i] = "@" + base.replace(".", "_")[:15]
