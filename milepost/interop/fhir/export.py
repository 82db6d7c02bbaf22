"""A client's record as a FHIR Bundle (R4 JSON, checked with the R4B models).

``client_bundle(user, client)`` reads through the access functions (each audited), builds
the Bundle with :func:`record_bundle` and records one ``client.export_fhir`` event. The
practice archive builds the same Bundle from records it read in bulk.

What maps to what is in docs/fhir.md; the short version:

- Client → Patient (with its practice → Organization, its care team → Practitioner, its
  insurance → Coverage); each distinct ICD-10-CM code of any plan version → Condition.
- Plan version → CarePlan (+ one Provenance per signature); goal and objective → Goal
  (an objective is a milestone of its goal, and points back with an extension);
  intervention → CarePlan.activity.
- Instrument used → Questionnaire (items named by LOINC code); administration →
  QuestionnaireResponse, its total → Observation derived from it with one Observation per
  item as ``hasMember`` (US Core screening-assessment), a risk it raised → Flag;
  custom-metric value → Observation.
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from milepost.accounts.models import Organization, User
from milepost.audit.services import audit_record
from milepost.clients.access import care_team_of, coverage_of
from milepost.clients.models import Client, ClientStatus, Coverage
from milepost.domain import demographics, instruments
from milepost.domain.instruments import Instrument, Item
from milepost.interop.access import ClientRecord, plan_versions_for_client
from milepost.interop.fhir import codes
from milepost.interop.fhir.questionnaire import answer_coding, questionnaire
from milepost.interop.fhir.validation import validate_resource
from milepost.measures.access import administrations_for_client
from milepost.measures.models import Administration, Source
from milepost.plans.access import observations_for_client
from milepost.plans.models import (
    Goal,
    GoalStatus,
    Intervention,
    Objective,
    Observation,
    PlanStatus,
    Signature,
    SignatureRole,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import Series, series_by_measure, target_of, target_progress_for

Resource = dict[str, Any]

# US Core 7.0.0 profiles the measures follow (decision 0922): the screening-assessment
# Observation (http://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-observation-
# screening-assessment.html) and the QuestionnaireResponse profile.
US_CORE = "http://hl7.org/fhir/us/core"
SCREENING_ASSESSMENT = f"{US_CORE}/StructureDefinition/us-core-observation-screening-assessment"
US_CORE_QR = f"{US_CORE}/StructureDefinition/us-core-questionnaireresponse"
# US Core CarePlan category (http://hl7.org/fhir/us/core/STU7/CodeSystem-careplan-category.html).
CAREPLAN_CATEGORY = f"{US_CORE}/CodeSystem/careplan-category"
# FHIR R4 flag-category (http://terminology.hl7.org/CodeSystem/flag-category): "safety".
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
# A flag of these severities (instrument data, [[flags]]) is a risk, exported as a Flag too.
RISK_SEVERITIES = frozenset({"urgent"})

# What the export says it is: FHIR R4 (decision 0921). The resources are still checked with
# the R4B models (decision 0520), which agree with R4 on every element the export writes.
FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json; fhirVersion=4.0"

# TreatmentPlan.status → CarePlan.status (request-status).
CAREPLAN_STATUS = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.SIGNED: "active",
    PlanStatus.SUPERSEDED: "revoked",
    PlanStatus.CLOSED: "completed",
}
# … and the status of each of its activities.
ACTIVITY_STATUS = {
    PlanStatus.DRAFT: "not-started",
    PlanStatus.SIGNED: "in-progress",
    PlanStatus.SUPERSEDED: "stopped",
    PlanStatus.CLOSED: "completed",
}
# Goal.status → Goal.lifecycleStatus (a draft plan's goals are all "proposed").
LIFECYCLE = {
    GoalStatus.ACTIVE: "active",
    GoalStatus.MET: "completed",
    GoalStatus.PARTIALLY_MET: "completed",
    GoalStatus.REVISED: "cancelled",
    GoalStatus.DISCONTINUED: "cancelled",
}
# A goal still active in a version that is no longer in force is not being sought in that
# version: it follows its CarePlan (superseded → revoked, closed → completed). A superseded
# version's goal lives on, if at all, as a new Goal of the next version.
NOT_IN_FORCE = {
    PlanStatus.SUPERSEDED: ("cancelled", "The plan version was superseded by a later version"),
    PlanStatus.CLOSED: ("completed", "The plan was closed"),
}
# Milepost's progress words that are also FHIR goal-achievement codes ("no-data" is not).
ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}
# Signature role → (Provenance agent type, ISO/ASTM E1762-95 signature type).
SIGNER = {
    SignatureRole.CLINICIAN: ("legal", "1.2.840.10065.1.12.1.1", "Author's Signature"),
    SignatureRole.SUPERVISOR: ("verifier", "1.2.840.10065.1.12.1.5", "Verification Signature"),
    SignatureRole.CLIENT: ("attester", "1.2.840.10065.1.12.1.7", "Consent Signature"),
}


def _instant(moment: dt.datetime) -> str:
    # Full precision: an import of the export finds the very same times.
    return moment.isoformat()


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _identifier(system: str, value: str) -> list[dict[str, str]]:
    return [{"system": system, "value": value}]


def _patient_ref(client: Client) -> dict[str, str]:
    return codes.reference("Patient", client.public_id)


# ---------------------------------------------------------------- Patient, Condition


def patient(client: Client) -> Resource:
    names: list[dict[str, Any]] = [
        {"use": "official", "family": client.family_name, "given": [client.given_name]}
    ]
    if client.preferred_name:
        names.append(
            {"use": "usual", "family": client.family_name, "given": [client.preferred_name]}
        )
    resource: Resource = {
        "resourceType": "Patient",
        "id": client.public_id,
        "identifier": _identifier(codes.PATIENT_ID, client.public_id),
        "active": client.status != ClientStatus.DISCHARGED,
        "name": names,
        "birthDate": client.date_of_birth.isoformat(),
    }
    telecom = []
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if telecom:
        resource["telecom"] = telecom
    if client.sex:
        resource["gender"] = client.sex  # administrative-gender, as the model stores it
    if address := _address(client.address_line, client.city, client.state, client.postal_code):
        resource["address"] = [{**address, "use": "home"}]
    extensions: list[dict[str, Any]] = []
    if client.gender_identity:
        extensions.append(
            {"url": codes.GENDER_IDENTITY, "valueCodeableConcept": {"text": client.gender_identity}}
        )
    if client.pronouns:
        extensions.append(
            {
                "url": codes.PRONOUNS,
                "extension": [{"url": "value", "valueCodeableConcept": {"text": client.pronouns}}],
            }
        )
    if extensions:
        resource["extension"] = extensions
    resource["managingOrganization"] = codes.reference(
        "Organization", client.organization.public_id, client.organization.name
    )
    return resource


def _address(line: str, city: str, state: str, postal_code: str) -> dict[str, Any]:
    address: dict[str, Any] = {}
    if line:
        address["line"] = [line]
    for key, value in (("city", city), ("state", state), ("postalCode", postal_code)):
        if value:
            address[key] = value
    if address:
        address["country"] = "US"
    return address


def organization(practice: Organization) -> Resource:
    """The practice: name, tax id (EIN), address and phone."""
    resource: Resource = {
        "resourceType": "Organization",
        "id": practice.public_id,
        "identifier": _identifier(codes.ORGANIZATION_ID, practice.public_id),
        "active": True,
        "type": [{"coding": [{"system": codes.ORGANIZATION_TYPE, "code": "prov"}]}],
        "name": practice.name,
    }
    if practice.tax_id:
        resource["identifier"].append({"system": codes.US_EIN, "value": practice.tax_id})
    if practice.phone:
        resource["telecom"] = [{"system": "phone", "value": practice.phone, "use": "work"}]
    address = _address(practice.address_line, practice.city, practice.state, practice.postal_code)
    if address:
        resource["address"] = [{**address, "use": "work"}]
    return resource


def practitioner(clinician: User) -> Resource:
    """A clinician of the care team: name, NPI, licence and credentials."""
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": clinician.public_id,
        "identifier": _identifier(codes.PRACTITIONER_ID, clinician.public_id),
        "active": clinician.is_active,
        "name": [{"text": clinician.full_name}],
    }
    if clinician.npi:
        resource["identifier"].append({"system": codes.US_NPI, "value": clinician.npi})
    qualifications = []
    if clinician.license_number:
        qualifications.append(
            {
                "identifier": [{"value": clinician.license_number}],
                "code": {
                    "text": f"{clinician.license_type or 'Licence'}, {clinician.license_state}"
                },
                "issuer": {"display": f"State of {clinician.license_state}"},
            }
        )
    if clinician.credentials:
        qualifications.append({"code": {"text": clinician.credentials}})
    if qualifications:
        resource["qualification"] = qualifications
    return resource


def coverage(client: Client, insurance: Coverage) -> Resource:
    """The client's insurance: payer, plan, member id (subscriberId), group, subscriber."""
    resource: Resource = {
        "resourceType": "Coverage",
        "id": client.public_id,
        "identifier": [
            {
                "type": {"coding": [{"system": codes.IDENTIFIER_TYPE, "code": "MB"}]},
                "value": insurance.member_id,
            }
        ],
        "status": "active",
        "subscriberId": insurance.member_id,
        "beneficiary": _patient_ref(client),
        "relationship": {
            "coding": [
                {
                    "system": demographics.SUBSCRIBER_RELATIONSHIP_SYSTEM,
                    "code": insurance.relationship,
                    "display": insurance.relationship_label,
                }
            ]
        },
        "payor": [{"display": insurance.payer}],
    }
    if insurance.relationship == "self":
        resource["subscriber"] = _patient_ref(client)
    elif insurance.subscriber_name:
        resource["subscriber"] = {"display": insurance.subscriber_name}
    classes = []
    for kind, value, name in (
        ("group", insurance.group_id, ""),
        ("plan", insurance.plan_name, insurance.plan_name),
    ):
        if value:
            entry: dict[str, Any] = {
                "type": {"coding": [{"system": codes.COVERAGE_CLASS, "code": kind}]},
                "value": value,
            }
            if name:
                entry["name"] = name
            classes.append(entry)
    if classes:
        resource["class"] = classes
    return resource


