"""Code systems, identifier systems and stable ids of the FHIR export.

The Milepost systems are namespace URIs (decision 0520): they name where a code or an
identifier comes from and are not expected to resolve. Resource ids are the records'
public ids, and every entry's fullUrl is a ``urn:uuid`` derived from the resource type and
that id, so exporting the same record twice gives the same references.
"""

from __future__ import annotations

import uuid

FHIR_VERSION = "4.3.0"

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_RELATIONSHIP_TYPE = "http://terminology.hl7.org/CodeSystem/goal-relationship-type"
GOAL_RELATIONSHIP = "http://hl7.org/fhir/StructureDefinition/goal-relationship"
PROVENANCE_AGENT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
# Payer identifiers and coverage (docs/decisions/0802).
US_NPI = "http://hl7.org/fhir/sid/us-npi"
US_EIN = "urn:oid:2.16.840.1.113883.4.4"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
GENDER_IDENTITY = "http://hl7.org/fhir/StructureDefinition/individual-genderIdentity"
PRONOUNS = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"

BASE = "https://milepost.org/fhir"
PATIENT_ID = f"{BASE}/sid/client"
ORGANIZATION_ID = f"{BASE}/sid/practice"
PRACTITIONER_ID = f"{BASE}/sid/user"
PLAN_ID = f"{BASE}/sid/treatment-plan"
GOAL_ID = f"{BASE}/sid/goal"
OBJECTIVE_ID = f"{BASE}/sid/objective"
DIAGNOSIS_ID = f"{BASE}/sid/diagnosis"
ADMINISTRATION_ID = f"{BASE}/sid/administration"
OBSERVATION_ID = f"{BASE}/sid/observation"
SIGNATURE_ID = f"{BASE}/sid/signature"
INSTRUMENT = f"{BASE}/CodeSystem/instrument"
METRIC = f"{BASE}/CodeSystem/metric"
BAND = f"{BASE}/CodeSystem/band"
GOAL_KIND = f"{BASE}/CodeSystem/goal-kind"
OBJECTIVE_OF = f"{BASE}/StructureDefinition/objective-of"
BASELINE = f"{BASE}/StructureDefinition/target-baseline"
PLAN_VERSION = f"{BASE}/StructureDefinition/plan-version"


def answer_system(instrument_code: str) -> str:
    """The Milepost answer codes of one instrument (the option values), for options
    that carry no LOINC answer code."""
    return f"{BASE}/CodeSystem/{instrument_code}-answers"


def questionnaire_url(instrument_code: str) -> str:
    return f"{BASE}/Questionnaire/{instrument_code}"


_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


def full_url(resource_type: str, resource_id: str) -> str:
    """The stable ``urn:uuid`` of a resource in every export."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{resource_type}/{resource_id}')}"


def reference(resource_type: str, resource_id: str, display: str = "") -> dict[str, str]:
    ref = {"reference": full_url(resource_type, resource_id)}
    if display:
        ref["display"] = display
    return ref
