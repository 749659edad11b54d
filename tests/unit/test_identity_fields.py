"""Person fields look alike before matching when they are alike, and like nothing when blocked."""

import pytest

from pipelines.config import load_settings
from pipelines.identity import fields as f
from pipelines.identity.prepare import Guardrails, standardise_record
from pipelines.identity.settings import load_identity_conf

DOB_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y")


@pytest.fixture(scope="module")
def conf():
    return load_identity_conf(load_settings())


@pytest.mark.parametrize(("raw", "expected"), [
    ("Müller", "muller"),
    ("  O'Brien ", "obrien"),
    ("Dr. José-Luis", "jose luis"),
    ("Владимир", "vladimir"),
    ("ĐORĐEVIĆ", "dordevic"),
    ("", None),
    (None, None),
])
def test_names_are_ascii_lower_without_titles(raw, expected):
    assert f.normalise_name(raw, frozenset({"dr", "mr"})) == expected


@pytest.mark.parametrize(("nickname", "formal"), [
    ("bill", "william"), ("peggy", "margaret"), ("bob", "robert"), ("liz", "elizabeth")])
def test_nickname_variants_include_the_formal_name(nickname, formal):
    assert formal in f.name_variants(nickname)
    assert formal in f.name_variants(formal)


def test_unrelated_first_names_share_no_variant():
    assert not set(f.name_variants("william")) & set(f.name_variants("margaret"))


@pytest.mark.parametrize(("raw", "expected"), [
    ("1984-03-07", "1984-03-07"), ("19840307", "1984-03-07"), ("07/03/1984", "1984-03-07"),
    ("19841331", None), ("not a date", None), (None, None)])
def test_dates_of_birth_become_iso(raw, expected):
    assert f.normalise_dob(raw, DOB_FORMATS) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("+44 7700 900123", "+447700900123"), ("07700 900123", "+447700900123"),
    ("(020) 7946 0018", "+442079460018"), ("12", None), ("n/a", None), (None, None)])
def test_phones_become_e164(raw, expected):
    assert f.normalise_phone(raw, "GB") == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (" Jane.Doe@Mail.COM ", "jane.doe@mail.com"), ("no-at-sign", None), ("a@b@c", None),
    ("@mail.com", None)])
def test_emails_are_trimmed_lower_and_well_formed(raw, expected):
    assert f.normalise_email(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("sw1a 1aa", "SW1A1AA"), ("P-123 456", "P123456")])
def test_codes_keep_only_upper_letters_and_digits(raw, expected):
    assert f.normalise_code(raw) == expected


@pytest.mark.parametrize(("field", "raw"), [
    ("email", "bookings@agency.example"), ("email", "NoReply@airline.example"),
    ("phone", "+44 0000 000000"), ("phone", "0000000000"), ("document_number", "000000"),
    ("dob", "1900-01-01"), ("first_name", "Unknown")])
def test_blocked_values_are_nulled_before_matching(conf, field, raw):
    guard = Guardrails.from_conf(conf["guardrails"]["blocked"])
    assert standardise_record({field: raw}, conf, guard)[field] is None


def test_real_values_survive_the_guardrails(conf):
    guard = Guardrails.from_conf(conf["guardrails"]["blocked"])
    record = standardise_record({"first_name": "Bill", "last_name": "Smith",
                                 "email": "bill@smith.example", "phone": "07700 900123"},
                                conf, guard)
    assert record["email"] == "bill@smith.example"
    assert record["phone"] == "+447700900123"
    assert record["full_name"] == "bill smith"
    assert "william" in record["first_name_variants"]


PARTICLES = frozenset({"de", "van", "der", "al", "del", "la"})


@pytest.mark.parametrize(("raw", "expected"), [
    ("de boer", "boer"), ("boer", "boer"), ("al mansouri", "mansouri"),
    ("van der berg", "berg"), ("de la cruz", "cruz"), ("smith jones", "smith jones"),
    ("de", "de"), ("davies", "davies"), (None, None)])
def test_surname_particles_are_dropped(raw, expected):
    assert f.strip_particles(raw, PARTICLES) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("deboer", "boer"), ("almansouri", "mansouri"),            # the rest is a known surname
    ("davies", "davies"), ("lefevre", "lefevre"),              # "vies", "fevre" are not
    ("alroy", "alroy")])                                       # too short a rest
def test_a_glued_particle_is_cut_only_before_a_surname_the_data_holds(raw, expected):
    known = frozenset({"boer", "mansouri", "davies", "roy"})
    assert f.strip_particles(raw, PARTICLES, known) == expected


@pytest.mark.parametrize(("one", "other"), [
    (("mohammed", "ali"), ("muhammad", "ali")), (("yusuf", "hashimi"), ("youssef", "hashemi")),
    (("khalid", "rahman"), ("khaled", "rahman")), (("sergei", "smith jones"), ("sergey",
                                                                             "smithjones"))])
def test_transliterated_names_sound_alike(one, other):
    assert f.name_sounds(*one) == f.name_sounds(*other) is not None


@pytest.mark.parametrize(("one", "other"), [
    (("anna", "smith"), ("hanna", "schmidt")), (("mohammed", "ali"), ("mohammed", "alvarez"))])
def test_different_names_do_not_sound_alike(one, other):
    assert f.name_sounds(*one) != f.name_sounds(*other)


def test_a_name_without_its_other_half_has_no_sound_key():
    assert f.name_sounds("anna", None) is None and f.name_sounds(None, "smith") is None


def test_standardised_surnames_lose_their_particles(conf):
    guard = Guardrails.from_conf(conf["guardrails"]["blocked"])
    one = standardise_record({"first_name": "Jan", "last_name": "de Boer"}, conf, guard)
    other = standardise_record({"first_name": "Jan", "last_name": "Deboer"}, conf, guard,
                               frozenset({"boer"}))
    third = standardise_record({"first_name": "Jan", "last_name": "Boer"}, conf, guard)
    assert one["last_name"] == other["last_name"] == third["last_name"] == "boer"
    davies = standardise_record({"first_name": "Ann", "last_name": "Davies"}, conf, guard,
                                frozenset({"davies", "boer"}))
    assert davies["last_name"] == "davies"
    assert one["full_name"] == other["full_name"] and one["name_sounds"] == other["name_sounds"]
