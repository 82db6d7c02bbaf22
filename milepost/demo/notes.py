"""Weekly session notes for the demo clients, citing the objectives of their plans.

Every note goes through notes.services, so it is audited like real data. Sessions fall on
the same weekday each week (which one depends on the client), counted back from the most
recent such day, so loading twice in a week adds nothing and loading a week later adds only
the new week's session; a day that already has a note is skipped.

The last objective of each plan is left out of the latest three notes, so the notes page's
"not worked on in the last 3 sessions" box has something to show.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.notes import services as notes
from milepost.notes.models import Progress, SessionNote, SessionSetting, SessionType
from milepost.plans.models import GoalStatus, Objective
from milepost.plans.selectors import plan_in_force

WEEK = dt.timedelta(weeks=1)
# The latest notes that leave the plan's last objective uncited.
UNWORKED_TAIL = 3

# How work on an objective tends to go week by week: slow at first, a setback, then gains.
PROGRESS_ARC = (
    Progress.NO_CHANGE,
    Progress.PROGRESSING,
    Progress.PROGRESSING,
    Progress.MAINTAINED,
    Progress.REGRESSED,
    Progress.PROGRESSING,
    Progress.PROGRESSING,
    Progress.MAINTAINED,
)

NARRATIVES = (
    "Reviewed the week's monitoring log together; agreed on one small step for the coming week.",
    "Explored what got in the way of last week's plan and problem-solved the main obstacle.",
    "Practised the skill in session; the client rated their confidence afterwards.",
    "Checked in on mood and risk (none reported); revisited the goals in the client's words.",
    "A harder week: normalised the setback and scaled the next step down.",
    "Planned next week's activities and anticipated barriers; homework agreed.",
)


def _session_days(client: Client, weeks: int, today: dt.date) -> list[dt.date]:
    """The client's session day in each of the last `weeks` weeks, oldest first."""
    weekday = client.pk % 5  # Monday to Friday, fixed per client
    latest = today - dt.timedelta(days=(today.weekday() - weekday) % 7)
    return [latest - WEEK * back for back in reversed(range(weeks))]


def load_notes(client: Client, clinician: User, *, weeks: int = 8) -> int:
    """One session note a week for the past `weeks` weeks; returns how many were added."""
    days = _session_days(client, weeks, timezone.localdate())
    taken = set(
        SessionNote.objects.filter(client=client, held_on__in=days).values_list(
            "held_on", flat=True
        )
    )
    plan = plan_in_force(client)
    objectives = (
        list(
            Objective.objects.filter(goal__plan=plan, goal__status=GoalStatus.ACTIVE)
            .select_related("goal")
            .order_by("goal__order", "goal__id", "order", "id")
        )
        if plan is not None
        else []
    )
    start = dt.time(9 + client.pk % 8, 0)
    added = 0
    for index, day in enumerate(days):
        if day in taken:
            continue
        recent = index >= len(days) - UNWORKED_TAIL
        cited = objectives[:-1] if recent else objectives
        notes.note_create(
            actor=clinician,
            client=client,
            held_on=day,
            started_at=start,
            ended_at=start.replace(minute=50),
            type=SessionType.INDIVIDUAL,
            setting=SessionSetting.TELEHEALTH_VIDEO if index % 3 == 2 else SessionSetting.IN_PERSON,
            narrative=NARRATIVES[index % len(NARRATIVES)],
            objectives=[
                (objective, PROGRESS_ARC[(index + position) % len(PROGRESS_ARC)], "")
                for position, objective in enumerate(cited)
            ],
        )
        added += 1
    return added
