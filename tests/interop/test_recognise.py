"""The recognition tables and rules on their own: no Django, no database."""

from __future__ import annotations

import pytest

from milepost.domain import instruments
from milepost.interop.fhir import recognise

LOINC = "http://loinc.org"
PHQ9 = instruments.get("phq9")
GAD7 = instruments.get("gad7")


def item(instrument, number):
    return instrument.items[number - 1]


def test_every_table_row_loads_and_names_its_source():
    tables = recognise.tables()
    assert tables.canonicals["http://hl7.org/fhir/us/core/Questionnaire/phq-9-example"] == "phq9"
    assert tables.variants[("gad7", 2, "LA18938-3")] == (LOINC, 2)
    assert "69722-7" in tables.unscored["phq9"]
    assert "http://hl7.org/fhir/StructureDefinition/ordinalValue" in tables.scoring_extensions


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("https://milepost.org/fhir/Questionnaire/phq9", "phq9"),
        ("http://hl7.org/fhir/us/core/Questionnaire/phq-9-example|7.0.0", "phq9"),
        ("http://loinc.org/q/44249-1", "phq9"),
        ("http://loinc.org/q/69737-5/", "gad7"),
        ("http://hl7.org/fhir/us/core/Questionnaire/phq-9-examples", None),
        ("http://example.org/Questionnaire/44249", None),
    ],
)
def test_questionnaires_by_canonical(canonical, expected):
    found = recognise.instrument_for_canonical(canonical)
    assert (found.code if found else None) == expected


@pytest.mark.parametrize(
    ("coding", "expected"),
    [
        ({"system": LOINC, "code": "LA6570-1"}, 2),
        ({"code": "LA6570-1"}, 2),  # LHC-Forms: no system
        ({"system": "http://snomed.info/sct", "code": "LA6570-1"}, None),
        ({"code": "2"}, 2),
        ({"code": "4"}, 4),  # a number: checked against the item's answers later
        (
            {
                "system": "https://ehr.example.org/cs",
                "code": "x",
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                        "valueDecimal": 3,
                    }
                ],
            },
            3,
        ),
        (
            {
                "system": "https://ehr.example.org/cs",
                "code": "x",
                "extension": [
                    {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 1}
                ],
            },
            1,
        ),
        ({"system": "https://ehr.example.org/cs", "code": "x"}, None),
    ],
)
def test_phq9_answer_codings(coding, expected):
    assert recognise.coding_value(PHQ9, item(PHQ9, 1), coding) == expected


@pytest.mark.parametrize(
    ("number", "system", "expected"),
    [(2, LOINC, 2), (2, None, 2), (1, LOINC, None), (3, LOINC, None), (2, "http://other", None)],
)
def test_the_gad7_variant_holds_for_item_2_only(number, system, expected):
    coding = {"code": "LA18938-3"} | ({"system": system} if system else {})
    assert recognise.coding_value(GAD7, item(GAD7, number), coding) == expected


def test_answers_through_a_questionnaires_options():
    form = recognise.form_map(
        {
            "resourceType": "Questionnaire",
            "identifier": [{"system": LOINC, "value": "44249-1"}],
            "item": [
                {
                    "linkId": "a",
                    "code": [{"system": LOINC, "code": "44250-9"}],
                    "answerOption": [
                        {
                            "valueCoding": {"system": "s", "code": "often"},
                            "extension": [
                                {
                                    "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                                    "valueDecimal": 2,
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    )
    assert form.instrument is PHQ9
    names = recognise.item_names(PHQ9)
    assert recognise.item_for(PHQ9, names, "a", form) is item(PHQ9, 1)
    assert recognise.item_for(PHQ9, names, "b", form) is None
    found = recognise.coding_value(
        PHQ9, item(PHQ9, 1), {"system": "s", "code": "often"}, link_id="a", form=form
    )
    assert found == 2
    other_system = {"system": "t", "code": "often"}
    assert recognise.coding_value(PHQ9, item(PHQ9, 1), other_system, link_id="a", form=form) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12.0),
        (12.0, 12.0),
        ("12", 12.0),
        (" 12.5 ", 12.5),
        ("twelve", None),
        (True, None),
        ("1" * 7, None),
        (10**400, None),
    ],
)
def test_a_sent_total(value, expected):
    assert recognise.number(value) == expected


@pytest.mark.parametrize(
    ("code", "role", "instrument"),
    [
        ("44249-1", "panel", "phq9"),
        ("44261-6", "total", "phq9"),
        ("44250-9", "item", "phq9"),
        ("69722-7", "unscored", "phq9"),
        ("70274-6", "total", "gad7"),
        ("1234-5", "", None),
    ],
)
def test_observation_roles(code, role, instrument):
    found_role, found, _ = recognise.observation_role({"coding": [{"system": LOINC, "code": code}]})
    assert (found_role, found.code if found else None) == (role, instrument)


def test_labels_match_whole_labels_only():
    assert recognise.label_value(item(PHQ9, 1), " several DAYS ") == 1
    assert recognise.label_value(item(PHQ9, 1), "several") is None