def conditions(client: Client, plans: list[TreatmentPlan]) -> tuple[list[Resource], dict[str, str]]:
    """One Condition per distinct diagnosis code over all versions (the first diagnosis
    row with that code gives the id); active when the newest version still lists it."""
    first: dict[str, Any] = {}
    recorded: dict[str, dt.datetime] = {}
    for plan in plans:  # oldest first
        for diagnosis in plan.diagnoses.all():
            if diagnosis.code not in first:
                first[diagnosis.code] = diagnosis
                recorded[diagnosis.code] = plan.created_at
    newest = {d.code for d in plans[-1].diagnoses.all()} if plans else set()
    resources, ids = [], {}
    for code, diagnosis in first.items():
        ids[code] = diagnosis.public_id
        status = "active" if code in newest else "inactive"
        resources.append(
            {
                "resourceType": "Condition",
                "id": diagnosis.public_id,
                "identifier": _identifier(codes.DIAGNOSIS_ID, diagnosis.public_id),
                "clinicalStatus": {
                    "coding": [{"system": codes.CONDITION_CLINICAL, "code": status}]
                },
                "verificationStatus": {
                    "coding": [{"system": codes.CONDITION_VERIFICATION, "code": "confirmed"}]
                },
                "category": [
                    {"coding": [{"system": codes.CONDITION_CATEGORY, "code": "problem-list-item"}]}
                ],
                "code": {
                    "coding": [{"system": codes.ICD10CM, "code": code, "display": diagnosis.text}],
                    "text": diagnosis.text,
                },
                "subject": _patient_ref(client),
                "recordedDate": _instant(recorded[code]),
            }
        )
    return resources, ids


