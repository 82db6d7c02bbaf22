"""The EHR launch from a client's record, the second factor before any consent, and
QuestionnaireResponse create through the FHIR import."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from milepost.accounts.models import Organization
from milepost.measures.models import Administration
from tests.accounts.test_mfa import enrol, fresh_code, sign_in
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db

LAUNCH = "/fhir/launch/{}/"


def launch_value(http, app, client) -> str:
    response = http.post(LAUNCH.format(client.public_id), {"app": app.public_id})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == app.launch_uri
    query = parse_qs(location.query)
    assert query["iss"] == [helpers.BASE]
    return query["launch"][0]


def test_an_ehr_launch_binds_the_token_to_the_open_record(personas, login_as):
    app = helpers.public_app(personas.alice)
    http = login_as(personas.alice)
    page = http.get(LAUNCH.format(personas.dana_client.public_id))
    assert b"Open Outcome viewer" in page.content
    value = launch_value(http, app, personas.dana_client)
    verifier, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "launch patient/*.rs", challenge, launch=value)
    code = helpers.code_from(helpers.consent(http, params))
    token = (
        HttpClient()
        .post(
            "/fhir/auth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": helpers.REDIRECT,
                "client_id": app.application.client_id,
                "code_verifier": verifier,
            },
        )
        .json()
    )
    assert token["patient"] == personas.dana_client.public_id
    # The launch is good once.
    again = http.get("/fhir/auth/authorize", params)
    assert again.status_code == 400


def test_a_launch_is_the_launching_clinicians_own(personas, login_as):
    app = helpers.public_app(personas.alice)
    value = launch_value(login_as(personas.alice), app, personas.dana_client)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "launch patient/*.rs", challenge, launch=value)
    assert login_as(personas.bob).get("/fhir/auth/authorize", params).status_code == 400


def test_a_launch_needs_a_record_on_the_caseload(personas, login_as):
    helpers.public_app(personas.alice)
    http = login_as(personas.frank)
    assert http.get(LAUNCH.format(personas.dana_client.public_id)).status_code == 404


def test_the_second_factor_comes_before_the_consent(personas):
    Organization.objects.filter(pk=personas.org.pk).update(mfa_required=True)
    device, _ = enrol(personas.alice)
    app = helpers.public_app(personas.alice)
    _, challenge = helpers.pkce()
    params = helpers.authorize_params(app, "user/*.rs", challenge)
    http = sign_in(personas.alice.email)
    response = http.get("/fhir/auth/authorize", params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert (
        http.post(reverse("accounts:mfa_verify"), {"otp_code": fresh_code(device)}).status_code
        == 302
    )
    assert http.get("/fhir/auth/authorize", params).status_code == 200


def _answered(items: list[int]) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://loinc.org/q/44249-1",
        "authored": "2026-11-30T09:00:00Z",
        "item": [
            {"linkId": str(n), "answer": [{"valueInteger": v}]}
            for n, v in enumerate(items, start=1)
        ],
    }


def post(token: str, body: dict | bytes):
    data = body if isinstance(body, bytes) else __import__("json").dumps(body)
    return HttpClient().post(
        "/fhir/QuestionnaireResponse",
        data,
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_questionnaire_response_is_saved_through_the_import(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(
        login_as(personas.alice),
        app,
        "launch/patient patient/QuestionnaireResponse.cr",
        patient=personas.dana_client.public_id,
    )["access_token"]
    before = Administration.objects.count()
    response = post(
        token,
        {
            **_answered([1, 1, 1, 1, 1, 1, 1, 1, 0]),
            "questionnaire": "https://milepost.org/fhir/Questionnaire/phq9",
        },
    )
    assert response.status_code == 201, response.content
    assert Administration.objects.count() == before + 1
    created = Administration.objects.latest("id")
    assert created.total == 8
    assert response["Location"].endswith(f"/fhir/QuestionnaireResponse/{created.public_id}")
    assert response.json()["id"] == created.public_id


def test_a_response_the_import_refuses_is_an_operation_outcome(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/QuestionnaireResponse.c")[
        "access_token"
    ]
    body = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "subject": {"reference": f"Patient/{personas.dana_client.public_id}"},
        "questionnaire": "https://milepost.org/fhir/Questionnaire/phq9",
        "authored": "2026-11-30T09:00:00Z",
        "item": [{"linkId": "anhedonia", "answer": [{"valueCoding": {"code": "nine"}}]}],
    }
    before = Administration.objects.count()
    response = post(token, body)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert Administration.objects.count() == before
    assert post(token, b"{not json").status_code == 400
    missing = post(token, {**body, "subject": None})
    assert missing.json()["issue"][0]["expression"] == ["subject"]


def test_writing_needs_a_write_scope(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]
    body = {
        **_answered([0] * 9),
        "subject": {"reference": f"Patient/{personas.dana_client.public_id}"},
    }
    assert post(token, body).status_code == 403


def test_the_client_page_links_to_the_launch_and_the_transaction_download(personas, login_as):
    http = login_as(personas.alice)
    page = http.get(f"/clients/{personas.dana_client.public_id}/")
    assert LAUNCH.format(personas.dana_client.public_id).encode() in page.content
    launch_page = http.get(LAUNCH.format(personas.dana_client.public_id))
    assert b"fhir.json?type=transaction" in launch_page.content


def test_a_refreshed_token_keeps_its_patient(personas, login_as):
    app = helpers.public_app(personas.alice)
    token = helpers.token_for(
        login_as(personas.alice),
        app,
        "launch/patient patient/*.rs offline_access",
        patient=personas.dana_client.public_id,
    )
    refreshed = HttpClient().post(
        "/fhir/auth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": app.application.client_id,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    body = refreshed.json()
    assert body["patient"] == personas.dana_client.public_id
    assert helpers.get("/fhir/Patient", body["access_token"]).json()["total"] == 1
    # The old access token is gone with the rotation.
    assert helpers.get("/fhir/Patient", token["access_token"]).status_code == 401
