"""Questionnaires assigned to the portal: the care team assigns and ends them and gives the
next session's date; the measures page lists them with their next due date. When one is
due and what completes it: tests/portal/test_questionnaire_schedule.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.measures import assignments
from milepost.measures.models import Assignment
from milepost.portal import questionnaires


def _assign(personas, **overrides):
    values = {
        "actor": personas.alice,
        "client": personas.dana_client,
        "instrument_code": "phq9",
        "schedule": "weekly",
        "start_on": timezone.localdate(),
    }
    return assignments.assignment_create(**{**values, **overrides})


@pytest.mark.django_db
class AssignmentCreateTests:
    def test_the_care_team_assigns_and_it_is_audited(self, personas):
        assignment = _assign(personas)
        assert assignment.active
        assert assignment.assigned_by == personas.alice
        assert assignment.organization == personas.org
        event = AuditEvent.objects.filter(action="assignment.create").get()
        assert event.object_id == assignment.public_id
        assert event.detail == {"instrument": "phq9", "schedule": "weekly"}

    def test_an_instrument_alias_is_stored_by_its_code(self, personas):
        assert _assign(personas, instrument_code="GAD-7").instrument_code == "gad7"

    @pytest.mark.parametrize("who", ["frank", "charlie", "erin", "dana"])
    def test_only_the_care_team_may_assign(self, personas, who):
        with pytest.raises(PermissionDenied):
            _assign(personas, actor=getattr(personas, who))
        assert not Assignment.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"instrument_code": "bdi-ii"}, "instrument", "Choose one of the questionnaires"),
            ({"schedule": "daily"}, "schedule", "Choose how often"),
            ({"start_on": dt.date(2020, 1, 1)}, "start_on", "cannot be in the past"),
            ({"start_on": dt.date(2999, 1, 1)}, "start_on", "within a year"),
            ({"schedule": "before_session"}, "next_session_on", "Give the date of the next"),
        ],
    )
    def test_bad_input_names_the_field(self, personas, overrides, field, message):
        with pytest.raises(ValidationError) as raised:
            _assign(personas, **overrides)
        assert message in raised.value.message_dict[field][0]
        assert not Assignment.objects.exists()

    def test_a_session_before_the_start_is_refused(self, personas):
        today = timezone.localdate()
        with pytest.raises(ValidationError) as raised:
            _assign(
                personas,
                schedule="before_session",
                start_on=today + dt.timedelta(days=5),
                next_session_on=today + dt.timedelta(days=2),
            )
        assert "before the start date" in raised.value.message_dict["next_session_on"][0]

    def test_one_active_assignment_per_instrument(self, personas):
        first = _assign(personas)
        with pytest.raises(ValidationError) as raised:
            _assign(personas, schedule="fortnightly")
        assert "already assigned" in raised.value.message_dict["instrument"][0]
        assignments.assignment_end(actor=personas.alice, assignment=first)
        assert _assign(personas, schedule="fortnightly").active


@pytest.mark.django_db
class AssignmentEndTests:
    def test_ending_keeps_the_record(self, personas):
        assignment = _assign(personas)
        ended = assignments.assignment_end(actor=personas.bob, assignment=assignment)
        assert not ended.active
        assert ended.ended_by == personas.bob
        assert ended.ended_at is not None
        assert Assignment.objects.filter(pk=assignment.pk).exists()
        assert questionnaires.assignment_next_due(ended) is None
        assert AuditEvent.objects.filter(action="assignment.end").count() == 1

    def test_ending_twice_is_refused(self, personas):
        assignment = _assign(personas)
        assignments.assignment_end(actor=personas.alice, assignment=assignment)
        with pytest.raises(ValidationError):
            assignments.assignment_end(actor=personas.alice, assignment=assignment)

    def test_an_outsider_cannot_end_it(self, personas):
        assignment = _assign(personas)
        with pytest.raises(PermissionDenied):
            assignments.assignment_end(actor=personas.frank, assignment=assignment)
        assignment.refresh_from_db()
        assert assignment.active


@pytest.mark.django_db
class NextSessionTests:
    def test_a_next_session_date_only_for_before_each_session(self, personas):
        assignment = _assign(personas)
        with pytest.raises(ValidationError) as raised:
            assignments.assignment_next_session_set(
                actor=personas.alice, assignment=assignment, next_session_on=timezone.localdate()
            )
        assert "before each session" in raised.value.message_dict["next_session_on"][0]


@pytest.mark.django_db
class MeasuresPageAssignmentTests:
    def _page(self, personas):
        return reverse("measures:client_measures", args=[personas.dana_client.public_id])

    def test_the_page_lists_assignments_with_the_next_due_date(self, personas, login_as):
        _assign(personas, start_on=timezone.localdate() + dt.timedelta(days=2))
        html = login_as(personas.alice).get(self._page(personas)).content.decode()
        assert "In the portal" in html
        assert "Every week" in html
        due = timezone.localdate() + dt.timedelta(days=2)
        assert f"{due.day} {due:%b %Y}" in html
        assert "Assign to the portal" in html

    def test_assigning_from_the_page(self, personas, login_as):
        url = reverse("measures:assignment_create", args=[personas.dana_client.public_id])
        data = {
            "instrument": "gad7",
            "schedule": "fortnightly",
            "start_on": timezone.localdate().isoformat(),
        }
        response = login_as(personas.alice).post(url, data, follow=True)
        assert b"GAD-7 assigned to the portal: every two weeks." in response.content
        assert Assignment.objects.get().schedule == "fortnightly"

    def test_a_bad_date_is_named_on_the_page(self, personas, login_as):
        url = reverse("measures:assignment_create", args=[personas.dana_client.public_id])
        data = {"instrument": "gad7", "schedule": "weekly", "start_on": "2020-01-01"}
        response = login_as(personas.alice).post(url, data)
        assert response.status_code == 200
        assert b"Starting on: The start date cannot be in the past." in response.content
        assert not Assignment.objects.exists()

    def test_a_missing_schedule_is_named_on_the_page(self, personas, login_as):
        url = reverse("measures:assignment_create", args=[personas.dana_client.public_id])
        response = login_as(personas.alice).post(url, {"instrument": "gad7", "start_on": "x"})
        assert b"How often: This field is required." in response.content
        assert b"Starting on: Enter a valid date." in response.content

    def test_ending_from_the_page(self, personas, login_as):
        assignment = _assign(personas)
        url = reverse(
            "measures:assignment_end", args=[personas.dana_client.public_id, assignment.public_id]
        )
        response = login_as(personas.alice).post(url, follow=True)
        assert b"PHQ-9 is no longer asked for in the portal." in response.content
        assignment.refresh_from_db()
        assert not assignment.active

    def test_setting_the_next_session_from_the_page(self, personas, login_as):
        today = timezone.localdate()
        assignment = _assign(
            personas, schedule="before_session", next_session_on=today + dt.timedelta(days=1)
        )
        url = reverse(
            "measures:assignment_next_session",
            args=[personas.dana_client.public_id, assignment.public_id],
        )
        http = login_as(personas.alice)
        later = today + dt.timedelta(days=8)
        response = http.post(url, {"next_session_on": later.isoformat()}, follow=True)
        assert b"Next session date saved." in response.content
        assignment.refresh_from_db()
        assert assignment.next_session_on == later
        response = http.post(url, {"next_session_on": "not a date"}, follow=True)
        assert b"Next session: enter a date." in response.content

    def test_an_outsider_gets_not_found(self, personas, login_as):
        assignment = _assign(personas)
        url = reverse(
            "measures:assignment_end", args=[personas.dana_client.public_id, assignment.public_id]
        )
        assert login_as(personas.frank).post(url).status_code == 404
        assignment.refresh_from_db()
        assert assignment.active

    def test_another_clients_assignment_id_is_not_found(self, personas, login_as):
        assignment = _assign(personas)
        url = reverse(
            "measures:assignment_end", args=[personas.chris_client.public_id, assignment.public_id]
        )
        assert login_as(personas.charlie).post(url).status_code == 404
        assignment.refresh_from_db()
        assert assignment.active