# ---------------------------------------------------------------- Goals


def _measure(target: Target) -> dict[str, Any]:
    if target.instrument_code:
        instrument = instruments.get(target.instrument_code)
        coding = []
        if instrument.loinc.total:
            coding.append({"system": codes.LOINC, "code": instrument.loinc.total})
        coding.append(
            {"system": codes.INSTRUMENT, "code": instrument.code, "display": instrument.short_name}
        )
        return {"coding": coding, "text": f"{instrument.short_name} total score"}
    metric = target.metric
    assert metric is not None  # a check constraint: an instrument or a metric
    return {
        "coding": [{"system": codes.METRIC, "code": metric.public_id, "display": metric.name}],
        "text": str(metric),
    }


def _quantity(target: Target, value: float) -> dict[str, Any]:
    if target.instrument_code:
        return {"value": _num(value), "unit": "{score}", "system": codes.UCUM, "code": "{score}"}
    metric = target.metric
    assert metric is not None
    return {"value": _num(value), "unit": f"{metric.unit} {metric.get_period_display()}"}


def goal_target(target: Target) -> dict[str, Any]:
    """Goal.target: an inclusive bound is a one-sided detailRange ("≤ 9" is high 9), a
    strict one a detailQuantity with its comparator, "exactly" a plain detailQuantity."""
    out: dict[str, Any] = {"measure": _measure(target)}
    quantity = _quantity(target, target.target_value)
    if target.comparator == "<=":
        out["detailRange"] = {"high": quantity}
    elif target.comparator == ">=":
        out["detailRange"] = {"low": quantity}
    elif target.comparator in ("<", ">"):
        out["detailQuantity"] = {**quantity, "comparator": target.comparator}
    else:
        out["detailQuantity"] = quantity
    out["dueDate"] = target.due_date.isoformat()
    if target.baseline is not None:
        out["extension"] = [{"url": codes.BASELINE, "valueDecimal": _num(target.baseline)}]
    return out


