"""milepost/demo/notes.py: weekly demo notes that leave something in the unworked box."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.demo.notes import load_notes
from milepost.notes.access import unworked_objectives_for_plan
from milepost.notes.models import NoteObjective, SessionNote
from milepost.plans import services as plans
from tests.base import dana_plan

pytestmark = pytest.mark.django_db


def test_it_adds_one_note_a_week_through_the_services(personas):
    dana_plan(personas)
    assert load_notes(personas.dana_client, personas.alice, weeks=8) == 8
    days = sorted(SessionNote.objects.values_list("held_on", flat=True))
    assert days[-1] <= timezone.localdate()
    assert days[-1] > timezone.localdate() - dt.timedelta(weeks=1)
    assert {b - a for a, b in itertools.pairwise(days)} == {dt.timedelta(weeks=1)}
    assert AuditEvent.objects.filter(action="session_note.create").count() == 8
    assert all(n.clinician == personas.alice for n in SessionNote.objects.all())


def test_loading_again_adds_nothing(personas):
    dana_plan(personas)
    load_notes(personas.dana_client, personas.alice, weeks=8)
    assert load_notes(personas.dana_client, personas.alice, weeks=8) == 0
    assert SessionNote.objects.count() == 8
    # A longer window adds only the weeks not there yet.
    assert load_notes(personas.dana_client, personas.alice, weeks=10) == 2


def test_one_objective_is_left_for_the_unworked_box(personas):
    dp = dana_plan(personas)
    second = plans.objective_add(actor=personas.alice, goal=dp.goal, statement="Bed by 11")
    load_notes(personas.dana_client, personas.alice, weeks=8)
    [item] = unworked_objectives_for_plan(personas.alice, dp.plan)
    assert item.objective == second
    assert item.sessions_since == 3
    assert item.last_cited_on is not None
    # The other objective is cited every week, with a plausible word each time.
    words = list(
        NoteObjective.objects.filter(objective=dp.objective).values_list("progress", flat=True)
    )
    assert len(words) == 8
    assert {"progressing", "no_change", "regressed"} <= set(words)


def test_a_client_without_a_plan_gets_notes_citing_nothing(personas):
    assert load_notes(personas.dana_client, personas.alice, weeks=3) == 3
    assert not NoteObjective.objects.exists()
