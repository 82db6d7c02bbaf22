"""Questionnaires in the portal: a client sees and answers only their own, one question per
screen, can stop and carry on, and an urgent answer brings the crisis screen at once
while the care team gets the alert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.models import Role
from milepost.clients import services as clients
from milepost.measures import assignments
from milepost.measures.access import open_alerts_for_user
from milepost.measures.models import Administration, Assignment, PortalResponseDraft, RiskAlert
from milepost.portal import questionnaires
from milepost.portal.models import CrisisResources
from tests.base import PASSWORD
from tests.portal.questionnaire_helpers import dana_assignment

Q = "portal_questionnaires"


def _question(assignment, number):
    return reverse(f"{Q}:question", args=[assignment.public_id, str(number)])


def _answer(http, assignment, number, value, **extra):
    return http.post(_question(assignment, number), {f"item_{number}": value, **extra})


def _answer_all(http, assignment, values):
    for number, value in enumerate(values, start=1):
        response = _answer(http, assignment, number, str(value))
        assert response.status_code == 302, response.content
    return response


@pytest.fixture
def ella(personas):
    """Another portal client of alice's, in the same practice, with her own PHQ-9."""
    user = accounts.user_create(
        actor=None,
        organization=personas.org,
        email="ella@example.org",
        full_name="Ella Example",
        role=Role.CLIENT,
        password=PASSWORD,
    )
    client = clients.client_create(
        actor=personas.alice,
        given_name="Ella",
        family_name="Brightwater",
        date_of_birth=dt.date(1992, 6, 1),
    )
    clients.client_portal_link(actor=personas.alice, client=client, portal_user=user)
    assignment = assignments.assignment_create(
        actor=personas.alice,
        client=client,
        instrument_code="gad7",
        schedule="weekly",
        start_on=timezone.localdate(),
    )
    return user, assignment


@pytest.mark.django_db
class QuestionnaireListTests:
    def test_a_client_sees_only_their_own(self, personas, login_as, ella):
        dana_assignment(personas)
        html = login_as(personas.dana).get(reverse(f"{Q}:list")).content.decode()
        assert "How your mood has been" in html
        assert "(PHQ-9)" in html
        assert "GAD-7" not in html
        assert ella[1].public_id not in html

    def test_a_later_one_is_coming_up_not_ready(self, personas, login_as):
        assignments.assignment_create(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="gad7",
            schedule="weekly",
            start_on=timezone.localdate() + dt.timedelta(days=3),
        )
        html = login_as(personas.dana).get(reverse(f"{Q}:list")).content.decode()
        assert "Nothing to answer right now." in html
        assert "Coming up" in html
        assert "Worry and feeling anxious" in html

    def test_an_ended_assignment_is_gone(self, personas, login_as):
        assignment = dana_assignment(personas)
        assignments.assignment_end(actor=personas.alice, assignment=assignment)
        http = login_as(personas.dana)
        assert "How your mood" not in http.get(reverse(f"{Q}:list")).content.decode()
        assert http.get(_question(assignment, 1)).status_code == 404

    def test_the_nav_links_to_the_questionnaires(self, personas, login_as):
        html = login_as(personas.dana).get(reverse(f"{Q}:list")).content.decode()
        assert f'href="{reverse(f"{Q}:list")}" aria-current="page"' in html