class _Progress:
    """Each target's FHIR achievementStatus, from the same selector the progress page uses."""

    def __init__(
        self,
        administrations: list[Administration],
        observations: list[Observation],
        today: dt.date,
    ) -> None:
        self.by_instrument: dict[str, Series]
        self.by_metric: dict[int, Series]
        self.by_instrument, self.by_metric = series_by_measure(administrations, observations)
        self.today = today

    def status(self, target: Target | None) -> str | None:
        if target is None:
            return None
        progress = target_progress_for(
            target, by_instrument=self.by_instrument, by_metric=self.by_metric, today=self.today
        )
        return progress.status if progress.status in ACHIEVEMENT_DISPLAY else None


def _goal_resource(
    owner: Goal | Objective,
    *,
    kind: str,
    status: str,
    plan: TreatmentPlan,
    lifecycle: str,
    achieved: str | None,
    addresses: list[dict[str, str]],
) -> Resource:
    resource: Resource = {
        "resourceType": "Goal",
        "id": owner.public_id,
        "identifier": _identifier(
            codes.GOAL_ID if kind == "goal" else codes.OBJECTIVE_ID, owner.public_id
        ),
        "lifecycleStatus": lifecycle,
        "category": [{"coding": [{"system": codes.GOAL_KIND, "code": kind}]}],
        "description": {"text": owner.statement},
        "subject": _patient_ref(plan.client),
        "startDate": timezone.localdate(plan.created_at).isoformat(),
    }
    if achieved:
        resource["achievementStatus"] = {
            "coding": [
                {
                    "system": codes.GOAL_ACHIEVEMENT,
                    "code": achieved,
                    "display": ACHIEVEMENT_DISPLAY[achieved],
                }
            ]
        }
    if status in (GoalStatus.REVISED, GoalStatus.DISCONTINUED, GoalStatus.PARTIALLY_MET):
        resource["statusReason"] = GoalStatus(status).label
    elif status == GoalStatus.ACTIVE and plan.status in NOT_IN_FORCE:
        resource["statusReason"] = NOT_IN_FORCE[PlanStatus(plan.status)][1]
    target = target_of(owner)
    if target is not None:
        resource["target"] = [goal_target(target)]
    if addresses:
        resource["addresses"] = addresses
    return resource


def _lifecycle(plan: TreatmentPlan, goal: Goal) -> str:
    if plan.is_draft:
        return "proposed"
    if goal.status == GoalStatus.ACTIVE and plan.status in NOT_IN_FORCE:
        return NOT_IN_FORCE[PlanStatus(plan.status)][0]
    return LIFECYCLE[GoalStatus(goal.status)]


