"""SMART App Launch for a clinician: consent on a signed-in page, PKCE, scopes, the patient
context, and the API's answers under the pages' access rules."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client as HttpClient

from milepost.audit.models import AuditEvent
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db


def test_metadata_is_a_capability_statement_naming_the_oauth_endpoints(personas):
    response = HttpClient().get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "CapabilityStatement"
    assert body["fhirVersion"] == "4.0.1"
    [oauth] = [
        e for e in body["rest"][0]["security"]["extension"] if e["url"].endswith("/oauth-uris")
    ]
    urls = {e["url"]: e["valueUri"] for e in oauth["extension"]}
    assert urls["authorize"] == helpers.AUTHORIZE_URL
    assert urls["token"] == helpers.TOKEN_URL
    types = {r["type"] for r in body["rest"][0]["resource"]}
    assert types == {
        "Practitioner",
        "Patient",
        "Condition",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "CarePlan",
        "Goal",
    }


@pytest.mark.parametrize(
    "path", ["/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"]
)
def test_smart_configuration_says_pkce_and_private_key_jwt(personas, path):
    body = HttpClient().get(path).json()
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert "private_key_jwt" in body["token_endpoint_auth_methods_supported"]
    assert {"RS384", "ES384"} <= set(body["token_endpoint_auth_signing_alg_values_supported"])
    assert {"launch-ehr", "launch-standalone", "permission-v2"} <= set(body["capabilities"])
    assert body["token_endpoint"] == helpers.TOKEN_URL


def test_a_clinician_picks_a_client_and_the_token_is_bound_to_that_client(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(
        login_as(personas.alice),
        app,
        "launch/patient patient/*.rs",
        patient=personas.dana_client.public_id,
    )
    assert token["patient"] == personas.dana_client.public_id
    assert token["token_type"] == "Bearer"
    response = helpers.get(f"/fhir/Patient/{personas.dana_client.public_id}", token["access_token"])
    assert response.status_code == 200
    assert response.json()["name"][0]["family"] == "Quillfeather"
    # Another client is not this token's to read, even one the clinician could see.
    observations = helpers.get("/fhir/Observation", token["access_token"]).json()
    assert observations["total"] == 10  # dana's PHQ-9: its total and its nine items
    assert {e["resource"]["subject"]["reference"] for e in observations["entry"]} == {
        f"Patient/{personas.dana_client.public_id}"
    }


def test_the_picker_offers_only_the_caseload_and_refuses_another_client(personas, login_as):
    app = helpers.public_app(personas.alice)
    http = login_as(personas.alice)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "launch/patient patient/*.rs", challenge)
    page = http.get("/fhir/auth/authorize", params)
    choices = dict(page.context["form"].fields["patient"].choices)
    assert personas.dana_client.public_id in choices
    assert personas.chris_client.public_id not in choices
    refused = http.post(
        "/fhir/auth/authorize",
        helpers.form_data(page, patient=personas.chris_client.public_id),
    )
    assert refused.status_code == 200  # the form again, the field named
    assert "patient" in refused.context["form"].errors


def test_pkce_is_required(personas, login_as):
    app = helpers.public_app(personas.alice)
    params = helpers.authorize_params(app, "user/*.rs", challenge=None)
    response = login_as(personas.alice).get("/fhir/auth/authorize", params)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_request"]


def test_the_code_needs_its_verifier(personas, login_as):
    app = helpers.public_app(personas.alice)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "user/*.rs", challenge)
    code = helpers.code_from(helpers.consent(login_as(personas.alice), params))
    response = HttpClient().post(
        "/fhir/auth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": helpers.REDIRECT,
            "client_id": app.application.client_id,
            "code_verifier": "not-the-verifier-" + "x" * 40,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_an_app_for_another_server_is_refused(personas, login_as):
    app = helpers.public_app(personas.alice)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(
        app, "user/*.rs", challenge, aud="https://elsewhere.example/fhir"
    )
    response = login_as(personas.alice).get("/fhir/auth/authorize", params)
    assert response.status_code == 400
    assert b"another FHIR server" in response.content


def test_a_practice_admin_and_a_client_cannot_authorise_an_app(personas, login_as):
    app = helpers.public_app(personas.alice)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "user/*.rs", challenge)
    for user in (personas.erin, personas.dana):
        assert login_as(user).get("/fhir/auth/authorize", params).status_code == 403


def test_signing_in_comes_first(personas):
    app = helpers.public_app(personas.alice)
    _, challenge = helpers.pkce()
    response = HttpClient().get(
        "/fhir/auth/authorize", helpers.authorize_params(app, "user/*.rs", challenge)
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_clinician_reads_their_caseload_only(personas, login_as):
    app = helpers.public_app(personas.frank)
    token = helpers.token_for(login_as(personas.frank), app, "user/*.rs")["access_token"]
    # Frank is in dana's practice but not on her care team.
    assert helpers.get(f"/fhir/Patient/{personas.dana_client.public_id}", token).status_code == 404
    assert helpers.get("/fhir/Patient", token).json()["total"] == 0
    response = helpers.get("/fhir/Observation", token, patient=personas.dana_client.public_id)
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_scopes_limit_what_is_read(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/Observation.rs")["access_token"]
    dana = personas.dana_client.public_id
    assert helpers.get("/fhir/Observation", token, patient=dana).status_code == 200
    refused = helpers.get(f"/fhir/Patient/{dana}", token)
    assert refused.status_code == 403
    assert refused.json()["issue"][0]["code"] == "forbidden"
    assert helpers.get("/fhir/Condition", token, patient=dana).status_code == 403


def test_v1_read_scopes_read_and_search(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/Observation.read")[
        "access_token"
    ]
    dana = personas.dana_client.public_id
    found = helpers.get("/fhir/Observation", token, patient=dana).json()
    assert found["total"] == 10
    total = personas.dana_phq9.public_id
    read = helpers.get(f"/fhir/Observation/{total}", token).json()
    assert read["valueInteger"] == personas.dana_phq9.total
    # Members are relative references the same server answers.
    member = read["hasMember"][8]["reference"]
    assert helpers.get(f"/fhir/{member}", token).json()["code"]["coding"][0]["code"] == "44260-8"


def test_no_token_or_a_wrong_one_answers_401_as_an_operation_outcome(personas, login_as):
    # A signed-in session is no token.
    response = login_as(personas.alice).get(f"/fhir/Patient/{personas.dana_client.public_id}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["issue"][0]["code"] == "login"
    assert helpers.get("/fhir/Patient", "made-up").status_code == 401


def test_every_read_is_audited_with_the_app(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    helpers.get("/fhir/Observation", token, patient=personas.dana_client.public_id)
    event = AuditEvent.objects.filter(action="client.fhir_read").latest("id")
    assert event.client_id == personas.dana_client.pk
    assert event.detail["app"] == app.application.client_id
    assert event.detail["types"] == ["Observation"]


def test_searches_by_code_and_date(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    dana = personas.dana_client.public_id
    when = personas.dana_phq9.administered_at.date()
    by_code = helpers.get("/fhir/Observation", token, patient=dana, code="http://loinc.org|44261-6")
    assert by_code.json()["total"] == 1
    assert (
        helpers.get("/fhir/Observation", token, patient=dana, code="70274-6").json()["total"] == 0
    )
    same_day = helpers.get("/fhir/Observation", token, patient=dana, date=when.isoformat())
    assert same_day.json()["total"] == 10
    day_after = (when + dt.timedelta(days=1)).isoformat()
    assert (
        helpers.get("/fhir/Observation", token, patient=dana, date=f"ge{day_after}").json()["total"]
        == 0
    )
    assert (
        helpers.get("/fhir/Observation", token, patient=dana, date=f"lt{day_after}").json()["total"]
        == 10
    )
    item_9 = helpers.get("/fhir/Observation", token, patient=dana, code="44260-8").json()
    assert item_9["total"] == 1
    bad = helpers.get("/fhir/Observation", token, patient=dana, date="yesterday")
    assert bad.status_code == 400
    assert bad.json()["issue"][0]["expression"] == ["date"]
    unknown = helpers.get("/fhir/Observation", token, patient=dana, name="Dana")
    assert unknown.status_code == 400


def test_unknown_types_are_not_found(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    assert helpers.get("/fhir/Medication", token).status_code == 404


def test_reading_one_resource_reads_only_its_clients_record(personas, login_as):
    import datetime as dt

    from milepost.clients import services as clients

    other = clients.client_create(
        actor=personas.alice,
        given_name="Eli",
        family_name="Otherly",
        date_of_birth=dt.date(1980, 1, 1),
    )
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    before = AuditEvent.objects.filter(action="client.fhir_read").count()
    item = f"{personas.dana_phq9.public_id}-9"
    response = helpers.get(f"/fhir/Observation/{item}", token)
    assert response.status_code == 200
    assert response.json()["code"]["coding"][0]["code"] == "44260-8"
    reads = AuditEvent.objects.filter(action="client.fhir_read").order_by("id")[before:]
    assert [e.client_id for e in reads] == [personas.dana_client.pk]
    assert other.pk not in [e.client_id for e in reads]
    # Another practice's record, or a made-up id, is not found.
    assert (
        helpers.get(f"/fhir/Observation/{personas.dana_phq9.public_id}x", token).status_code == 404
    )
    assert helpers.get("/fhir/Goal/nothing-here", token).status_code == 404


def test_a_clinician_off_the_team_cannot_read_a_resource_by_id(personas, login_as):
    app = helpers.public_app(personas.frank)
    token = helpers.token_for(login_as(personas.frank), app, "user/*.rs")["access_token"]
    for path in (
        f"/fhir/Observation/{personas.dana_phq9.public_id}",
        f"/fhir/QuestionnaireResponse/{personas.dana_phq9.public_id}",
    ):
        assert helpers.get(path, token).status_code == 404
