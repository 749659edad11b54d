"""Splink settings built from ``conf/identity.yaml`` and the fields a file actually has.

A partner list may carry only names and emails, FEBRL has no email or phone, the golden-customer
job has everything: blocking rules, comparisons and training rules are therefore filtered to the
mapped fields, so one conf serves every caller and no rule refers to a missing column.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
import yaml
from splink import SettingsCreator, block_on

from pipelines.config import CONF_DIR, Settings
from pipelines.errors import LakehouseError
from pipelines.identity.fields import FULL_NAME, NAME_SOUNDS, NAME_VARIANTS, PARTY
from pipelines.identity.prepare import RECORD_ID

SWAPPED_NAMES = "l.first_name = r.last_name and l.last_name = r.first_name"
# Named blocking rules beyond "agree on these fields" (conf/identity.yaml ``blocking``):
#   swapped_names     first and last name exchanged (a booking tool's column mix-up)
#   initial_surname   same surname and first initial: a typo'd or transliterated first name
#                     ("aders"/"anders") is still compared
#   nickname_surname  same surname and a shared first-name variant ("billy"/"william"); the
#                     variants array is exploded so the join stays an equi-join
#   name_sounds       same metaphone keys of both names: transliterations on both sides
#                     ("mohammed"/"muhammad"), which no exact-name rule pairs
#   co_travel         same first name and one's email or phone on the other's travel party
#                     (a maiden-name booking: the surname differs, the family does not);
#                     golden job only (party.py)
NAMED_RULES = ("swapped_names", "initial_surname", "nickname_surname", "name_sounds",
               "co_travel")
PARTY_NAMES, PARTY_CONTACTS = PARTY
GROUP = "group_key"  # the booking (co_travel); passed to Splink by the golden job
# A surname word in common ("smith jones"/"jones": a double-barrelled married name)
SHARED_SURNAME_WORD = ("size(array_intersect(split(last_name_l, ' '), split(last_name_r, ' ')))"
                       " >= 1")  # Spark SQL; Splink transpiles it for DuckDB


def load_identity_conf(settings: Settings, path=None) -> dict[str, Any]:
    """``conf/identity.yaml`` with ``{var}`` resolved to this environment's var folder."""
    text = (path or CONF_DIR / "identity.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text.replace("{var}", str(settings.var_dir)))


def _contact_in_party(fields: set[str], ref) -> str:
    """SQL: one record's email or phone is a contact of the other's travel party, and the
    record is not itself one of those companions (by full name).

    A companion's own records carry the companion's contacts: that pair is two people who
    travelled together, not one person. What is left is a record using the mailbox or phone
    of the other's family (a mother booked alone with her son's family mailbox).
    ``ref(column, side)`` spells a column of side "l" or "r" (``l.email`` in a blocking rule,
    ``email_l`` in a comparison level).
    """
    sides = []
    for a, b in (("l", "r"), ("r", "l")):
        hits = " or ".join(f"array_contains({ref(PARTY_CONTACTS, b)}, {ref(c, a)})"
                           for c in ("email", "phone") if c in fields)
        if hits:
            sides.append(f"(({hits}) and not coalesce(array_contains("
                         f"{ref(PARTY_NAMES, b)}, {ref(FULL_NAME, a)}), false))")
    return " or ".join(sides)


def _co_travel_rules(fields: set[str]) -> list[Any]:
    """Same first name and one's contact on the other's party. Not "same first name and a
    companion in common": two Helenes who each travelled with a (different) Jean Robert
    became a pair, and joined, on seed 7; a shared companion only adds to names that agree."""
    contact = _contact_in_party(fields, lambda c, s: f"{s}.{c}")
    return [f"l.first_name = r.first_name and ({contact})"] if contact else []


def usable_rules(rules: list[Any], fields: set[str]) -> list[Any]:
    """Splink blocking rules for the conf rules whose fields are all mapped."""
    out: list[Any] = []
    names = {"first_name", "last_name"} <= fields
    for rule in rules:
        if rule in NAMED_RULES:
            if not names or (rule == "co_travel" and "co_travel" not in fields):
                continue
            if rule == "co_travel":
                out += _co_travel_rules(fields)
            elif rule == "swapped_names":
                out.append(SWAPPED_NAMES)
            elif rule == "initial_surname":
                out.append(block_on("substr(first_name, 1, 1)", "last_name"))
            elif rule == "name_sounds":
                out.append(block_on(NAME_SOUNDS))
            else:
                out.append(block_on(NAME_VARIANTS, "last_name", arrays_to_explode=[NAME_VARIANTS]))
        elif set(rule) <= fields:
            out.append(block_on(*rule))
    return out


def _name_comparison(spec: dict[str, Any], fields: set[str]):
    """First+last name as one comparison, so swapped names and nicknames are levels of it."""
    tf = bool(spec.get("term_frequency"))
    if not {"first_name", "last_name"} <= fields:
        only = "first_name" if "first_name" in fields else "last_name"
        return cl.NameComparison(only).configure(term_frequency_adjustments=tf)
    first, last = "first_name", "last_name"
    levels = [
        cll.And(cll.NullLevel(first), cll.NullLevel(last)),
        cll.ExactMatchLevel(FULL_NAME).configure(tf_adjustment_column=FULL_NAME if tf else None),
        cll.ColumnsReversedLevel(first, last, symmetrical=True),
        cll.And(cll.ArrayIntersectLevel(NAME_VARIANTS, 1), cll.ExactMatchLevel(last))
        .configure(label_for_charts="Nickname or same formal name, same surname"),
    ]
    levels += [cll.And(cll.JaroWinklerLevel(first, t), cll.JaroWinklerLevel(last, t))
               for t in spec.get("jaro_winkler", [0.92, 0.88])]
    levels += [
        cll.ExactMatchLevel(NAME_SOUNDS).configure(label_for_charts="Names sound alike"),
        cll.And(cll.ArrayIntersectLevel(NAME_VARIANTS, 1),
                cll.CustomLevel(SHARED_SURNAME_WORD, base_dialect_str="spark"))
        .configure(label_for_charts="Same first name, a surname word in common"),
        cll.ExactMatchLevel(last).configure(tf_adjustment_column=last if tf else None),
        cll.ArrayIntersectLevel(NAME_VARIANTS, 1).configure(label_for_charts="Same first name"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="name")


def _phone_comparison(spec: dict[str, Any]):
    digits = int(spec.get("last_digits", 7))
    return cl.CustomComparison([
        cll.NullLevel("phone"),
        cll.ExactMatchLevel("phone"),
        cll.CustomLevel(f"substr(phone_l, -{digits}) = substr(phone_r, -{digits})",
                        label_for_charts=f"Same last {digits} digits"),
        cll.ElseLevel(),
    ], output_column_name="phone")


def _birth_years_comparison(spec: dict[str, Any]):
    """Possible birth years that cannot overlap: an infant's booking is not an adult's record.

    Only when one side lacks a date of birth (two dates are the DOB comparison's business):
    the passenger type of a booking (INF/CHD/ADT) bounds the birth year, so a name-only
    infant "Carlos Gomez" is told apart from his father of the same name.
    """
    lo, hi = "birth_year_min", "birth_year_max"
    return cl.CustomComparison([
        cll.NullLevel(lo),  # either side unknown
        cll.CustomLevel(f"(dob_l is null or dob_r is null) and "
                        f"({hi}_l < {lo}_r or {hi}_r < {lo}_l)",
                        label_for_charts="Birth years cannot overlap"),
        cll.ElseLevel(),
    ], output_column_name="birth_years")


def _co_travel_comparison(fields: set[str]):
    """The booking's other passengers: a companion in common, or one's contact among them.

    Null when a side travels alone (unless its contact is in the other's party) and for two
    passengers of one booking (who share each other's party by construction). Two bookings
    of one person often share a companion; a record whose email or phone belongs to the
    other's travel party is in its household. Neither says which member of the household it
    is: the name comparison does.
    """
    contact = _contact_in_party(fields, lambda c, s: f"{c}_{s}") or "false"
    alone = f"({PARTY_NAMES}_l is null or {PARTY_NAMES}_r is null)"
    return cl.CustomComparison([
        cll.CustomLevel(f"({alone} and not coalesce({contact}, false)) "
                        f"or {GROUP}_l = {GROUP}_r",  # one booking: companions of each other
                        base_dialect_str="spark").configure(is_null_level=True),
        cll.CustomLevel(f"size(array_intersect({PARTY_NAMES}_l, {PARTY_NAMES}_r)) >= 1",
                        label_for_charts="A companion in common", base_dialect_str="spark"),
        cll.CustomLevel(contact, base_dialect_str="spark",
                        label_for_charts="Email or phone of the other's travel party"),
        cll.ElseLevel(),
    ], output_column_name="co_travel")


def _tf(comparison, spec: dict[str, Any]):
    return comparison.configure(term_frequency_adjustments=bool(spec.get("term_frequency")))


def with_priors(comparison, spec: dict[str, Any], key: str):
    """Set the conf's m/u priors when they fit the comparison's levels; else Splink's defaults.

    A single mapped name uses Splink's NameComparison, whose levels differ from our combined
    name comparison, so its priors do not apply; training estimates it alone.
    """
    if "m" not in spec:
        return comparison
    levels = comparison.get_comparison("spark").comparison_levels
    non_null = sum(1 for level in levels if not level.is_null_level)
    if non_null != len(spec["m"]) or non_null != len(spec.get("u", [])):
        if key != "name":
            raise LakehouseError(
                f"conf/identity.yaml comparisons.{key}: m/u need {non_null} values, "
                f"one per level", "match m and u to the comparison's levels")
        return comparison
    return comparison.configure(m_probabilities=list(spec["m"]),
                                u_probabilities=list(spec["u"]))


def comparisons(conf: dict[str, Any], fields: set[str]) -> list[Any]:
    """One Fellegi-Sunter comparison per mapped field (names count as one), with priors."""
    specs = conf["comparisons"]
    out: list[Any] = []
    if fields & {"first_name", "last_name"}:
        out.append(with_priors(_name_comparison(specs["name"], fields), specs["name"], "name"))
    builders = {
        "dob": lambda s: cl.DateOfBirthComparison("dob", input_is_string=True,
                                                  invalid_dates_as_null=True),
        "email": lambda s: cl.EmailComparison("email"),
        "phone": _phone_comparison,
        "street": lambda s: _tf(cl.JaroWinklerAtThresholds("street", s["jaro_winkler"]), s),
        "city": lambda s: _tf(cl.JaroWinklerAtThresholds("city", s["jaro_winkler"]), s),
        "postcode": lambda s: _tf(
            cl.DamerauLevenshteinAtThresholds("postcode", s["damerau_levenshtein"]), s),
        "document_number": lambda s: _tf(
            cl.DamerauLevenshteinAtThresholds("document_number", s["damerau_levenshtein"]), s),
        "birth_years": _birth_years_comparison,
        "co_travel": lambda s: _co_travel_comparison(fields),
    }
    for field, build in builders.items():
        if field in fields:
            spec = specs.get(field) or {}
            out.append(with_priors(build(spec), spec, field))
    return out


def splink_settings(conf: dict[str, Any], fields: set[str], link_type: str) -> SettingsCreator:
    """Settings for ``dedupe_only`` or ``link_only`` over records keyed by ``record_id``."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name=RECORD_ID,
        blocking_rules_to_generate_predictions=usable_rules(conf["blocking"], fields),
        comparisons=comparisons(conf, fields),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
