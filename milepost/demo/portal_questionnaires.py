"""Questionnaires assigned to the demo portal client, so the portal has one to complete.

Dana (the demo's portal client) gets a weekly PHQ-9 from today — due now — and a weekly
GAD-7 from three days on, shown as coming up. Idempotent: an instrument already assigned
(and not ended) is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.measures import assignments
from milepost.measures.models import Assignment

# (instrument, schedule, days from today to the first due day)
PORTAL_QUESTIONNAIRES = (("phq9", "weekly", 0), ("gad7", "weekly", 3))


def load_portal_questionnaires(client: Client, clinician: User) -> None:
    if client.portal_user_id is None:
        return
    today = timezone.localdate()
    for code, schedule, offset in PORTAL_QUESTIONNAIRES:
        if Assignment.objects.filter(client=client, instrument_code=code, active=True).exists():
            continue
        assignments.assignment_create(
            actor=clinician,
            client=client,
            instrument_code=code,
            schedule=schedule,
            start_on=today + dt.timedelta(days=offset),
        )
