"""Whether a file's patient is the client: names, birth date, identifiers, each difference
named by its field. No database."""

from __future__ import annotations

from datetime import date

import pytest

from milepost.domain.patient_match import (
    BIRTH_DATE,
    FAMILY_NAME,
    GIVEN_NAME,
    IDENTIFIER,
    PATIENTS,
    ClientIdentity,
    FilePatient,
    PersonName,
    compare_patient,
    name_key,
    patient_differences,
)

REF = "https://milepost.org/fhir/sid/client"
MRN = "urn:oid:2.16.840.1.113883.19.5"

CLIENT = ClientIdentity(
    family_name="Müller-Lüdenscheidt",
    given_name="Dana Marie",
    preferred_name="Dee",
    birth_date=date(1985, 3, 2),
    identifiers={REF: "c_abc123"},
)


def named(family="Müller-Lüdenscheidt", *given, text="", born="1985-03-02", ids=()):
    return FilePatient(
        names=(PersonName(family=family, given=tuple(given), text=text),),
        birth_date=born,
        identifiers=tuple(ids),
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Müller-Lüdenscheidt", "muller ludenscheidt"),
        ("  MÜLLER   lüdenscheidt ", "muller ludenscheidt"),
        ("O'Brien", "obrien"),
        ("Straße", "strasse"),  # casefold: ß is ss
        ("Ångström", "angstrom"),
        ("Zoë", "zoe"),
    ],
)
def test_name_key_sets_aside_case_accents_and_separators(text, key):
    assert name_key(text) == key


# (case, the file's patient, the fields expected to differ)
CASES = [
    ("the same, as written", named("Müller-Lüdenscheidt", "Dana"), []),
    ("case and accents", named("MULLER LUDENSCHEIDT", "dána"), []),
    ("no given name in the file", named("Muller-Ludenscheidt"), []),
    ("a middle name in the file", named("Müller-Lüdenscheidt", "Dana", "Louise"), []),
    ("the client's middle name only", named("Müller-Lüdenscheidt", "Marie"), []),
    ("the preferred name", named("Müller-Lüdenscheidt", "Dee"), []),
    ("an initial", named("Müller-Lüdenscheidt", "D."), []),
    ("the name as text only", named("", text="Dana Müller-Lüdenscheidt"), []),
    ("a year of birth only", named("Müller-Lüdenscheidt", "Dana", born="1985"), []),
    ("a month of birth", named("Müller-Lüdenscheidt", "Dana", born="1985-03"), []),
    ("no birth date", named("Müller-Lüdenscheidt", "Dana", born=""), []),
    ("another family name", named("Moved", "Dana"), [FAMILY_NAME]),
    ("part of a double family name", named("Müller", "Dana"), [FAMILY_NAME]),
    ("a transliteration is not guessed", named("Mueller-Luedenscheidt", "Dana"), [FAMILY_NAME]),
    ("another given name", named("Müller-Lüdenscheidt", "Robin"), [GIVEN_NAME]),
    ("another initial", named("Müller-Lüdenscheidt", "R."), [GIVEN_NAME]),
    ("another name as text", named("", text="Robin Other"), [FAMILY_NAME, GIVEN_NAME]),
    ("another birth date", named("Müller-Lüdenscheidt", "Dana", born="1984-03-02"), [BIRTH_DATE]),
    ("another year of birth", named("Müller-Lüdenscheidt", "Dana", born="1984"), [BIRTH_DATE]),
    (
        "everything else",
        named("Other", "Robin", born="1971-01-01"),
        [FAMILY_NAME, GIVEN_NAME, BIRTH_DATE],
    ),
    (
        "another client reference",
        named("Müller-Lüdenscheidt", "Dana", ids=[(REF, "c_zzz999")]),
        [IDENTIFIER],
    ),
    (
        "an identifier of a system Milepost does not know",
        named("Müller-Lüdenscheidt", "Dana", ids=[(MRN, "12345")]),
        [],
    ),
]


@pytest.mark.parametrize(("case", "patient", "fields"), CASES, ids=[c[0] for c in CASES])
def test_each_difference_is_named_by_its_field(case, patient, fields):
    assert patient_differences([patient], CLIENT).fields == fields


def test_the_birth_date_message_gives_both_dates():
    match = patient_differences([named(born="1984-03-02")], CLIENT)
    (difference,) = match.differences
    assert str(difference) == "Birth date: the file says 1984-03-02; this client's is 1985-03-02"


def test_the_family_name_message_names_the_field_and_both_names():
    (difference,) = patient_differences([named("Moved", "Dana")], CLIENT).differences
    assert str(difference) == (
        "Family name: the file says Dana Moved; this client's is Müller-Lüdenscheidt"
    )


def test_any_one_of_the_patients_names_may_match():
    patient = FilePatient(
        names=(PersonName("Smith", ("Dana",)), PersonName("Müller-Lüdenscheidt", ("Dana",))),
        birth_date="1985-03-02",
    )
    assert patient_differences([patient], CLIENT).differences == ()


def test_a_matching_client_reference_turns_a_changed_name_into_a_note():
    patient = named("Smith", "Dana", ids=[(REF, "c_abc123")])
    match = patient_differences([patient], CLIENT)
    assert match.differences == ()
    assert match.identifier_matched
    assert "Family name" in match.notes[0]


def test_a_matching_client_reference_does_not_excuse_another_birth_date():
    patient = named("Müller-Lüdenscheidt", "Dana", born="1971-01-01", ids=[(REF, "c_abc123")])
    assert patient_differences([patient], CLIENT).fields == [BIRTH_DATE]


def test_two_different_patients_differ_in_themselves():
    match = patient_differences([named(), named("Other", "Robin")], CLIENT)
    assert match.fields == [PATIENTS, FAMILY_NAME, GIVEN_NAME]
    assert "2 different patients" in str(match.differences[0])


def test_one_patient_listed_twice_is_one_patient():
    match = patient_differences(
        [named("Müller-Lüdenscheidt", "Dana"), named("MULLER-LUDENSCHEIDT", "dana")], CLIENT
    )
    assert match.differences == ()


@pytest.mark.parametrize(
    "patients",
    [
        [],
        [FilePatient()],
        [FilePatient(names=(PersonName(),), identifiers=((MRN, "1"),))],
    ],
    ids=["no patient", "an empty patient", "only an unknown identifier"],
)
def test_a_patient_that_says_nothing_about_who_is_nothing_to_compare(patients):
    assert patient_differences(patients, CLIENT).differences == ()


def test_compare_patient_reports_one_patient_alone():
    assert compare_patient(named("Other", "Dana"), CLIENT).fields == [FAMILY_NAME]
