"""Our canonical person fields, the `--map` that points them at a file's columns, and their
normalisation.

Matching is only as good as the values compared: "Müller"/"MUELLER"/"Muller", "Bill"/"William",
"+44 7700 900123"/"07700900123" must look alike before Splink scores them, and placeholder values
(an agency mailbox, an all-zero phone) must look like *nothing*, or they would link strangers.
Everything here is plain Python so it is tested without Spark and reused inside Spark.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any

import phonenumbers
from anyascii import anyascii

from pipelines.errors import LakehouseError

FIELDS = ("first_name", "last_name", "dob", "email", "phone", "street", "city", "postcode",
          "document_number")
NAME_VARIANTS = "first_name_variants"  # derived: the first name plus its nickname canonicals
FULL_NAME = "full_name"  # derived: "first last", for term frequencies of whole names
NAME_SOUNDS = "name_sounds"  # derived: phonetic keys of first and last name ("MHMT SM")
BIRTH_YEARS = ("birth_year_min", "birth_year_max")  # derived: possible birth years (golden)
# derived (golden): the other passengers of the record's booking, their full names and their
# emails and phones (co-travel evidence, pipelines/identity/party.py)
PARTY = ("party_names", "party_contacts")
_MIN_CORE = 4  # shortest surname left when a glued particle is cut ("alford" stays, not "ford")
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def parse_mapping(text: str) -> dict[str, str]:
    """Parse ``first_name=GIVEN,last_name=SURNAME`` into ``{field: column}``; reject bad keys."""
    mapping: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        field, sep, column = (s.strip() for s in part.partition("="))
        if not sep or not field or not column:
            raise LakehouseError(f"bad --map entry '{part}': expected FIELD=COLUMN",
                                 f"our fields: {', '.join(FIELDS)}")
        if field not in FIELDS:
            raise LakehouseError(f"unknown field '{field}' in --map",
                                 f"use one of our fields: {', '.join(FIELDS)}")
        if field in mapping:
            raise LakehouseError(f"field '{field}' mapped twice in --map",
                                 f"map each of our fields once: {', '.join(FIELDS)}")
        mapping[field] = column
    if not mapping:
        raise LakehouseError("--map is empty", f"map some of: {', '.join(FIELDS)}")
    return mapping


def check_columns(mapping: dict[str, str], columns: list[str], source: str) -> None:
    """Raise naming the file and the column when a mapped column is not in the file."""
    missing = [col for col in mapping.values() if col not in columns]
    if missing:
        raise LakehouseError(
            f"column '{missing[0]}' not found in {source}",
            f"--map must name columns of the file; it has: {', '.join(columns)}",
        )


def _ascii_lower(value: Any) -> str | None:
    """NFKC, transliterate to ASCII (ISC-licensed anyascii), lower-case, single spaces."""
    if value is None:
        return None
    text = anyascii(unicodedata.normalize("NFKC", str(value))).lower()
    text = _SPACES.sub(" ", _NON_ALNUM.sub(" ", text.replace("'", ""))).strip()
    return text or None


def normalise_name(value: Any, titles: frozenset[str] = frozenset()) -> str | None:
    """ASCII lower-case name without titles or punctuation ("Dr. José-Luis" -> "jose luis")."""
    text = _ascii_lower(value)
    if text is None:
        return None
    kept = [w for w in text.split(" ") if w not in titles]
    return " ".join(kept) or None


def strip_particles(last_name: str | None, particles: frozenset[str],
                    known: frozenset[str] = frozenset()) -> str | None:
    """Surname without leading particles: "de boer", "deboer" and "boer" all become "boer".

    Sources disagree on particles (Dutch "de"/"van", Arabic "al", Spanish "del"): written
    apart, hyphenated, glued on or dropped. Matching on the core surname makes those one name.
    A particle written apart is always dropped (a particle alone is kept). A glued one is cut
    only when what is left is a surname of at least ``_MIN_CORE`` letters that the same data
    holds (``known``): "deboer" when some record says "boer", never "davies" into "vies" or
    "lefevre" into "fevre". Input is a normalised name (lower-case, single spaces).
    """
    if not last_name:
        return last_name
    words = last_name.split(" ")
    while len(words) > 1 and words[0] in particles:
        words = words[1:]
    core = " ".join(words)
    if " " not in core and known:
        for particle in sorted(particles, key=len, reverse=True):
            rest = core[len(particle):]
            if core.startswith(particle) and len(rest) >= _MIN_CORE and rest in known:
                return rest
    return core


def name_sounds(first_name: str | None, last_name: str | None) -> str | None:
    """Metaphone keys of both names ("muhammad ali" and "mohammed ali" -> "MHMT AL").

    Transliterations of one name ("Mohammed"/"Muhammad", "Yusuf"/"Yousef") differ in vowels
    and doubled letters, which Jaro-Winkler punishes and metaphone ignores; the key feeds a
    comparison level and a blocking rule. Spaces inside a name are dropped first so a
    double-barrelled surname is one key. None unless both names are known.
    """
    import jellyfish

    if not first_name or not last_name:
        return None
    keys = [jellyfish.metaphone(name.replace(" ", "")) for name in (first_name, last_name)]
    return " ".join(keys) if all(keys) else None


@lru_cache(maxsize=1)
def _nick_namer():
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def name_variants(first_name: str | None) -> tuple[str, ...]:
    """The name plus the formal names it may be a nickname of ("bill" -> bill, william, ...).

    A set, not one canonical: "bill" is short for William or Robert, so two records share a
    variant when either could be the other; Splink learns how much that is worth.
    """
    if not first_name:
        return ()
    return tuple(sorted({first_name, *_nick_namer().canonicals_of(first_name)}))


def normalise_dob(value: Any, formats: tuple[str, ...]) -> str | None:
    """ISO ``YYYY-MM-DD`` from the first format that parses; None for empty or impossible."""
    text = str(value).strip() if value is not None else ""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def normalise_email(value: Any) -> str | None:
    """Lower-case trimmed address; None unless it has exactly one '@' with text both sides."""
    text = str(value).strip().lower() if value is not None else ""
    local, at, domain = text.partition("@")
    if not at or not local or not domain or "@" in domain:
        return None
    return text


def normalise_phone(value: Any, region: str) -> str | None:
    """E.164 (``+447700900123``) via libphonenumber; None when it cannot be a real number."""
    text = str(value).strip() if value is not None else ""
    if not any(ch.isdigit() for ch in text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_number(e164: str) -> str:
    """The digits after the country code ("+44000000000" -> "000000000"), for guardrails."""
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return e164


def normalise_code(value: Any) -> str | None:
    """Postcodes and document numbers: upper-case letters and digits only ("sw1a 1aa")."""
    text = re.sub(r"[^A-Z0-9]", "", anyascii(str(value)).upper()) if value is not None else ""
    return text or None
