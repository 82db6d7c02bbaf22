"""Issue 16: an idle timeout never silently loses what the client typed. A minute's warning
with "Stay signed in"; an unsent journal entry and a chosen answer are saved in the
background (which does not count as activity) and are there after signing in again."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from milepost.accounts.middleware import AUTOSAVE_HEADER
from milepost.audit.models import AuditEvent
from milepost.measures.models import PortalResponseDraft
from milepost.portal.models import JournalEntry, UnsentDraft
from tests.base import PASSWORD
from tests.portal.questionnaire_helpers import dana_assignment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]

BACKGROUND = {"headers": {AUTOSAVE_HEADER: "1"}}
WORDS = "Hard morning; the walk helped."


def _age(http, seconds: float) -> None:
    session = http.session
    session["milepost_last_seen"] = time.time() - seconds
    session.save()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_every_portal_page_carries_the_warning_and_the_time_left(personas, login_as):
    http = login_as(personas.dana)
    http.get(reverse("portal:home"))
    _age(http, 20)  # under the 30 s between rewrites of the last-seen time
    page = _text(http.get(reverse("portal:journal")))
    left = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert settings.SESSION_IDLE_TIMEOUT - 22 <= left <= settings.SESSION_IDLE_TIMEOUT - 19
    assert "Stay signed in</button>" in page
    assert "portal-idle.js" in page
    assert f'data-autosave="{reverse("portal:journal_draft")}"' in page


def test_stay_signed_in_starts_the_idle_time_again(personas, login_as):
    http = login_as(personas.dana)
    http.get(reverse("portal:home"))
    _age(http, settings.SESSION_IDLE_TIMEOUT - 30)
    response = http.post(reverse("portal:stay_signed_in"))
    assert response.json() == {"seconds_left": settings.SESSION_IDLE_TIMEOUT}
    assert http.session["milepost_last_seen"] > time.time() - 5


def test_a_background_save_does_not_count_as_activity(personas, login_as):
    http = login_as(personas.dana)
    http.get(reverse("portal:home"))
    _age(http, settings.SESSION_IDLE_TIMEOUT - 30)
    before = http.session["milepost_last_seen"]
    response = http.post(reverse("portal:journal_draft"), {"text": WORDS}, **BACKGROUND)
    assert response.status_code == 204
    assert http.session["milepost_last_seen"] == before


def test_an_unsent_journal_entry_is_there_after_signing_in_again(personas, login_as, client):
    http = login_as(personas.dana)
    http.get(reverse("portal:journal"))
    http.post(reverse("portal:journal_draft"), {"text": WORDS}, **BACKGROUND)
    _age(http, settings.SESSION_IDLE_TIMEOUT + 5)
    signed_out = http.get(reverse("portal:journal"))
    assert signed_out["Location"].startswith(reverse("login") + "?next=/portal/journal/")
    # Nothing of it in the audit trail.
    assert not any(WORDS in str(e.detail) for e in AuditEvent.objects.all())
    client.post(reverse("login"), {"username": personas.dana.email, "password": PASSWORD})
    page = _text(client.get(reverse("portal:journal")))
    assert "what you were writing before you were signed out" in page
    assert f"{WORDS}</textarea>" in page
    assert not JournalEntry.objects.exists()
    client.post(reverse("portal:journal"), {"text": WORDS})
    assert JournalEntry.objects.get().text == WORDS
    assert not UnsentDraft.objects.exists()
    assert "before you were signed out" not in _text(client.get(reverse("portal:journal")))


def test_an_emptied_draft_is_forgotten_and_the_clinician_never_sees_one(personas, login_as):
    http = login_as(personas.dana)
    http.post(reverse("portal:journal_draft"), {"text": WORDS}, **BACKGROUND)
    inbox = reverse("portal_clinician:inbox", args=[personas.dana_client.public_id])
    assert WORDS not in _text(login_as(personas.alice).get(inbox))
    assert (
        login_as(personas.alice).post(reverse("portal:journal_draft"), {"text": "x"}).status_code
        == 403
    )
    http.post(reverse("portal:journal_draft"), {"text": "  "}, **BACKGROUND)
    assert not UnsentDraft.objects.exists()


def test_a_chosen_answer_is_saved_in_the_background_and_shown_again(personas, login_as):
    assignment = dana_assignment(personas)
    http = login_as(personas.dana)
    url = reverse("portal_questionnaires:question", args=[assignment.public_id, "2"])
    response = http.post(url, {"item_2": "3", "nav": "autosave"}, **BACKGROUND)
    assert response.status_code == 204
    draft = PortalResponseDraft.objects.get(assignment=assignment)
    assert draft.answers == {"2": 3}
    page = http.get(url).content.decode()
    assert re.search(r'<input[^>]*value="3"[^>]*checked', page)
    # Nothing chosen: nothing saved, nothing refused.
    assert http.post(url.replace("/2/", "/3/"), {"nav": "autosave"}).status_code == 204
    assert PortalResponseDraft.objects.get(assignment=assignment).answers == {"2": 3}


def test_a_request_for_a_change_is_kept_through_the_timeout_and_cleared_when_sent(
    personas, login_as, client
):
    from milepost.portal.models import ChangeRequest
    from tests.portal_fixtures import dana_portal

    dana_portal(personas)
    http = login_as(personas.dana)
    page = _text(http.get(reverse("portal:endorse")))
    assert f'data-autosave="{reverse("portal:draft", args=["change"])}"' in page
    asked = "Could the sleep goal start later in the week?"
    response = http.post(reverse("portal:draft", args=["change"]), {"comment": asked}, **BACKGROUND)
    assert response.status_code == 204
    _age(http, settings.SESSION_IDLE_TIMEOUT + 5)
    assert http.get(reverse("portal:endorse"))["Location"].startswith(reverse("login"))
    assert not any(asked in str(e.detail) for e in AuditEvent.objects.all())
    client.post(reverse("login"), {"username": personas.dana.email, "password": PASSWORD})
    page = _text(client.get(reverse("portal:endorse")))
    assert "before you were signed out. It is not sent yet." in page
    assert f"{asked}</textarea>" in page
    assert not ChangeRequest.objects.exists()
    client.post(reverse("portal:change_request"), {"comment": asked})
    assert ChangeRequest.objects.get().comment == asked
    assert not UnsentDraft.objects.exists()
    assert "before you were signed out" not in _text(client.get(reverse("portal:endorse")))


def test_a_goal_being_drafted_keeps_both_its_fields_and_is_cleared_when_sent(personas, login_as):
    from milepost.portal.models import GoalProposal

    http = login_as(personas.dana)
    page = _text(http.get(reverse("portal:propose")))
    assert f'data-autosave="{reverse("portal:draft", args=["proposal"])}"' in page
    goal, know = "Sleep through most nights", "I would wake up rested"
    http.post(
        reverse("portal:draft", args=["proposal"]),
        {"text": goal, "how_you_would_know": know},
        **BACKGROUND,
    )
    assert UnsentDraft.objects.count() == 2
    page = _text(http.get(reverse("portal:propose")))
    assert f"{goal}</textarea>" in page
    assert f"{know}</textarea>" in page
    assert "before you were signed out" in page
    # Emptying one field forgets that one only.
    http.post(reverse("portal:draft", args=["proposal"]), {"text": goal}, **BACKGROUND)
    assert UnsentDraft.objects.get().text == goal
    http.post(reverse("portal:propose"), {"text": goal, "how_you_would_know": know})
    assert GoalProposal.objects.get().text == goal
    assert not UnsentDraft.objects.exists()


def test_only_the_portals_writing_forms_are_kept(personas, login_as):
    http = login_as(personas.dana)
    assert http.post(reverse("portal:draft", args=["notes"]), {"text": WORDS}).status_code == 404
    assert not UnsentDraft.objects.exists()
