"""Issue 16: the portal home says what is due, what the therapist answered, and what is new."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from milepost.portal import services
from tests.portal.questionnaire_helpers import dana_assignment
from tests.portal_fixtures import dana_change_request, dana_portal, dana_proposal

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_home_page_says_what_is_due_answered_and_new(personas, login_as):
    assignment = dana_assignment(personas)
    dana_portal(personas)
    change = dana_change_request(personas)
    services.change_request_answer(
        actor=personas.alice, change_request=change, answer="Yes, let us add sleep next week."
    )
    proposal = dana_proposal(personas)
    services.goal_proposal_decline(
        actor=personas.alice, proposal=proposal, note="Let us fold it into goal 1."
    )
    page = _text(login_as(personas.dana).get(reverse("portal:home")))
    now = page[page.index("For you now") : page.index("Your plan</h2>")]
    assert "Due:</strong> How your mood has been (PHQ-9)" in now
    assert f'href="{reverse("portal_questionnaires:start", args=[assignment.public_id])}"' in now
    assert "New:</strong> version" in now
    assert "Your therapist answered</strong> your request for a change" in now
    assert "Yes, let us add sleep next week." in now
    assert "Your therapist replied to your goal</strong>" in now
    assert f'href="{reverse("portal:proposal", args=[proposal.public_id])}"' in now


def test_with_nothing_due_the_home_page_says_so(personas, login_as):
    page = _text(login_as(personas.dana).get(reverse("portal:home")))
    assert "Nothing is due and there is nothing new from your therapist." in page
    assert "<title>Home · Milepost</title>" in page
