"""Questionnaires generated from the instrument data, and the codings of their answers.

One item per instrument item: ``linkId`` is the item's key (``anhedonia``), ``code`` its
LOINC code where the data gives one, and each answer option a Coding — the LOINC answer
code where known, otherwise the option value in a Milepost answer system — carrying the
value it scores as an ``ordinalValue`` extension. Import reads answers back by the same
rules (and a few more other systems use), so an export always imports unchanged.
"""

from __future__ import annotations

from typing import Any

from milepost.domain.instruments import Instrument, Item, Option
from milepost.interop.fhir import codes


def option_coding(instrument: Instrument, option: Option) -> dict[str, Any]:
    coding: dict[str, Any] = {
        "extension": [{"url": codes.ORDINAL_VALUE, "valueDecimal": option.value}],
    }
    if option.loinc_answer:
        coding |= {"system": codes.LOINC, "code": option.loinc_answer}
    else:
        coding |= {"system": codes.answer_system(instrument.code), "code": str(option.value)}
    coding["display"] = option.label
    return coding


def answer_coding(instrument: Instrument, item: Item, value: int) -> dict[str, Any]:
    for option in item.options:
        if option.value == value:
            return option_coding(instrument, option)
    # validate_answers admits only option values, so a stored answer always has an option.
    raise ValueError(f"item {item.number}: {value} is not an answer")


def questionnaire_id(instrument: Instrument) -> str:
    return instrument.code


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument as a Questionnaire resource (a dict of R4 JSON)."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(instrument),
        "url": codes.questionnaire_url(instrument.code),
        "identifier": [{"system": codes.INSTRUMENT, "value": instrument.code}],
        "version": instrument.version,
        "name": instrument.short_name.replace("-", "").replace(" ", ""),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.stem,
        "copyright": instrument.licence.attribution,
    }
    if instrument.loinc.panel:
        resource["code"] = [
            {"system": codes.LOINC, "code": instrument.loinc.panel, "display": instrument.name}
        ]
    items = []
    for item in instrument.items:
        entry: dict[str, Any] = {
            "linkId": item.key,
            "prefix": f"{item.number}.",
            "text": item.text,
            "type": "choice",
            "required": False,
            "answerOption": [
                {"valueCoding": option_coding(instrument, option)} for option in item.options
            ],
        }
        if item.loinc:
            entry["code"] = [{"system": codes.LOINC, "code": item.loinc}]
        items.append(entry)
    resource["item"] = items
    return resource
