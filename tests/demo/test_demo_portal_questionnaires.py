"""The demo portal client has a questionnaire to complete: a weekly PHQ-9 due today and a
weekly GAD-7 coming up; loading twice assigns nothing more."""

from __future__ import annotations

import pytest
from django.urls import reverse

from milepost.demo import data
from milepost.measures.models import Assignment
from milepost.portal import reminders


@pytest.mark.django_db
def test_dana_has_one_questionnaire_due_and_one_coming_up(login_as):
    data.load()
    data.load()
    rows = Assignment.objects.filter(active=True).select_related("client")
    assert sorted((a.client.given_name, a.instrument_code, a.schedule) for a in rows) == [
        ("Dana", "gad7", "weekly"),
        ("Dana", "phq9", "weekly"),
    ]
    dana = rows[0].client.portal_user
    html = login_as(dana).get(reverse("portal_questionnaires:list")).content.decode()
    ready, coming = html.split("Coming up")
    assert "How your mood has been" in ready
    assert "Worry and feeling anxious" in coming
    # And the reminder job has exactly one message for her.
    assert reminders.remind(include_logs=False).sent == 1