def goals(plan: TreatmentPlan, progress: _Progress, conditions: dict[str, str]) -> list[Resource]:
    """A Goal for every goal and every objective of one plan version."""
    addresses = [
        codes.reference("Condition", conditions[d.code], d.code) for d in plan.diagnoses.all()
    ]
    out = []
    for goal in plan.goals.all():
        lifecycle = _lifecycle(plan, goal)
        goal_resource = _goal_resource(
            goal,
            kind="goal",
            status=goal.status,
            plan=plan,
            lifecycle=lifecycle,
            achieved="achieved"
            if goal.status == GoalStatus.MET
            else progress.status(target_of(goal)),
            addresses=addresses,
        )
        if goal.client_words:
            goal_resource["note"] = [{"text": f"In the client's words: {goal.client_words}"}]
        objectives = list(goal.objectives.all())
        if objectives:
            goal_resource["extension"] = [
                {
                    "url": codes.GOAL_RELATIONSHIP,
                    "extension": [
                        {
                            "url": "type",
                            "valueCodeableConcept": {
                                "coding": [
                                    {"system": codes.GOAL_RELATIONSHIP_TYPE, "code": "milestone"}
                                ]
                            },
                        },
                        {"url": "target", "valueReference": codes.reference("Goal", o.public_id)},
                    ],
                }
                for o in objectives
            ]
        out.append(goal_resource)
        for objective in objectives:
            resource = _goal_resource(
                objective,
                kind="objective",
                status=goal.status,
                plan=plan,
                lifecycle=lifecycle,
                achieved=progress.status(target_of(objective)),
                addresses=addresses,
            )
            resource["extension"] = [
                {
                    "url": codes.OBJECTIVE_OF,
                    "valueReference": codes.reference("Goal", goal.public_id),
                }
            ]
            out.append(resource)
    return out


# ---------------------------------------------------------------- CarePlan, Provenance


def _activity(
    plan: TreatmentPlan, objective: Objective, intervention: Intervention
) -> dict[str, Any]:
    words = [f"{intervention.modality} ({intervention.get_type_display().lower()})"]
    if intervention.frequency:
        words.append(intervention.frequency)
    if intervention.session_minutes:
        words.append(f"{intervention.session_minutes}-minute sessions")
    detail: dict[str, Any] = {
        "kind": "ServiceRequest",
        "code": {"text": intervention.modality},
        "status": ACTIVITY_STATUS[PlanStatus(plan.status)],
        "description": ", ".join(words),
        "goal": [codes.reference("Goal", objective.public_id)],
    }
    if intervention.frequency:
        detail["scheduledString"] = intervention.frequency
    if intervention.responsible is not None:
        detail["performer"] = [{"display": intervention.responsible.display_name}]
    return {"detail": detail}


def care_plan(
    plan: TreatmentPlan,
    conditions: dict[str, str],
    *,
    previous: str | None,
    next_signed: dt.datetime | None,
) -> Resource:
    goal_refs = []
    activities: list[dict[str, Any]] = []
    for goal in plan.goals.all():
        goal_refs.append(codes.reference("Goal", goal.public_id))
        for objective in goal.objectives.all():
            goal_refs.append(codes.reference("Goal", objective.public_id))
            activities.extend(_activity(plan, objective, i) for i in objective.interventions.all())
    start = plan.signed_at or plan.created_at
    period: dict[str, str] = {"start": _instant(start)}
    if plan.status == PlanStatus.SUPERSEDED and next_signed is not None:
        period["end"] = _instant(next_signed)
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": plan.public_id,
        # The plan's own version number, not meta.versionId: that is the server's version
        # of the resource, which a receiving server sets for itself.
        "extension": [{"url": codes.PLAN_VERSION, "valuePositiveInt": plan.version}],
        "identifier": _identifier(codes.PLAN_ID, plan.public_id),
        "status": CAREPLAN_STATUS[PlanStatus(plan.status)],
        "intent": "plan",
        "category": [
            {
                "coding": [
                    {
                        "system": CAREPLAN_CATEGORY,
                        "code": "assess-plan",
                        "display": "Assessment and Plan of Treatment",
                    }
                ],
                "text": "Treatment plan",
            }
        ],
        "title": f"Treatment plan, version {plan.version}",
        "subject": _patient_ref(plan.client),
        "period": period,
        "created": _instant(plan.created_at),
        "author": {"display": plan.created_by.display_name},
    }
    if previous:
        resource["replaces"] = [codes.reference("CarePlan", previous)]
    diagnoses = list(plan.diagnoses.all())
    if diagnoses:
        resource["addresses"] = [
            codes.reference("Condition", conditions[d.code], d.code) for d in diagnoses
        ]
    if goal_refs:
        resource["goal"] = goal_refs
    if activities:
        resource["activity"] = activities
    notes = []
    if plan.strengths:
        notes.append({"text": f"Strengths: {plan.strengths}"})
    if plan.functional_impairment:
        notes.append({"text": f"Functional impairment: {plan.functional_impairment}"})
    if plan.discharge_criteria:
        notes.append({"text": f"Discharge criteria: {plan.discharge_criteria}"})
    if plan.amendment_reason:
        notes.append({"text": f"Why this version: {plan.amendment_reason}"})
    if plan.review_due_on:
        notes.append({"text": f"Review due on {plan.review_due_on.isoformat()}"})
    if notes:
        resource["note"] = notes
    return resource


