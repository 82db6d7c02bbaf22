"""A session that gave its password but not its second factor gets nothing from the JSON API
(issue: the API's session auth accepted any signed-in user, and the two-factor middleware
leaves /api/ to the API). Bearer tokens are judged by the token alone, as documented."""

from __future__ import annotations

import pytest

from tests.accounts.test_mfa import enrol, require_mfa, sign_in, verified
from tests.api.helpers import api_as

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients"


def _dana_url(personas) -> str:
    return f"{CLIENTS}/{personas.dana_client.public_id}"


def test_a_password_only_session_of_an_enrolled_clinician_reads_nothing(personas):
    enrol(personas.alice)
    http = sign_in(personas.alice.email)  # the password step only
    for url in (CLIENTS, _dana_url(personas)):
        response = http.get(url)
        assert response.status_code == 401, url
        assert response.json()["message"].startswith("Finish two-factor sign-in")
        assert b"Quillfeather" not in response.content


def test_a_password_only_session_writes_nothing(personas):
    from milepost.plans.models import Goal
    from tests.base import dana_plan

    plan = dana_plan(personas).plan
    enrol(personas.alice)
    http = sign_in(personas.alice.email)
    before = Goal.objects.count()
    response = http.post(
        f"{_dana_url(personas)}/plans/{plan.public_id}/goals",
        {"statement": "Sleep 7 hours a night within 8 weeks"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert Goal.objects.count() == before


def test_staff_who_must_enrol_but_have_not_read_nothing(personas):
    require_mfa(personas.org)
    http = sign_in(personas.alice.email)
    assert http.get(CLIENTS).status_code == 401


def test_after_the_code_the_session_reads_as_before(personas):
    enrol(personas.alice)
    http = verified(personas.alice)
    response = http.get(_dana_url(personas))
    assert response.status_code == 200
    assert b"Quillfeather" in response.content


def test_without_two_factor_required_or_enrolled_the_session_reads(personas):
    http = sign_in(personas.alice.email)
    assert http.get(CLIENTS).status_code == 200


def test_a_bearer_token_works_without_a_session_code(personas):
    enrol(personas.alice)
    require_mfa(personas.org)
    assert api_as(personas.alice).get(_dana_url(personas)).status_code == 200
