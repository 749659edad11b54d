"""`lakehouse identity dedupe|link` on a small list with known duplicates, in this process.

The list is ~200 distinct people plus four planted duplicates (nickname, transliteration, typo,
swapped names) and two different people who booked through one agency mailbox; the mailbox is
blocked in conf/identity.yaml, so it must not put them in one cluster.
"""

import random
from datetime import date, timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.errors import LakehouseError

pytestmark = pytest.mark.integration

FIRST = ["Anna", "Omar", "Priya", "Lucas", "Sofia", "Kenji", "Amara", "Mateo", "Ingrid", "Tariq",
         "Chloe", "Dmitri", "Nadia", "Felix", "Leila", "Hugo", "Zara", "Ravi", "Elena", "Kwame"]
LAST = ["Okafor", "Lindqvist", "Haddad", "Moreau", "Kowalski", "Tanaka", "Ferreira", "Nakamura",
        "Osei", "Petrov"]
CITIES = ["London", "Leeds", "York", "Bath", "Derby", "Truro", "Ely", "Hull"]
MAP = ("first_name=GIVEN,last_name=FAMILY,dob=DOB,email=EMAIL,phone=PHONE,street=STREET,"
       "city=CITY,postcode=POSTCODE")
# (key, original record, duplicate record) -- fields: GIVEN FAMILY DOB EMAIL PHONE
PLANTED = [
    ("nickname", ("William", "Turner", "1971-05-02", "w.turner@mail.example", "07700 900101"),
     ("Bill", "Turner", "02/05/1971", "w.turner@mail.example", "+44 7700 900101")),
    ("translit", ("Jürgen", "Müller", "1965-11-23", "jm65@mail.example", "07700 900102"),
     ("Jurgen", "Muller", "1965-11-23", "jm65@mail.example", "07700900102")),
    ("typo", ("Catherine", "Johnson", "1988-01-30", "cathy.j@mail.example", "07700 900103"),
     ("Catherine", "Jonhson", "1988-01-30", "cathy.j@mail.example", "07700 900103")),
    ("swapped", ("Wei", "Chen", "1979-08-14", "chenwei@mail.example", "07700 900104"),
     ("Chen", "Wei", "1979-08-14", "chenwei@mail.example", "07700 900104")),
]
AGENCY = [("agency_a", ("Grace", "Holloway", "1959-02-11", "bookings@agency.example", "")),
          ("agency_b", ("Samuel", "Ibekwe", "1993-12-05", "bookings@agency.example", ""))]


def _row(key, values, n):
    given, family, dob, email, phone = values
    return {"KEY": key, "GIVEN": given, "FAMILY": family, "DOB": dob, "EMAIL": email,
            "PHONE": phone, "STREET": f"{n} High Street", "CITY": CITIES[n % len(CITIES)],
            "POSTCODE": f"AB{n % 90 + 10} {n % 9}CD"}


def people() -> pd.DataFrame:
    """~200 distinct people with unique name pairs, birthdays, emails and phones."""
    rng = random.Random(7)
    rows, days = [], rng.sample(range(365 * 50), 200)
    for n, (first, last) in enumerate((f, s) for f in FIRST for s in LAST):
        dob = (date(1950, 1, 1) + timedelta(days=days[n])).isoformat()
        values = (first, last, dob, f"{first}.{last}{n}@mail.example".lower(),
                  f"07700 9{n:05d}")
        rows.append(_row(f"p{n}", values, n + 300))
    for n, (key, original, duplicate) in enumerate(PLANTED):
        rows += [_row(key, original, n + 500), _row(key, duplicate, n + 500)]
    rows += [_row(key, values, 600 + n) for n, (key, values) in enumerate(AGENCY)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory, spark):
    path = tmp_path_factory.mktemp("identity") / "people.csv"
    people().to_csv(path, index=False)
    return path


def test_dedupe_clusters_planted_duplicates_and_not_agency_bookers(people_csv, tmp_path):
    out = tmp_path / "clusters.parquet"
    result = CliRunner().invoke(app, ["identity", "dedupe", "--in", str(people_csv),
                                      "--map", MAP, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = pd.read_parquet(out)
    assert len(rows) == len(people()) and rows["cluster_id"].notna().all()
    clusters = rows.groupby("KEY")["cluster_id"].nunique()
    for key, *_ in PLANTED:
        assert clusters[key] == 1, f"{key} duplicates not clustered"
    agency = rows.set_index("KEY").loc[["agency_a", "agency_b"], "cluster_id"]
    assert agency.nunique() == 2
    assert rows["cluster_id"].nunique() == rows["KEY"].nunique()  # nobody else merged


def test_link_writes_pairs_with_weights(people_csv, tmp_path):
    frame = people()
    left, right = tmp_path / "left.csv", tmp_path / "right.parquet"
    frame[frame.index % 2 == 0].to_csv(left, index=False)
    frame[frame.index % 2 == 1].to_parquet(right, index=False)
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(app, ["identity", "link", "--left", str(left), "--right",
                                      str(right), "--map", MAP, "--out", str(out),
                                      "--id-column", "KEY"])
    assert result.exit_code == 0, result.output
    pairs = pd.read_csv(out, dtype={"left_id": str, "right_id": str})
    assert list(pairs.columns) == ["left_id", "right_id", "match_weight", "match_probability"]
    assert {key for key, *_ in PLANTED} <= set(pairs.left_id[pairs.left_id == pairs.right_id])
    assert (pairs.match_probability >= 0.9).all() and (pairs.match_weight > 0).all()


def test_unknown_field_is_a_clear_error(people_csv, tmp_path):
    result = CliRunner().invoke(app, ["identity", "dedupe", "--in", str(people_csv), "--map",
                                      "surname=FAMILY", "--out", str(tmp_path / "x.csv")])
    assert isinstance(result.exception, LakehouseError)
    assert "unknown field 'surname'" in result.exception.what
    assert "last_name" in result.exception.fix


def test_missing_column_error_names_file_and_column(people_csv, tmp_path):
    result = CliRunner().invoke(app, ["identity", "dedupe", "--in", str(people_csv), "--map",
                                      "last_name=SURNAME", "--out", str(tmp_path / "x.csv")])
    assert isinstance(result.exception, LakehouseError)
    assert f"column 'SURNAME' not found in {people_csv}" == result.exception.what
