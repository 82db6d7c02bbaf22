"""Issue 16, the client portal: crisis help without signing in and from every portal page,
and asking for a change after endorsing."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from milepost.portal.models import ChangeRequest
from tests.base import PASSWORD
from tests.portal_fixtures import dana_portal

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_sign_in_page_links_to_help_that_needs_no_sign_in(login_as):
    anonymous = login_as(None)
    login = _text(anonymous.get(reverse("login")))
    assert f'href="{reverse("portal_public:help")}"' in login
    page = anonymous.get(reverse("portal_public:help"))
    assert page.status_code == 200
    text = _text(page)
    assert 'href="tel:988"' in text
    assert 'href="sms:988"' in text
    assert "You do not need to sign in" in text


@override_settings(PORTAL_CRISIS_RESOURCES={"call_label": "Call 116 123", "call_number": "116123"})
def test_the_public_help_page_uses_the_configured_numbers(login_as):
    text = _text(login_as(None).get(reverse("portal_public:help")))
    assert 'href="tel:116123"' in text
    assert "Call 116 123" in text


def test_a_signed_in_client_gets_their_practices_crisis_screen(personas, login_as):
    response = login_as(personas.dana).get(reverse("portal_public:help"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_questionnaires:crisis")


@pytest.mark.parametrize(
    "name",
    [
        "portal:home",
        "portal:goals",
        "portal:propose",
        "portal:plan",
        "portal:endorse",
        "portal:log",
        "portal:journal",
        "portal_questionnaires:list",
        "portal_questionnaires:crisis",
    ],
)
def test_every_portal_page_links_to_help_right_now(personas, login_as, name):
    dana_portal(personas)
    text = _text(login_as(personas.dana).get(reverse(name)))
    assert f'href="{reverse("portal_questionnaires:crisis")}"' in text
    assert "Help right now</a>" in text


def test_after_endorsing_the_client_can_still_ask_for_a_change(personas, login_as):
    portal = dana_portal(personas)
    http = login_as(personas.dana)
    http.post(
        reverse("portal:endorse"),
        {"typed_name": "Dana Quillfeather", "has_read": "on", "password": PASSWORD},
    )
    plan_page = _text(http.get(reverse("portal:plan")))
    assert "You endorsed version" in plan_page
    assert f'href="{reverse("portal:endorse")}#change-h">Ask for a change' in plan_page
    endorse_page = _text(http.get(reverse("portal:endorse")))
    assert "Already endorsed" in endorse_page
    assert 'action="/portal/plan/change/"' in endorse_page
    response = http.post(reverse("portal:change_request"), {"comment": "Add a goal on sleep"})
    assert response.status_code == 302
    assert ChangeRequest.objects.get(client=personas.dana_client).plan == portal.plan