def _signer(signature: Signature) -> str:
    name = signature.signer_name
    return f"{name}, {signature.credentials}" if signature.credentials else name


def provenance(plan: TreatmentPlan, signature: Signature) -> Resource:
    """A signature: who signed which CarePlan version when, bound to its content hash.

    ``signature.data`` is the SHA-256 of the version's content (hex, base64-encoded): it
    proves what was signed, it is not a cryptographic signature.
    """
    agent_type, sig_code, sig_display = SIGNER[SignatureRole(signature.role)]
    who = {"display": _signer(signature)}
    if signature.role == SignatureRole.CLIENT:
        who = {**_patient_ref(plan.client), **who}
    agents: list[dict[str, Any]] = [
        {
            "type": {"coding": [{"system": codes.PROVENANCE_AGENT_TYPE, "code": agent_type}]},
            "role": [{"text": signature.get_method_display()}],
            "who": who,
        }
    ]
    if signature.witness is not None:
        agents.append(
            {"role": [{"text": "witness"}], "who": {"display": signature.witness.display_name}}
        )
    resource: Resource = {
        "resourceType": "Provenance",
        "id": signature.public_id,
        "target": [codes.reference("CarePlan", plan.public_id)],
        "recorded": _instant(signature.signed_at),
        "activity": {"text": f"{signature.get_role_display()} signature"},
        "agent": agents,
        "signature": [
            {
                "type": [
                    {"system": codes.SIGNATURE_TYPE, "code": sig_code, "display": sig_display}
                ],
                "when": _instant(signature.signed_at),
                "who": who,
                "data": base64.b64encode(signature.content_hash.encode("ascii")).decode("ascii"),
            }
        ],
    }
    if signature.override_reason:
        resource["reason"] = [{"text": f"Signed despite check errors: {signature.override_reason}"}]
    return resource


# ---------------------------------------------------------------- measures


def questionnaire_response(administration: Administration, instrument: Instrument) -> Resource:
    client = administration.client
    items = []
    for item, value in zip(instrument.items, administration.answers, strict=False):
        if value is None:
            continue
        items.append(
            {
                "linkId": link_id(item),
                "text": item.text,
                "answer": [{"valueCoding": answer_coding(instrument, item, int(value))}],
            }
        )
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": administration.public_id,
        "meta": {"profile": [US_CORE_QR]},
        "identifier": {"system": codes.ADMINISTRATION_ID, "value": administration.public_id},
        "questionnaire": codes.questionnaire_url(instrument.code),
        "status": "completed" if administration.counts else "entered-in-error",
        "subject": _patient_ref(client),
        "authored": _instant(administration.administered_at),
    }
    if administration.source == Source.PORTAL:
        resource["author"] = _patient_ref(client)
        resource["source"] = _patient_ref(client)
    else:
        resource["author"] = {"display": administration.entered_by.display_name}
    if items:
        resource["item"] = items
    return resource


