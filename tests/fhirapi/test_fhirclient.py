"""A real SMART client library, fhirclient (SMART Health IT), reads through the API: it finds
the OAuth endpoints in the CapabilityStatement, runs the standalone launch with PKCE, and
parses every answer with its own FHIR R4 models (strictly: an element R4 does not have is an
error). Its HTTP goes to Django's test client through a requests adapter."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fhirclient import client
from fhirclient.models.bundle import Bundle
from fhirclient.models.careplan import CarePlan
from fhirclient.models.condition import Condition
from fhirclient.models.goal import Goal
from fhirclient.models.observation import Observation
from fhirclient.models.questionnaire import Questionnaire
from fhirclient.models.questionnaireresponse import QuestionnaireResponse

from tests.base import dana_plan
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db


def smart_client(app, scope: str, **settings: str) -> client.FHIRClient:
    smart = client.FHIRClient(
        settings={
            "app_id": app.application.client_id,
            "api_base": helpers.BASE + "/",
            "redirect_uri": helpers.REDIRECT,
            "scope": scope,
            **settings,
        }
    )
    smart.server.session.mount("http://testserver/", helpers.DjangoAdapter())
    return smart


def sign_in_through(smart: client.FHIRClient, http, **form: str) -> None:
    """What the browser does between the app's redirect and its callback."""
    parts = urlsplit(smart.authorize_url)
    path = f"{parts.path}?{parts.query}"
    page = http.get(path)
    assert page.status_code == 200
    answer = http.post(path, helpers.form_data(page, **form))
    assert answer.status_code == 302
    smart.handle_callback(answer["Location"])


def test_fhirclient_launches_standalone_and_reads_the_record(personas, login_as):
    dana = personas.dana_client.public_id
    dana_plan(personas)
    app = helpers.public_app(personas.alice)
    smart = smart_client(app, "openid fhirUser patient/*.rs")
    sign_in_through(smart, login_as(personas.alice), patient=dana)

    assert smart.ready
    assert smart.patient_id == dana
    assert smart.patient.name[0].family == "Quillfeather"
    assert smart.patient.birthDate.isostring == "1990-04-01"

    totals = Observation.where(
        struct={"patient": dana, "code": "http://loinc.org|44261-6"}
    ).perform_resources(smart.server)
    assert [o.valueInteger for o in totals] == [personas.dana_phq9.total]
    members = [m.resolved(Observation) for m in totals[0].hasMember]
    assert [m.valueCodeableConcept.coding[0].code for m in members][
        -1
    ] == "LA6569-3"  # item 9: several days
    [response] = QuestionnaireResponse.where(struct={"patient": dana}).perform_resources(
        smart.server
    )
    assert response.status == "completed"
    assert len(response.item) == 9
    [plan] = CarePlan.where(struct={"patient": dana}).perform_resources(smart.server)
    assert plan.subject.reference == f"Patient/{dana}"
    assert Goal.where(struct={"patient": dana}).perform_resources(smart.server)
    [condition] = Condition.where(struct={"patient": dana}).perform_resources(smart.server)
    assert condition.code.coding[0].system == "http://hl7.org/fhir/sid/icd-10-cm"
    phq9 = Questionnaire.read("phq9", smart.server)
    assert len(phq9.item) == 9


def test_fhirclient_sees_a_search_as_a_searchset(personas, login_as):
    app = helpers.public_app(personas.alice)
    smart = smart_client(app, "user/*.rs")
    smart.wants_patient = False
    sign_in_through(smart, login_as(personas.alice))
    bundle = Bundle.read_from("Patient", smart.server)
    assert bundle.type == "searchset"
    assert [e.resource.id for e in bundle.entry] == [personas.dana_client.public_id]


def test_fhirclient_as_a_backend_service(personas):
    key = helpers.rsa_key()
    app = helpers.backend_app(personas.alice, key)
    smart = smart_client(app, "system/*.rs", jwt_token=helpers.assertion(app, key))
    smart.wants_patient = False
    smart.prepare()
    smart.authorize()
    assert smart.ready
    found = Observation.where(struct={"patient": personas.dana_client.public_id}).perform_resources(
        smart.server
    )
    assert len(found) == 10  # the total and its nine items
    # Three to a page: fhirclient follows the Bundles' next links through all four pages.
    search = Observation.where(struct={"patient": personas.dana_client.public_id, "_count": "3"})
    pages = list(search.perform_iter(smart.server))
    assert [len(p.entry) for p in pages] == [3, 3, 3, 1]
    assert [o.id for p in pages for o in (e.resource for e in p.entry)] == [o.id for o in found]
