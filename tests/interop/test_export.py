"""The FHIR export: every resource validates with the R4B models and says what Milepost says."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections import Counter

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from milepost.accounts import services as accounts
from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.domain import instruments
from milepost.interop.fhir import codes
from milepost.interop.fhir.export import client_bundle
from milepost.interop.fhir.questionnaire import questionnaire
from milepost.interop.fhir.validation import InvalidResource, validate_resource
from milepost.measures.models import Administration
from milepost.plans.models import PlanStatus, Signature, TreatmentPlan

pytestmark = pytest.mark.django_db

EXPECTED_TYPES = {
    "Patient",
    "Organization",
    "Practitioner",
    "Coverage",
    "Condition",
    "CarePlan",
    "Provenance",
    "Goal",
    "Questionnaire",
    "QuestionnaireResponse",
    "Observation",
    "Flag",  # dana's first PHQ-9 answers item 9 above "not at all"
}


def resources(bundle, kind=None):
    return [
        e["resource"]
        for e in bundle["entry"]
        if kind is None or e["resource"]["resourceType"] == kind
    ]


def by_id(bundle, kind, resource_id):
    return next(r for r in resources(bundle, kind) if r["id"] == resource_id)


def resolve(bundle, reference):
    return next(e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"])


@pytest.fixture
def bundle(record):
    p = record.p
    clients.client_update(
        actor=p.alice,
        client=p.dana_client,
        sex="female",
        gender_identity="Woman",
        pronouns="she/her",
        address_line="14 Dove Street",
        city="Albany",
        state="NY",
        postal_code="12210",
    )
    clients.coverage_set(
        actor=p.alice,
        client=p.dana_client,
        payer="Aetna",
        plan_name="Choice POS II",
        member_id="W184226731",
        group_id="0865421",
        relationship="child",
        subscriber_name="Ruth Example",
    )
    accounts.user_update(
        actor=None,
        user=p.alice,
        full_name=p.alice.full_name,
        credentials="LCSW",
        role="clinician",
        is_active=True,
        npi="1578902342",
        license_state="NY",
        license_type="LCSW",
        license_number="087452",
    )
    accounts.practice_details_set(actor=None, organization=p.org, tax_id="12-3456789", state="NY")
    p.dana_client.refresh_from_db()
    p.alice.refresh_from_db()
    return client_bundle(p.alice, p.dana_client)


class PayerResourcesTests:
    def test_the_patient_carries_sex_address_gender_identity_and_pronouns(self, bundle):
        patient = resources(bundle, "Patient")[0]
        assert patient["gender"] == "female"
        assert patient["address"][0]["line"] == ["14 Dove Street"]
        assert patient["address"][0]["postalCode"] == "12210"
        extensions = {e["url"]: e for e in patient["extension"]}
        assert extensions[codes.GENDER_IDENTITY]["valueCodeableConcept"]["text"] == "Woman"
        pronouns = extensions[codes.PRONOUNS]["extension"][0]
        assert pronouns["valueCodeableConcept"]["text"] == "she/her"
        assert resolve(bundle, patient["managingOrganization"])["resourceType"] == "Organization"

    def test_the_coverage_names_payer_member_group_and_subscriber(self, bundle):
        (coverage,) = resources(bundle, "Coverage")
        assert coverage["subscriberId"] == "W184226731"
        assert coverage["payor"] == [{"display": "Aetna"}]
        assert coverage["relationship"]["coding"][0]["code"] == "child"
        assert coverage["subscriber"] == {"display": "Ruth Example"}
        assert resolve(bundle, coverage["beneficiary"])["resourceType"] == "Patient"
        classes = {c["type"]["coding"][0]["code"]: c["value"] for c in coverage["class"]}
        assert classes == {"group": "0865421", "plan": "Choice POS II"}

    def test_the_practitioner_has_the_npi_and_the_organization_the_ein(self, bundle):
        alice = next(r for r in resources(bundle, "Practitioner") if r["name"][0]["text"])
        npis = [i["value"] for i in alice["identifier"] if i["system"] == codes.US_NPI]
        assert npis == ["1578902342"]
        assert alice["qualification"][0]["identifier"] == [{"value": "087452"}]
        (practice,) = resources(bundle, "Organization")
        eins = [i["value"] for i in practice["identifier"] if i["system"] == codes.US_EIN]
        assert eins == ["12-3456789"]


class ValidationTests:
    def test_every_resource_type_is_present_and_validates_on_its_own(self, bundle):
        kinds = Counter(r["resourceType"] for r in resources(bundle))
        assert set(kinds) == EXPECTED_TYPES
        for resource in resources(bundle):
            model = validate_resource(resource)
            assert model.get_resource_type() == resource["resourceType"]

    def test_the_whole_bundle_validates(self, bundle):
        model = validate_resource(bundle)
        assert isinstance(model, Bundle)
        assert model.type == "collection"
        assert len(model.entry or []) == len(bundle["entry"])

    def test_a_broken_resource_fails_validation_naming_the_field(self, bundle):
        goal = dict(resources(bundle, "Goal")[0])
        del goal["description"]
        with pytest.raises(InvalidResource) as caught:
            validate_resource(goal)
        assert caught.value.field == "description"

    def test_every_bundled_instrument_makes_a_valid_questionnaire(self):
        for instrument in instruments.all_instruments():
            q = questionnaire(instrument)
            validate_resource(q)
            assert [i["linkId"] for i in q["item"]] == [i.key for i in instrument.items]

    def test_full_urls_are_stable_uuids_and_references_resolve(self, record, bundle):
        again = client_bundle(record.p.alice, record.p.dana_client)
        assert [e["fullUrl"] for e in bundle["entry"]] == [e["fullUrl"] for e in again["entry"]]
        urls = {e["fullUrl"] for e in bundle["entry"]}
        assert all(u.startswith("urn:uuid:") for u in urls)
        assert len(urls) == len(bundle["entry"])
        text = str(bundle)
        for ref in set(re.findall(r"'reference': '(urn:uuid:[^']+)'", text)):
            assert ref in urls, f"dangling reference {ref}"


class LoincTests:
    def test_loinc_codes_match_the_instrument_data(self, bundle):
        for q in resources(bundle, "Questionnaire"):
            instrument = instruments.get(q["id"])
            panel = [c["code"] for c in q.get("code", []) if c["system"] == codes.LOINC]
            assert panel == ([instrument.loinc.panel] if instrument.loinc.panel else [])
            for item_json, item in zip(q["item"], instrument.items, strict=True):
                loinc = [c["code"] for c in item_json.get("code", [])]
                assert loinc == ([item.loinc] if item.loinc else [])
        for obs in resources(bundle, "Observation"):
            mine = [c for c in obs["code"]["coding"] if c["system"] == codes.INSTRUMENT]
            if not mine:
                continue
            instrument = instruments.get(mine[0]["code"])
            loinc = [c["code"] for c in obs["code"]["coding"] if c["system"] == codes.LOINC]
            assert loinc == [instrument.loinc.total]

    def test_the_us_core_total_codes_are_used(self, bundle):
        totals = {
            c["code"]
            for o in resources(bundle, "Observation")
            if "valueInteger" in o  # the totals (the items are coded answers)
            for c in o["code"]["coding"]
            if c["system"] == codes.LOINC
        }
        assert totals == {"44261-6", "70274-6"}  # PHQ-9 and GAD-7 totals

    def test_answers_carry_the_loinc_answer_code_and_the_value(self, record, bundle):
        first = record.administrations[0]
        response = by_id(bundle, "QuestionnaireResponse", first.public_id)
        coding = response["item"][0]["answer"][0]["valueCoding"]
        assert coding["code"] == "LA6571-9"  # "Nearly every day"
        assert coding["extension"][0]["valueDecimal"] == first.answers[0] == 3


class ContentTests:
    def test_the_patient_has_one_identifier_and_the_name(self, record, bundle):
        (patient,) = resources(bundle, "Patient")
        assert patient["identifier"] == [
            {"system": codes.PATIENT_ID, "value": record.p.dana_client.public_id}
        ]
        assert patient["name"][0]["family"] == "Quillfeather"
        assert patient["birthDate"] == "1990-04-01"

    def test_conditions_are_icd10cm(self, bundle):
        (condition,) = resources(bundle, "Condition")
        assert condition["code"]["coding"][0] == {
            "system": "http://hl7.org/fhir/sid/icd-10-cm",
            "code": "F32.1",
            "display": "Major depressive disorder, single episode, moderate",
        }
        assert condition["clinicalStatus"]["coding"][0]["code"] == "active"

    def test_each_plan_version_is_a_care_plan_with_its_status_and_version(self, record, bundle):
        v1 = by_id(bundle, "CarePlan", record.v1.public_id)
        v2 = by_id(bundle, "CarePlan", record.v2.public_id)
        version = {"url": codes.PLAN_VERSION, "valuePositiveInt": 1}
        assert (v1["status"], v1["extension"]) == ("revoked", [version])
        assert (v2["status"], v2["extension"]) == ("active", [{**version, "valuePositiveInt": 2}])
        # meta.versionId is the server's version of the resource, not the plan's.
        assert "meta" not in v1
        assert "meta" not in v2
        assert v2["intent"] == "plan"
        assert resolve(bundle, v2["replaces"][0])["id"] == record.v1.public_id
        assert v1["period"]["end"] == v2["period"]["start"]
        assert resolve(bundle, v2["addresses"][0])["resourceType"] == "Condition"
        goal_ids = [resolve(bundle, g)["id"] for g in v2["goal"]]
        expected = []
        for goal in record.v2.goals.all():
            expected += [goal.public_id, *(o.public_id for o in goal.objectives.all())]
        assert goal_ids == expected
        descriptions = [a["detail"]["description"] for a in v2["activity"]]
        assert "Behavioural activation (individual), weekly, 50-minute sessions" in descriptions
        assert all(a["detail"]["kind"] == "ServiceRequest" for a in v2["activity"])

    def test_each_signature_is_a_provenance_with_the_content_hash(self, record, bundle):
        provenances = resources(bundle, "Provenance")
        signatures = Signature.objects.filter(plan__client=record.p.dana_client)
        assert len(provenances) == signatures.count() == 3
        clinician = signatures.get(plan=record.v1, role="clinician")
        prov = by_id(bundle, "Provenance", clinician.public_id)
        assert resolve(bundle, prov["target"][0])["id"] == record.v1.public_id
        assert prov["recorded"] == clinician.signed_at.isoformat()
        data = base64.b64decode(prov["signature"][0]["data"]).decode()
        assert data == record.v1.content_hash == clinician.content_hash
        assert prov["agent"][0]["who"]["display"] == (
            f"{clinician.signer_name}, {clinician.credentials}"
        )
        client_sig = signatures.get(plan=record.v1, role="client")
        endorsed = by_id(bundle, "Provenance", client_sig.public_id)
        assert resolve(bundle, endorsed["agent"][0]["who"])["resourceType"] == "Patient"

    def test_goals_carry_their_targets_progress_and_links(self, record, bundle):
        goal = record.v2.goals.get()
        resource = by_id(bundle, "Goal", goal.public_id)
        target = resource["target"][0]
        assert target["measure"]["coding"][0] == {"system": codes.LOINC, "code": "44261-6"}
        assert target["detailRange"] == {
            "high": {"value": 9, "unit": "{score}", "system": codes.UCUM, "code": "{score}"}
        }
        assert target["dueDate"] == goal.target.due_date.isoformat()
        assert resource["achievementStatus"]["coding"][0]["code"] == "improving"
        assert resource["lifecycleStatus"] == "active"
        milestones = [
            resolve(bundle, e["extension"][1]["valueReference"])["id"]
            for e in resource["extension"]
        ]
        assert milestones == [o.public_id for o in goal.objectives.all()]

    def test_goals_of_a_superseded_version_are_not_active(self, record, bundle):
        for goal in record.v1.goals.all():
            for owner in (goal, *goal.objectives.all()):
                resource = by_id(bundle, "Goal", owner.public_id)
                assert resource["lifecycleStatus"] == "cancelled"
                assert "superseded" in resource["statusReason"]
        active = [g["id"] for g in resources(bundle, "Goal") if g["lifecycleStatus"] == "active"]
        in_force = [o.public_id for g in record.v2.goals.all() for o in (g, *g.objectives.all())]
        assert active == in_force

    def test_goals_of_a_closed_plan_are_completed(self, record):
        TreatmentPlan.objects.filter(pk=record.v2.pk).update(status=PlanStatus.CLOSED)
        bundle = client_bundle(record.p.alice, record.p.dana_client)
        goal = record.v2.goals.get()
        resource = by_id(bundle, "Goal", goal.public_id)
        assert resource["lifecycleStatus"] == "completed"
        assert resource["statusReason"] == "The plan was closed"
        assert not [g for g in resources(bundle, "Goal") if g["lifecycleStatus"] == "active"]

    def test_objectives_are_goals_pointing_back_to_their_goal(self, record, bundle):
        goal = record.v2.goals.get()
        strict, metric = goal.objectives.all()
        resource = by_id(bundle, "Goal", strict.public_id)
        assert resolve(bundle, resource["extension"][0]["valueReference"])["id"] == goal.public_id
        assert resource["target"][0]["detailQuantity"]["comparator"] == "<"
        assert resource["target"][0]["detailQuantity"]["value"] == 8
        counted = by_id(bundle, "Goal", metric.public_id)["target"][0]
        assert counted["detailRange"] == {"low": {"value": 5, "unit": "activities per week"}}
        assert counted["measure"]["coding"][0]["code"] == record.metric.public_id

    def test_each_administration_is_a_response_and_a_total_derived_from_it(self, record, bundle):
        responses = resources(bundle, "QuestionnaireResponse")
        assert len(responses) == Administration.objects.filter(client=record.p.dana_client).count()
        first = record.administrations[0]
        total = next(
            o
            for o in resources(bundle, "Observation")
            if o["id"] == first.public_id and "valueInteger" in o
        )
        assert total["valueInteger"] == first.total == 18
        assert total["effectiveDateTime"] == first.administered_at.isoformat()
        assert total["interpretation"][0]["text"] == "Moderately severe"
        assert resolve(bundle, total["derivedFrom"][0])["id"] == first.public_id

    def test_an_entry_in_error_is_exported_as_entered_in_error(self, record, bundle):
        mistaken = record.administrations[3]
        assert by_id(bundle, "QuestionnaireResponse", mistaken.public_id)["status"] == (
            "entered-in-error"
        )

    def test_metric_observations_are_quantities_over_their_week(self, record, bundle):
        values = [
            o
            for o in resources(bundle, "Observation")
            if o["code"]["coding"][0]["system"] == codes.METRIC
        ]
        assert [o["valueQuantity"]["value"] for o in values] == [1, 2, 3, 4]
        period = values[0]["effectivePeriod"]
        start = dt.date.fromisoformat(period["start"])
        assert dt.date.fromisoformat(period["end"]) == start + dt.timedelta(days=6)
        # Entered on today's weekday four weeks ago, filed under that week's Monday, the
        # practice's week start (decision 0831).
        entered = timezone.localdate() - dt.timedelta(weeks=4)
        assert start.isoweekday() == 1
        assert start <= entered <= start + dt.timedelta(days=6)


class AuditTests:
    def test_the_export_writes_one_export_event(self, record):
        last = AuditEvent.objects.order_by("-id").first()
        assert last is not None
        client_bundle(record.p.alice, record.p.dana_client)
        actions = list(AuditEvent.objects.filter(id__gt=last.id).values_list("action", flat=True))
        assert actions.count("client.export_fhir") == 1
        # The reads went through the access functions, each audited as a read.
        assert {"administration.list", "observation.list", "plan.list"} <= set(actions)