@pytest.mark.django_db
class AnotherClientsAssignmentTests:
    @pytest.mark.parametrize("route", ["start", "review", "crisis_during"])
    def test_it_is_not_found(self, personas, login_as, ella, route):
        url = reverse(f"{Q}:{route}", args=[ella[1].public_id])
        http = login_as(personas.dana)
        assert http.get(url).status_code == 404
        assert http.post(url).status_code == 404

    def test_its_questions_are_not_found_and_nothing_is_saved(self, personas, login_as, ella):
        http = login_as(personas.dana)
        assert http.get(_question(ella[1], 1)).status_code == 404
        assert _answer(http, ella[1], 1, "2").status_code == 404
        assert not PortalResponseDraft.objects.exists()

    def test_a_malformed_id_or_question_is_not_found(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        assert http.get(reverse(f"{Q}:start", args=["<script>"])).status_code == 404
        for question in ("0", "10", "x", "-1", "²", "٣"):
            assert http.get(_question(assignment, question)).status_code == 404


@pytest.mark.django_db
class OneQuestionPerScreenTests:
    def test_a_screen_has_one_question_and_its_progress(self, personas, login_as):
        assignment = dana_assignment(personas)
        html = login_as(personas.dana).get(_question(assignment, 3)).content.decode()
        assert html.count("<fieldset") == 1
        assert html.count('type="radio"') == 4
        assert "Question 3 of 9" in html
        assert "Trouble falling or staying asleep, or sleeping too much" in html
        assert "Little interest" not in html  # question 1 is not on this screen
        assert f'href="{_question(assignment, 2)}"' in html  # back to question 2
        assert 'name="nav" value="next"' in html
        assert '<label class="mp-option">' in html

    def test_next_goes_to_the_following_question_and_the_last_to_the_review(
        self, personas, login_as
    ):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        assert _answer(http, assignment, 1, "2")["Location"] == _question(assignment, 2)
        last = _answer(http, assignment, 9, "0")
        assert last["Location"] == reverse(f"{Q}:review", args=[assignment.public_id])

    def test_a_value_outside_the_options_names_the_item_and_saves_nothing(self, personas, login_as):
        assignment = dana_assignment(personas)
        response = _answer(login_as(personas.dana), assignment, 3, "7")
        assert response.status_code == 200
        assert b"Question 3: choose one of the answers shown." in response.content
        assert not PortalResponseDraft.objects.exists()

    def test_no_answer_asks_for_one_or_a_skip(self, personas, login_as):
        assignment = dana_assignment(personas)
        response = login_as(personas.dana).post(_question(assignment, 2), {})
        assert response.status_code == 200
        assert b"Question 2: choose an answer, or skip it." in response.content

    def test_a_question_may_be_skipped(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        response = http.post(_question(assignment, 1), {"nav": "skip"})
        assert response["Location"] == _question(assignment, 2)
        assert questionnaires.draft_answers(assignment) == {1: None}

    def test_a_previous_answer_is_shown_checked(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer(http, assignment, 1, "2")
        html = http.get(_question(assignment, 1)).content.decode()
        assert 'value="2" id="id_item_1_2" checked' in html
        assert html.count("checked") == 1


@pytest.mark.django_db
class PauseAndResumeTests:
    def test_it_carries_on_where_the_client_left_off(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [1, 1, 0, 2])
        # A new session later: the list offers to carry on, and carrying on opens question 5.
        later = login_as(personas.dana)
        html = later.get(reverse(f"{Q}:list")).content.decode()
        assert "You have been through 4 of the 9 questions." in html
        assert "Carry on" in html
        start = later.get(reverse(f"{Q}:start", args=[assignment.public_id]))
        assert start["Location"] == _question(assignment, 5)

    def test_an_unfinished_review_names_the_missing_question(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [1, 1, 0])
        response = http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
        assert response.status_code == 400
        assert b"Question 4 has no answer yet." in response.content
        assert not Administration.objects.filter(assignment=assignment).exists()

    def test_the_review_lists_each_answer_with_a_way_to_change_it(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [1, 0, 0, 0, 0, 0, 0, 0])
        http.post(_question(assignment, 9), {"nav": "skip"})
        html = http.get(reverse(f"{Q}:review", args=[assignment.public_id])).content.decode()
        assert "Several days" in html
        assert "Skipped" in html
        assert html.count(">Change<") == 9
        assert "Send my answers" in html


@pytest.mark.django_db
class SendingTests:
    def test_sending_stores_a_portal_administration_and_shows_no_score(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [2, 2, 2, 2, 2, 2, 2, 2, 0])
        response = http.post(reverse(f"{Q}:review", args=[assignment.public_id]), follow=True)
        html = response.content.decode()
        assert "Thank you. Your answers have been sent to Alice Example, Bob Example." in html
        saved = Administration.objects.get(assignment=assignment)
        assert saved.total == 16
        assert saved.entered_by == personas.dana
        # Neither the total nor the band reaches the client.
        assert saved.band_label not in html
        assert ">16<" not in html
        assert " 16 " not in html
        assert "Moderately severe" not in html
        assert "Nothing to answer right now." in html
        # Sent: the questions are closed until next week.
        assert http.get(_question(assignment, 1))["Location"] == reverse(f"{Q}:list")

    def test_sending_twice_stores_one(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [0] * 9)
        url = reverse(f"{Q}:review", args=[assignment.public_id])
        http.post(url)
        second = http.post(url)
        assert second.status_code == 302
        assert Administration.objects.filter(assignment=assignment).count() == 1


@pytest.mark.django_db
class CrisisTests:
    def test_item_9_above_0_shows_the_crisis_screen_next(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [0, 0, 0, 0, 0, 0, 0, 0])
        response = _answer(http, assignment, 9, "1")
        crisis_url = reverse(f"{Q}:crisis_during", args=[assignment.public_id])
        assert response["Location"] == crisis_url
        html = http.get(crisis_url).content.decode()
        assert 'href="tel:988"' in html
        assert "Call or text 988" in html
        assert "call 911" in html
        assert "Carry on with the questions" in html

    def test_sending_it_alerts_the_care_team_and_ends_on_the_crisis_screen(
        self, personas, login_as
    ):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [0, 0, 0, 0, 0, 0, 0, 0, 2])
        response = http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
        assert response["Location"] == reverse(f"{Q}:crisis")
        html = http.get(response["Location"]).content.decode()
        assert "Your answers have been sent" in html
        assert 'href="tel:988"' in html
        administration = Administration.objects.get(assignment=assignment)
        alert = RiskAlert.objects.get(administration=administration)
        assert alert.code == "self-harm"
        assert alert.is_open
        assert alert in open_alerts_for_user(personas.alice)
        assert alert in open_alerts_for_user(personas.bob)
        caseload = login_as(personas.alice).get(reverse("reports:caseload")).content.decode()
        assert "2 urgent risk alerts need action" in caseload

    def test_the_care_team_is_alerted_as_soon_as_the_answer_is_saved(self, personas, login_as):
        # The client may close the page and never send: the alert must not wait for Send.
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer(http, assignment, 9, "1")
        assert not Administration.objects.filter(assignment=assignment).exists()
        alert = RiskAlert.objects.get(assignment=assignment, administration=None)
        assert alert.code == "self-harm"
        assert alert in open_alerts_for_user(personas.alice)
        caseload = login_as(personas.alice).get(reverse("reports:caseload")).content.decode()
        assert "not sent yet" in caseload
        page = login_as(personas.alice).get(
            reverse("measures:alert", args=[personas.dana_client.public_id, alert.public_id])
        )
        assert page.status_code == 200
        assert "has not been sent yet" in page.content.decode()
        assert "was marked <strong>entered in error</strong>" not in page.content.decode()
        # Changing the answer and answering again does not raise a second alert...
        _answer(http, assignment, 9, "2")
        assert RiskAlert.objects.filter(assignment=assignment).count() == 1
        # ...and sending attaches what was sent to the same alert.
        _answer_all(http, assignment, [0, 0, 0, 0, 0, 0, 0, 0, 2])
        http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
        administration = Administration.objects.get(assignment=assignment)
        assert list(RiskAlert.objects.filter(assignment=assignment)) == [alert]
        alert.refresh_from_db()
        assert alert.administration == administration

    def test_item_9_at_0_goes_on_to_the_review(self, personas, login_as):
        assignment = dana_assignment(personas)
        response = _answer(login_as(personas.dana), assignment, 9, "0")
        assert response["Location"] == reverse(f"{Q}:review", args=[assignment.public_id])

    def test_the_practice_sets_its_own_resources(self, personas, login_as):
        CrisisResources.objects.create(
            organization=personas.org,
            heading="Help is here",
            call_label="Call Samaritans on 116 123",
            call_number="116123",
            text_number="",
            emergency_text="In an emergency, call 999.",
            emergency_number="999",
            more_text="Open every day.\nFree to call.",
        )
        html = login_as(personas.dana).get(reverse(f"{Q}:crisis")).content.decode()
        assert 'href="tel:116123"' in html
        assert "In an emergency, call 999." in html
        assert "<p>Free to call.</p>" in html
        assert "988" not in html
        assert "sms:" not in html

    @override_settings(
        PORTAL_CRISIS_RESOURCES={"call_label": "Call 13 11 14", "call_number": "131114"}
    )
    def test_the_default_comes_from_settings(self, personas, login_as):
        html = login_as(personas.dana).get(reverse(f"{Q}:crisis")).content.decode()
        assert 'href="tel:131114"' in html
        assert "Call 13 11 14" in html
        assert "call 911" in html  # the rest stays the built-in default


@pytest.mark.django_db
def test_the_crisis_resources_are_in_the_admin_for_the_practice_only(personas, login_as):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from milepost.accounts.models import User

    ours = CrisisResources.objects.create(organization=personas.org)
    theirs = CrisisResources.objects.create(organization=personas.other_org)
    root = User.objects.create_superuser("root@example.org", "a long admin password")
    listing = reverse("admin:portal_crisisresources_changelist")
    assert login_as(root).get(listing).status_code == 200
    admin = site._registry[CrisisResources]
    request = RequestFactory().get(listing)
    request.user = root
    assert set(admin.get_queryset(request)) == {ours, theirs}
    request.user = personas.erin  # the practice admin
    assert list(admin.get_queryset(request)) == [ours]
    request.user = personas.alice  # a clinician: no practice settings
    assert list(admin.get_queryset(request)) == []


@pytest.mark.django_db
def test_an_assignment_of_the_portal_is_never_deleted_by_the_portal(personas, login_as):
    assignment = dana_assignment(personas)
    http = login_as(personas.dana)
    _answer_all(http, assignment, [0] * 9)
    http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
    assert Assignment.objects.filter(pk=assignment.pk, active=True).exists()


@pytest.mark.django_db
class ChangedUrgentAnswerTests:
    """Issue 16: an urgent answer changed before sending updates the clinician's alert, which
    is never left "not sent yet" once the questionnaire was sent."""

    def _alert_page(self, personas, login_as, alert) -> str:
        url = reverse("measures:alert", args=[personas.dana_client.public_id, alert.public_id])
        return login_as(personas.alice).get(url).content.decode()

    def test_changed_to_not_at_all_and_sent_the_alert_names_the_answer_sent(
        self, personas, login_as
    ):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [0, 0, 0, 0, 0, 0, 0, 0, 2])
        alert = RiskAlert.objects.get(assignment=assignment, administration=None)
        _answer(http, assignment, 9, "0")
        alert.refresh_from_db()
        assert alert.administration is None
        assert "Changed before sending, to “Not at all”." in alert.message
        assert alert.is_open
        response = http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
        assert response.status_code == 302
        administration = Administration.objects.get(assignment=assignment)
        assert administration.flags == []
        alert.refresh_from_db()
        assert alert.administration == administration
        assert alert.is_open
        assert "Changed before sending: the answer sent was “Not at all”." in alert.message
        page = self._alert_page(personas, login_as, alert)
        assert "not been sent yet" not in page
        assert "Changed before sending: the answer sent was" in page
        caseload = login_as(personas.alice).get(reverse("reports:caseload")).content.decode()
        assert "not sent yet" not in caseload
        assert RiskAlert.objects.filter(assignment=assignment).count() == 1

    def test_changed_to_another_urgent_answer_the_alert_says_so(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer_all(http, assignment, [0, 0, 0, 0, 0, 0, 0, 0, 3])
        _answer(http, assignment, 9, "1")
        http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
        alert = RiskAlert.objects.get(assignment=assignment)
        assert alert.administration is not None
        assert "the answer sent was “Several days”" in alert.message

    def test_sent_as_first_answered_the_message_is_the_rules(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer(http, assignment, 9, "2")
        _answer(http, assignment, 9, "2")  # saved again, unchanged
        _answer_all(http, assignment, [0, 0, 0, 0, 0, 0, 0, 0, 2])
        http.post(reverse(f"{Q}:review", args=[assignment.public_id]))
        alert = RiskAlert.objects.get(assignment=assignment)
        assert "Changed" not in alert.message
        assert alert.message.startswith("Item 9")

    def test_a_first_answer_of_0_then_1_is_not_called_a_change(self, personas, login_as):
        assignment = dana_assignment(personas)
        http = login_as(personas.dana)
        _answer(http, assignment, 9, "0")
        _answer(http, assignment, 9, "1")
        alert = RiskAlert.objects.get(assignment=assignment)
        assert "Changed" not in alert.message
        _answer(http, assignment, 9, "0")
        _answer(http, assignment, 9, "2")
        alert.refresh_from_db()
        assert "Changed before sending, to “More than half the days”." in alert.message
