"""The export as US Core receivers load it: screening-assessment profiles, LOINC linkIds,
item Observations as members of the total, a risk as a Flag, CarePlan categories, the R4
label, and the transaction Bundle."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from milepost.domain import instruments
from milepost.interop.fhir import codes, export
from milepost.interop.fhir.export import client_bundle
from milepost.interop.fhir.validation import validate_resource
from milepost.measures.models import Administration
from tests.interop.test_export import bundle, by_id, resolve, resources  # noqa: F401

pytestmark = pytest.mark.django_db


def test_responses_and_totals_carry_the_us_core_profiles(bundle):  # noqa: F811
    for response in resources(bundle, "QuestionnaireResponse"):
        assert response["meta"]["profile"] == [export.US_CORE_QR]
    for obs in resources(bundle, "Observation"):
        if "valueInteger" in obs or "valueCodeableConcept" in obs:
            assert obs["meta"]["profile"] == [export.SCREENING_ASSESSMENT]
            assert obs["category"][0]["coding"][0]["code"] == "survey"
        else:  # a custom metric is no screening
            assert "meta" not in obs


def test_linkids_are_loinc_codes_in_the_questionnaire_and_the_responses(record, bundle):  # noqa: F811
    phq9 = instruments.get("phq9")
    questionnaire = by_id(bundle, "Questionnaire", "phq9")
    assert [i["linkId"] for i in questionnaire["item"]] == [i.loinc for i in phq9.items]
    assert questionnaire["item"][0]["linkId"] == "44250-9"
    first = next(a for a in record.administrations if a.instrument_code == "phq9")
    response = by_id(bundle, "QuestionnaireResponse", first.public_id)
    linked = {i["linkId"] for i in questionnaire["item"]}
    assert {i["linkId"] for i in response["item"]} <= linked


def test_the_total_has_its_items_as_members_valued_with_the_answer_codes(record, bundle):  # noqa: F811
    first = record.administrations[0]
    total = next(o for o in resources(bundle, "Observation") if o["id"] == first.public_id)
    members = [resolve(bundle, m) for m in total["hasMember"]]
    answered = [v for v in first.answers if v is not None]
    assert len(members) == len(answered)
    item = members[0]
    assert item["code"]["coding"][0] == {"system": codes.LOINC, "code": "44250-9"}
    assert item["valueCodeableConcept"]["coding"][0]["code"] == "LA6571-9"  # nearly every day
    assert resolve(bundle, item["derivedFrom"][0])["resourceType"] == "QuestionnaireResponse"
    assert total["valueInteger"] == sum(answered)


def test_an_item_9_risk_is_also_a_flag(record, bundle):  # noqa: F811
    everything = Administration.objects.filter(client=record.p.dana_client)
    flagged = [a for a in everything if any(f["code"] == "self-harm" for f in a.flags)]
    flags = resources(bundle, "Flag")
    assert len(flags) == len(flagged) >= 1
    flag = flags[0]
    assert flag["status"] == "active"
    assert flag["category"][0]["coding"][0]["code"] == "safety"
    assert flag["code"]["coding"][0]["code"] == "self-harm"
    assert "Item 9" in flag["code"]["text"]
    assert resolve(bundle, flag["subject"])["resourceType"] == "Patient"


def test_care_plans_carry_the_us_core_category(bundle):  # noqa: F811
    for plan in resources(bundle, "CarePlan"):
        assert plan["category"][0]["coding"][0]["code"] == "assess-plan"


def test_a_transaction_bundle_puts_every_resource_at_its_id(record):
    sent = client_bundle(record.p.alice, record.p.dana_client, transaction=True)
    model = validate_resource(sent)
    assert isinstance(model, Bundle)
    assert sent["type"] == "transaction"
    assert "timestamp" not in sent
    for entry in sent["entry"]:
        resource = entry["resource"]
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }


def test_the_download_says_r4_and_offers_a_transaction(record, login_as):
    http = login_as(record.p.alice)
    url = f"/clients/{record.p.dana_client.public_id}/fhir.json"
    collection = http.get(url)
    assert collection["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    assert json.loads(collection.content)["type"] == "collection"
    transaction = http.get(url, {"type": "transaction"})
    assert json.loads(transaction.content)["type"] == "transaction"
    assert "fhir-transaction-" in transaction["Content-Disposition"]
