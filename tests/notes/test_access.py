"""notes/access.py: who reads which note, and the objectives sessions have left unworked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.notes import services
from milepost.notes.access import (
    note_get_for_user,
    notes_for_client,
    plan_in_force_for_client,
    unworked_objectives_for_plan,
)
from milepost.plans import services as plans
from tests.base import dana_plan
from tests.notes.conftest import amend_by_hand, write_note

pytestmark = pytest.mark.django_db


def _day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


class NotesForClientTests:
    def test_newest_first_with_citations_and_audited(self, personas):
        dp = dana_plan(personas)
        old = write_note(personas, days_ago=9)
        new = write_note(personas, days_ago=2, objectives=[(dp.objective, "met", "")])
        late = write_note(personas, days_ago=2, started_at=dt.time(15), ended_at=dt.time(16))
        notes = notes_for_client(personas.alice, personas.dana_client)
        assert notes == [late, new, old]
        event = AuditEvent.objects.filter(action="session_note.list").get()
        assert event.detail == {"count": 3}
        assert event.client == personas.dana_client

    def test_reading_the_citations_costs_no_query_per_note(self, personas):
        dp = dana_plan(personas)
        for days_ago in range(1, 6):
            write_note(personas, days_ago=days_ago, objectives=[(dp.objective, "met", "")])
        notes = notes_for_client(personas.alice, personas.dana_client)
        with CaptureQueriesContext(connection) as queries:
            for note in notes:
                for cited in note.objectives.all():
                    assert cited.objective.goal.order == 1
                assert note.clinician.full_name
        assert len(queries) == 0


class NoteGetTests:
    def test_the_care_team_reads_a_note_and_it_is_audited(self, personas):
        note = write_note(personas)
        for who in (personas.alice, personas.bob, personas.sam):
            found = note_get_for_user(who, personas.dana_client.public_id, note.public_id)
            assert found == note
        assert (
            AuditEvent.objects.filter(action="session_note.view", object_id=note.public_id).count()
            == 3
        )

    @pytest.mark.parametrize("who", ["frank", "charlie"])
    def test_clinicians_off_the_team_get_404(self, personas, who):
        note = write_note(personas)
        with pytest.raises(Http404):
            note_get_for_user(
                getattr(personas, who), personas.dana_client.public_id, note.public_id
            )

    def test_a_note_of_another_client_is_not_found_under_this_one(self, personas):
        note = write_note(personas)
        other = clients.client_create(
            actor=personas.alice,
            given_name="Eli",
            family_name="Nolan",
            date_of_birth=dt.date(1970, 1, 1),
        )
        with pytest.raises(Http404):
            note_get_for_user(personas.alice, other.public_id, note.public_id)

    def test_across_organizations_nothing_is_found(self, personas):
        note = write_note(personas)
        with pytest.raises(Http404):
            note_get_for_user(personas.charlie, personas.chris_client.public_id, note.public_id)

    @pytest.mark.parametrize("bad", ["", "nope", "0" * 16, "'; drop table--"])
    def test_a_malformed_or_unknown_id_is_not_found(self, personas, bad):
        write_note(personas)
        with pytest.raises(Http404):
            note_get_for_user(personas.alice, personas.dana_client.public_id, bad)


class PlanInForceForClientTests:
    def test_it_gives_the_active_goals_and_objectives_and_audits(self, personas):
        dp = dana_plan(personas)
        plans.goal_add(actor=personas.alice, plan=dp.plan, statement="Sleep better")
        plans.goal_update(
            actor=personas.alice, goal=dp.plan.goals.get(order=2), status="discontinued"
        )
        in_force = plan_in_force_for_client(personas.alice, personas.dana_client)
        assert in_force is not None
        assert in_force.plan == dp.plan
        assert [g.pk for g in in_force.goals] == [dp.goal.pk]
        assert list(in_force.goals[0].objectives.all()) == [dp.objective]
        assert AuditEvent.objects.filter(action="plan.view", object_id=dp.plan.public_id).exists()

    def test_none_without_a_plan(self, personas):
        assert plan_in_force_for_client(personas.alice, personas.dana_client) is None


class UnworkedObjectivesTests:
    def _second_objective(self, personas, dp):
        return plans.objective_add(actor=personas.alice, goal=dp.goal, statement="Bed by 11")

    def test_an_objective_left_out_of_the_last_three_notes_is_named(self, personas):
        dp = dana_plan(personas)
        second = self._second_objective(personas, dp)
        write_note(personas, days_ago=30, objectives=[(dp.objective, "met", "")])
        for days_ago in (21, 14, 7):
            write_note(personas, days_ago=days_ago, objectives=[(second, "progressing", "")])
        unworked = unworked_objectives_for_plan(personas.alice, dp.plan)
        assert [(u.objective, u.sessions_since, u.last_cited_on) for u in unworked] == [
            (dp.objective, 3, _day(30))
        ]
        assert unworked[0].number == "1.1"
        event = AuditEvent.objects.get(action="plan.unworked_objectives")
        assert event.detail == {"sessions": 3, "unworked": [dp.objective.public_id]}

    def test_cited_within_the_window_it_is_not_named(self, personas):
        dp = dana_plan(personas)
        write_note(personas, days_ago=21, objectives=[(dp.objective, "met", "")])
        write_note(personas, days_ago=14)
        write_note(personas, days_ago=7)
        assert unworked_objectives_for_plan(personas.alice, dp.plan) == []
        # Over a window of two sessions, the same objective is overdue.
        [item] = unworked_objectives_for_plan(personas.alice, dp.plan, sessions=2)
        assert (item.sessions_since, item.last_cited_on) == (2, _day(21))

    def test_never_cited_it_counts_every_note(self, personas):
        dp = dana_plan(personas)
        for days_ago in range(1, 6):
            write_note(personas, days_ago=days_ago)
        [item] = unworked_objectives_for_plan(personas.alice, dp.plan)
        assert (item.sessions_since, item.last_cited_on) == (5, None)

    def test_fewer_notes_than_the_window_name_nothing(self, personas):
        dp = dana_plan(personas)
        write_note(personas, days_ago=2)
        write_note(personas, days_ago=1)
        assert unworked_objectives_for_plan(personas.alice, dp.plan) == []

    def test_notes_entered_in_error_do_not_count(self, personas):
        dp = dana_plan(personas)
        cited = write_note(personas, days_ago=9, objectives=[(dp.objective, "met", "")])
        for days_ago in (3, 2, 1):
            write_note(personas, days_ago=days_ago)
        services.note_mark_entered_in_error(actor=personas.alice, note=cited, reason="Typo")
        # Its citation is gone, and it is not one of the notes counted.
        [item] = unworked_objectives_for_plan(personas.alice, dp.plan)
        assert (item.sessions_since, item.last_cited_on) == (3, None)
        # An uncited note in error does not push the objective out of the window either.
        recent = write_note(personas, days_ago=0, objectives=[(dp.objective, "met", "")])
        for days_ago in (0, 0, 0):
            noise = write_note(
                personas, days_ago=days_ago, started_at=dt.time(12), ended_at=dt.time(13)
            )
            services.note_mark_entered_in_error(actor=personas.alice, note=noise, reason="Dup")
        assert recent.counts
        assert unworked_objectives_for_plan(personas.alice, dp.plan) == []

    def test_goals_no_longer_active_are_left_out(self, personas):
        dp = dana_plan(personas)
        for days_ago in (3, 2, 1):
            write_note(personas, days_ago=days_ago)
        plans.goal_update(actor=personas.alice, goal=dp.goal, status="met")
        assert unworked_objectives_for_plan(personas.alice, dp.plan) == []

    def test_work_on_the_objective_in_an_earlier_version_counts(self, personas):
        dp = dana_plan(personas)
        # Version 1 in force: the objective is worked on.
        write_note(personas, days_ago=20, objectives=[(dp.objective, "progressing", "")])
        v2, copy, new = amend_by_hand(personas, dp)
        # Version 2 in force: two sessions work only on the new objective.
        write_note(personas, days_ago=10, objectives=[(new, "progressing", "")])
        write_note(personas, days_ago=5, objectives=[(new, "progressing", "")])
        assert unworked_objectives_for_plan(personas.alice, v2) == []
        [item] = unworked_objectives_for_plan(personas.alice, v2, sessions=2)
        # Without the origin chain the copy would look never worked on (3 sessions, None).
        assert (item.objective, item.sessions_since, item.last_cited_on) == (copy, 2, _day(20))

    def test_work_on_a_later_copy_counts_for_the_earlier_version(self, personas):
        dp = dana_plan(personas)
        write_note(personas, days_ago=20)
        write_note(personas, days_ago=15)
        _, copy, _ = amend_by_hand(personas, dp)
        write_note(personas, days_ago=5, objectives=[(copy, "met", "")])
        assert unworked_objectives_for_plan(personas.alice, dp.plan) == []

    def test_an_objective_added_in_a_later_version_has_no_earlier_work(self, personas):
        dp = dana_plan(personas)
        for days_ago in (30, 20, 10):
            write_note(personas, days_ago=days_ago, objectives=[(dp.objective, "met", "")])
        v2, _, new = amend_by_hand(personas, dp)
        [item] = unworked_objectives_for_plan(personas.alice, v2)
        assert (item.objective, item.sessions_since, item.last_cited_on) == (new, 3, None)

    def test_a_window_below_one_is_a_programming_error(self, personas):
        dp = dana_plan(personas)
        with pytest.raises(ValueError, match="at least 1"):
            unworked_objectives_for_plan(personas.alice, dp.plan, sessions=0)

    def test_the_number_of_queries_does_not_grow_with_the_notes(self, personas):
        dp = dana_plan(personas)
        v2, copy, new = amend_by_hand(personas, dp)

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                unworked_objectives_for_plan(personas.alice, v2)
            return len(queries)

        for days_ago in range(3):
            write_note(personas, days_ago=days_ago * 7, objectives=[(new, "met", "")])
        with_3 = count_queries()
        for days_ago in range(3, 30):
            write_note(
                personas,
                days_ago=days_ago * 7,
                objectives=[(new, "met", ""), (copy, "progressing", "")],
            )
        with_30 = count_queries()
        assert with_3 == with_30