def total_observation(administration: Administration, instrument: Instrument) -> Resource | None:
    """The total score, derived from the QuestionnaireResponse; None when unscorable."""
    if administration.total is None:
        return None
    coding = []
    if instrument.loinc.total:
        coding.append({"system": codes.LOINC, "code": instrument.loinc.total})
    coding.append(
        {"system": codes.INSTRUMENT, "code": instrument.code, "display": instrument.short_name}
    )
    resource: Resource = {
        "resourceType": "Observation",
        "id": administration.public_id,
        "meta": {"profile": [SCREENING_ASSESSMENT]},
        "identifier": _identifier(codes.ADMINISTRATION_ID, administration.public_id),
        "status": "final" if administration.counts else "entered-in-error",
        "category": [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": coding, "text": f"{instrument.short_name} total score"},
        "subject": _patient_ref(administration.client),
        "effectiveDateTime": _instant(administration.administered_at),
        "valueInteger": administration.total,
        "derivedFrom": [codes.reference("QuestionnaireResponse", administration.public_id)],
    }
    members = [
        codes.reference("Observation", item_observation_id(administration, item))
        for item, value in zip(instrument.items, administration.answers, strict=False)
        if value is not None and item.loinc
    ]
    if members:
        resource["hasMember"] = members
    if administration.band_code:
        resource["interpretation"] = [
            {
                "coding": [
                    {
                        "system": f"{codes.BAND}/{instrument.code}",
                        "code": administration.band_code,
                        "display": administration.band_label,
                    }
                ],
                "text": administration.band_label,
            }
        ]
    notes = []
    if administration.prorated:
        notes.append({"text": f"Prorated from {administration.answered} answered items."})
    for flag in administration.flags or []:
        notes.append({"text": f"Flag {flag.get('code')}: {flag.get('message')}"})
    if administration.entered_in_error_reason:
        notes.append({"text": f"Entered in error: {administration.entered_in_error_reason}"})
    if notes:
        resource["note"] = notes
    return resource


def link_id(item: Item) -> str:
    """An item's linkId: its LOINC code where it has one (as US Core's and LOINC's own forms
    name items), else its Milepost key."""
    return item.loinc or item.key


def questionnaire_resource(instrument: Instrument) -> Resource:
    """The instrument's Questionnaire, its items named as the responses name them."""
    resource = questionnaire(instrument)
    for entry, item in zip(resource["item"], instrument.items, strict=True):
        entry["linkId"] = link_id(item)
    return resource


def item_observation_id(administration: Administration, item: Item) -> str:
    return f"{administration.public_id}-{item.number}"


def item_observations(administration: Administration, instrument: Instrument) -> list[Resource]:
    """One screening-assessment Observation per answered item with a LOINC code: the
    members of the total (``hasMember``), each valued with the answer's coding."""
    out = []
    for item, value in zip(instrument.items, administration.answers, strict=False):
        if value is None or not item.loinc:
            continue
        out.append(
            {
                "resourceType": "Observation",
                "id": item_observation_id(administration, item),
                "meta": {"profile": [SCREENING_ASSESSMENT]},
                "status": "final" if administration.counts else "entered-in-error",
                "category": [
                    {"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey"}]}
                ],
                "code": {
                    "coding": [{"system": codes.LOINC, "code": item.loinc}],
                    "text": item.text,
                },
                "subject": _patient_ref(administration.client),
                "effectiveDateTime": _instant(administration.administered_at),
                "valueCodeableConcept": {
                    "coding": [answer_coding(instrument, item, int(value))],
                },
                "derivedFrom": [codes.reference("QuestionnaireResponse", administration.public_id)],
            }
        )
    return out


def risk_flags(administration: Administration, instrument: Instrument) -> list[Resource]:
    """A risk an answer raised (PHQ-9 item 9 above "not at all") as a Flag on the patient,
    beside the total's note, so that a receiver's banner can show it."""
    out = []
    for flag in administration.flags or []:
        if flag.get("severity") not in RISK_SEVERITIES:
            continue
        out.append(
            {
                "resourceType": "Flag",
                "id": f"{administration.public_id}-{flag.get('code')}",
                "status": "active" if administration.counts else "entered-in-error",
                "category": [
                    {"coding": [{"system": FLAG_CATEGORY, "code": "safety", "display": "Safety"}]}
                ],
                "code": {
                    "coding": [
                        {
                            "system": f"{codes.BASE}/CodeSystem/{instrument.code}-flags",
                            "code": str(flag.get("code")),
                        }
                    ],
                    "text": str(flag.get("message")),
                },
                "subject": _patient_ref(administration.client),
                "period": {"start": _instant(administration.administered_at)},
            }
        )
    return out


def _period_end(observation: Observation) -> dt.date | None:
    start = observation.period_start
    period = observation.metric.period
    if period == "week":
        return start + dt.timedelta(days=6)
    if period == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return None


def metric_observation(observation: Observation) -> Resource:
    metric = observation.metric
    resource: Resource = {
        "resourceType": "Observation",
        "id": observation.public_id,
        "identifier": _identifier(codes.OBSERVATION_ID, observation.public_id),
        "status": "final" if observation.counts else "entered-in-error",
        "category": [{"text": "Self-monitoring"}],
        "code": {
            "coding": [{"system": codes.METRIC, "code": metric.public_id, "display": metric.name}],
            "text": str(metric),
        },
        "subject": _patient_ref(observation.client),
        "valueQuantity": {"value": _num(observation.value), "unit": metric.unit},
    }
    end = _period_end(observation)
    if end is None:
        resource["effectiveDateTime"] = observation.period_start.isoformat()
    else:
        resource["effectivePeriod"] = {
            "start": observation.period_start.isoformat(),
            "end": end.isoformat(),
        }
    if observation.entered_in_error_reason:
        resource["note"] = [{"text": f"Entered in error: {observation.entered_in_error_reason}"}]
    return resource


# ---------------------------------------------------------------- the Bundle


def _instruments_used(record: ClientRecord) -> list[Instrument]:
    used = {a.instrument_code for a in record.administrations}
    for plan in record.plans:
        for goal in plan.goals.all():
            owners: list[Goal | Objective] = [goal, *goal.objectives.all()]
            for owner in owners:
                target = target_of(owner)
                if target is not None and target.instrument_code:
                    used.add(target.instrument_code)
    return [instruments.get(code) for code in sorted(used)]


def _entries(resources: Iterable[Resource]) -> list[dict[str, Any]]:
    return [
        {"fullUrl": codes.full_url(r["resourceType"], r["id"]), "resource": r} for r in resources
    ]


def record_resources(record: ClientRecord, *, today: dt.date) -> list[Resource]:
    """Every resource of one client's record, in a reader-friendly order."""
    client = record.client
    # The same row: no query for each resource's subject.
    for administration in record.administrations:
        administration.client = client
    for observation in record.observations:
        observation.client = client
    resources: list[Resource] = [patient(client), organization(client.organization)]
    resources += [practitioner(clinician) for clinician in care_team_of(client)]
    if (insurance := coverage_of(client)) is not None:
        resources.append(coverage(client, insurance))
    condition_resources, condition_ids = conditions(client, record.plans)
    resources += condition_resources
    by_code = {i.code: i for i in _instruments_used(record)}
    resources += [questionnaire_resource(i) for i in by_code.values()]
    for administration in record.administrations:
        instrument = by_code[administration.instrument_code]
        resources.append(questionnaire_response(administration, instrument))
        total = total_observation(administration, instrument)
        if total is not None:
            resources.append(total)
            resources += item_observations(administration, instrument)
        resources += risk_flags(administration, instrument)
    resources += [metric_observation(o) for o in record.observations]
    progress = _Progress(record.administrations, record.observations, today)
    signed = {p.version: p.signed_at for p in record.plans}
    public_ids = {p.pk: p.public_id for p in record.plans}
    for plan in record.plans:
        previous = public_ids.get(plan.previous_version_id) if plan.previous_version_id else None
        resources.append(
            care_plan(
                plan, condition_ids, previous=previous, next_signed=signed.get(plan.version + 1)
            )
        )
        resources += goals(plan, progress, condition_ids)
        resources += [provenance(plan, s) for s in plan.signatures.all()]
    return resources


def record_bundle(
    record: ClientRecord, *, today: dt.date | None = None, transaction: bool = False
) -> dict[str, Any]:
    """The Bundle of one client's record, validated with the R4B models: a "collection",
    or with `transaction` a "transaction" a FHIR server takes in one request, each entry
    an update (PUT) of the resource at its id, so that sending it again changes nothing."""
    today = today or timezone.localdate()
    entries = _entries(record_resources(record, today=today))
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": _instant(timezone.now())},
        "type": "transaction" if transaction else "collection",
        "entry": entries,
    }
    if transaction:
        for entry in entries:
            resource = entry["resource"]
            entry["request"] = {
                "method": "PUT",
                "url": f"{resource['resourceType']}/{resource['id']}",
            }
    else:
        bundle["identifier"] = {
            "system": f"{codes.BASE}/sid/export",
            "value": f"urn:uuid:{uuid.uuid4()}",
        }
        bundle["timestamp"] = _instant(timezone.now())
    validate_resource(bundle)
    return bundle


def client_bundle(user: User, client: Client, *, transaction: bool = False) -> dict[str, Any]:
    """The FHIR Bundle of a client already fetched for `user` through clients/access.py."""
    record = ClientRecord(
        client=client,
        plans=plan_versions_for_client(user, client),
        administrations=administrations_for_client(user, client),
        observations=observations_for_client(user, client),
    )
    bundle = record_bundle(record, transaction=transaction)
    audit_record(
        action="client.export_fhir",
        actor=user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"entries": len(bundle["entry"]), "type": bundle["type"]},
    )
    return bundle
