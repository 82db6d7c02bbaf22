"""notes/services.py: writing a session note and marking one entered in error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_verify
from milepost.clients import services as clients
from milepost.notes import services
from milepost.notes.models import NoteObjective, SessionNote
from milepost.plans import services as plans
from milepost.plans.models import Goal, GoalStatus, Objective, PlanStatus, TreatmentPlan
from milepost.plans.selectors import plan_in_force
from tests.base import dana_plan
from tests.notes.conftest import amend_by_hand, write_note

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _counts() -> tuple[int, int, int]:
    return (SessionNote.objects.count(), NoteObjective.objects.count(), AuditEvent.objects.count())


def _refused(call, field: str) -> str:
    """`call` raises ValidationError naming `field`, and nothing at all is saved."""
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.error_dict, caught.value.error_dict
    message = str(caught.value.error_dict[field][0].message)
    assert message.strip()
    assert _counts() == before
    return message


class NoteCreateTests:
    def test_it_records_the_session_cites_objectives_and_audits(self, personas):
        dp = dana_plan(personas)
        note = write_note(personas, objectives=[(dp.objective, "progressing", "  Walked twice  ")])
        assert note.plan == dp.plan
        assert note.clinician == personas.alice
        assert note.organization == personas.org
        assert note.minutes == 50
        cited = note.objectives.get()
        assert (cited.objective, cited.progress, cited.comment) == (
            dp.objective,
            "progressing",
            "Walked twice",
        )
        assert cited.statement == dp.objective.statement
        event = AuditEvent.objects.get(action="session_note.create")
        assert event.object_id == note.public_id
        assert event.client == personas.dana_client
        assert event.detail == {
            "plan": dp.plan.public_id,
            "objectives": [dp.objective.public_id],
        }
        assert audit_verify().ok

    @pytest.mark.parametrize("who", ["bob", "sam"])
    def test_the_care_team_and_its_supervisor_may_write(self, personas, who):
        note = write_note(personas, actor=getattr(personas, who))
        assert note.clinician == getattr(personas, who)

    @pytest.mark.parametrize("who", ["frank", "charlie", "erin", "dana"])
    def test_outsiders_are_refused_and_nothing_is_saved(self, personas, who):
        dp = dana_plan(personas)
        before = _counts()
        with pytest.raises(PermissionDenied):
            write_note(
                personas,
                actor=getattr(personas, who),
                objectives=[(dp.objective, "progressing", "")],
            )
        assert _counts() == before

    def test_a_client_without_a_plan_gets_a_note_that_cites_nothing(self, personas):
        note = write_note(personas)
        assert note.plan is None
        assert not note.objectives.exists()

    def test_without_a_plan_no_objective_can_be_cited(self, personas):
        other = clients.client_create(
            actor=personas.alice,
            given_name="Eli",
            family_name="Nolan",
            date_of_birth=dt.date(1970, 1, 1),
        )
        dp = dana_plan(personas)
        message = _refused(
            lambda: write_note(
                personas, client=other, objectives=[(dp.objective, "progressing", "")]
            ),
            "objectives",
        )
        assert "no treatment plan" in message


class NoteDateTests:
    def test_today_and_tomorrow_are_accepted(self, personas):
        write_note(personas, held_on=TODAY())
        # A device clock a little fast still counts as today.
        write_note(personas, held_on=TODAY() + dt.timedelta(days=1))

    def test_the_day_after_tomorrow_is_refused(self, personas):
        message = _refused(
            lambda: write_note(personas, held_on=TODAY() + dt.timedelta(days=2)), "held_on"
        )
        assert "future" in message

    def test_the_date_of_birth_is_accepted_and_the_day_before_refused(self, personas):
        born = personas.dana_client.date_of_birth
        write_note(personas, held_on=born)
        message = _refused(
            lambda: write_note(personas, held_on=born - dt.timedelta(days=1)), "held_on"
        )
        assert "date of birth" in message

    @pytest.mark.parametrize("value", [None, "2025-01-01", dt.datetime(2025, 1, 1, 10)])
    def test_something_not_a_date_is_refused(self, personas, value):
        _refused(lambda: write_note(personas, held_on=value), "held_on")


class NoteTimeTests:
    def test_a_session_of_exactly_8_hours_is_accepted(self, personas):
        note = write_note(personas, started_at=dt.time(9, 0), ended_at=dt.time(17, 0))
        assert note.minutes == 480

    def test_a_session_longer_than_8_hours_is_refused(self, personas):
        message = _refused(
            lambda: write_note(personas, started_at=dt.time(9, 0), ended_at=dt.time(17, 1)),
            "ended_at",
        )
        assert "8 hours" in message
        assert "8 h 1 min" in message

    @pytest.mark.parametrize("ended", [dt.time(10, 0), dt.time(9, 59)])
    def test_an_end_not_after_the_start_is_refused(self, personas, ended):
        message = _refused(
            lambda: write_note(personas, started_at=dt.time(10, 0), ended_at=ended), "ended_at"
        )
        assert "end after it starts" in message

    def test_a_one_minute_session_is_accepted(self, personas):
        write_note(personas, started_at=dt.time(10, 0), ended_at=dt.time(10, 1))

    @pytest.mark.parametrize("field", ["started_at", "ended_at"])
    @pytest.mark.parametrize("value", [None, "10:00", dt.time(10, 0, tzinfo=dt.UTC)])
    def test_something_not_a_time_is_refused(self, personas, field, value):
        _refused(lambda: write_note(personas, **{field: value}), field)


class NoteKindTests:
    @pytest.mark.parametrize("value", ["individual", "group", "family"])
    def test_each_type_is_accepted(self, personas, value):
        assert write_note(personas, type=value).type == value

    @pytest.mark.parametrize("value", ["", "couple", None])
    def test_an_unknown_type_is_refused(self, personas, value):
        _refused(lambda: write_note(personas, type=value), "type")

    @pytest.mark.parametrize("value", ["in_person", "telehealth_video", "telehealth_phone"])
    def test_each_setting_is_accepted(self, personas, value):
        assert write_note(personas, setting=value).setting == value

    @pytest.mark.parametrize("value", ["", "telehealth", "home"])
    def test_an_unknown_setting_is_refused(self, personas, value):
        _refused(lambda: write_note(personas, setting=value), "setting")


class NoteNarrativeTests:
    def test_the_narrative_is_optional_and_stripped(self, personas):
        assert write_note(personas, narrative="").narrative == ""
        assert write_note(personas, narrative="  Went well \n").narrative == "Went well"

    def test_a_narrative_at_the_limit_is_accepted(self, personas):
        write_note(personas, narrative="x" * services.NARRATIVE_MAX)

    @pytest.mark.parametrize("value", ["x" * (services.NARRATIVE_MAX + 1), "a\x00b", None])
    def test_an_unusable_narrative_is_refused(self, personas, value):
        _refused(lambda: write_note(personas, narrative=value), "narrative")


class NoteObjectiveTests:
    @pytest.mark.parametrize("word", ["progressing", "maintained", "no_change", "regressed", "met"])
    def test_each_progress_word_is_accepted(self, personas, word):
        dp = dana_plan(personas)
        note = write_note(personas, objectives=[(dp.objective, word, "")])
        assert note.objectives.get().progress == word

    @pytest.mark.parametrize("word", ["", "better", "Progressing", None])
    def test_an_unknown_progress_word_is_refused_on_its_objective(self, personas, word):
        dp = dana_plan(personas)
        field = f"progress_{dp.objective.public_id}"
        message = _refused(
            lambda: write_note(personas, objectives=[(dp.objective, word, "")]), field
        )
        assert "objective 1.1" in message

    def test_a_comment_at_the_limit_is_accepted_and_one_longer_refused(self, personas):
        dp = dana_plan(personas)
        write_note(personas, objectives=[(dp.objective, "met", "x" * services.COMMENT_MAX)])
        _refused(
            lambda: write_note(
                personas, objectives=[(dp.objective, "met", "x" * (services.COMMENT_MAX + 1))]
            ),
            f"comment_{dp.objective.public_id}",
        )

    def test_an_objective_cited_twice_is_refused(self, personas):
        dp = dana_plan(personas)
        message = _refused(
            lambda: write_note(
                personas,
                objectives=[(dp.objective, "met", ""), (dp.objective, "progressing", "")],
            ),
            "objectives",
        )
        assert "twice" in message

    def test_an_objective_of_another_clients_plan_is_refused(self, personas):
        dana_plan(personas)
        chris_plan = plans.plan_create_draft(actor=personas.charlie, client=personas.chris_client)
        goal = plans.goal_add(actor=personas.charlie, plan=chris_plan, statement="Sleep better")
        theirs = plans.objective_add(actor=personas.charlie, goal=goal, statement="Bed by 11")
        message = _refused(
            lambda: write_note(personas, objectives=[(theirs, "met", "")]),
            f"objective_{theirs.public_id}",
        )
        assert "plan in force" in message

    @pytest.mark.parametrize(
        "status", [GoalStatus.MET, GoalStatus.DISCONTINUED, GoalStatus.REVISED]
    )
    def test_an_objective_of_a_goal_no_longer_active_is_refused(self, personas, status):
        dp = dana_plan(personas)
        Goal.objects.filter(pk=dp.goal.pk).update(status=status)
        _refused(
            lambda: write_note(personas, objectives=[(dp.objective, "met", "")]),
            f"objective_{dp.objective.public_id}",
        )

    def test_an_objective_of_a_superseded_version_is_refused(self, personas):
        dp = dana_plan(personas)
        v2, copy, _ = amend_by_hand(personas, dp)
        _refused(
            lambda: write_note(personas, objectives=[(dp.objective, "met", "")]),
            f"objective_{dp.objective.public_id}",
        )
        note = write_note(personas, objectives=[(copy, "met", "")])
        assert note.plan == v2

    def test_something_not_an_objective_is_refused(self, personas):
        dana_plan(personas)
        _refused(lambda: write_note(personas, objectives=[("1.1", "met", "")]), "objectives")

    def test_the_note_keeps_the_wording_it_was_written_with(self, personas):
        dp = dana_plan(personas)
        note = write_note(personas, objectives=[(dp.objective, "met", "")])
        plans.objective_update(actor=personas.alice, objective=dp.objective, statement="Reworded")
        assert note.objectives.get().statement == "Do 5 pleasurable activities a week by week 8"


class PlanInForceTests:
    def test_the_draft_is_in_force_while_nothing_is_signed(self, personas):
        dp = dana_plan(personas)
        assert plan_in_force(personas.dana_client) == dp.plan

    def test_the_newest_signed_version_wins_over_a_newer_draft(self, personas):
        dp = dana_plan(personas)
        v2, _, _ = amend_by_hand(personas, dp)
        TreatmentPlan.objects.create(
            organization=personas.org,
            client=personas.dana_client,
            version=3,
            previous_version=v2,
            created_by=personas.alice,
        )
        assert plan_in_force(personas.dana_client) == v2

    def test_a_closed_plan_is_not_in_force(self, personas):
        dp = dana_plan(personas)
        TreatmentPlan.objects.filter(pk=dp.plan.pk).update(
            status=PlanStatus.CLOSED, signed_at=timezone.now(), content_hash="0" * 64
        )
        assert plan_in_force(personas.dana_client) is None
        assert write_note(personas).plan is None


class EnteredInErrorTests:
    def test_it_marks_the_note_keeps_it_and_audits(self, personas):
        note = write_note(personas)
        marked = services.note_mark_entered_in_error(
            actor=personas.bob, note=note, reason="  Wrong client  "
        )
        assert marked.entered_in_error_at is not None
        assert marked.entered_in_error_reason == "Wrong client"
        assert not marked.counts
        assert SessionNote.objects.filter(pk=note.pk).exists()
        event = AuditEvent.objects.get(action="session_note.entered_in_error")
        assert (event.object_id, event.actor) == (note.public_id, personas.bob)

    @pytest.mark.parametrize("reason", ["", "   ", "x" * (services.REASON_MAX + 1), "a\x00"])
    def test_an_unusable_reason_is_refused(self, personas, reason):
        note = write_note(personas)
        _refused(
            lambda: services.note_mark_entered_in_error(
                actor=personas.alice, note=note, reason=reason
            ),
            "reason",
        )
        note.refresh_from_db()
        assert note.counts

    def test_a_note_is_marked_only_once(self, personas):
        note = write_note(personas)
        services.note_mark_entered_in_error(actor=personas.alice, note=note, reason="Typo")
        message = _refused(
            lambda: services.note_mark_entered_in_error(
                actor=personas.alice, note=note, reason="Again"
            ),
            "reason",
        )
        assert "already" in message

    @pytest.mark.parametrize("who", ["frank", "charlie", "erin", "dana"])
    def test_outsiders_are_refused(self, personas, who):
        note = write_note(personas)
        with pytest.raises(PermissionDenied):
            services.note_mark_entered_in_error(
                actor=getattr(personas, who), note=note, reason="Not mine"
            )
        note.refresh_from_db()
        assert note.counts


class DatabaseConstraintTests:
    """What the database itself refuses, whatever code writes the rows."""

    def _row(self, personas, **changes):
        values = {
            "organization": personas.org,
            "client": personas.dana_client,
            "clinician": personas.alice,
            "held_on": TODAY(),
            "started_at": dt.time(10, 0),
            "ended_at": dt.time(10, 50),
            "type": "individual",
            "setting": "in_person",
            **changes,
        }
        with transaction.atomic():
            return SessionNote.objects.create(**values)

    @pytest.mark.parametrize(
        "changes",
        [
            {"ended_at": dt.time(9, 0)},
            {"ended_at": dt.time(10, 0)},
            {"type": "couple"},
            {"setting": "home"},
            {"entered_in_error_at": timezone.now()},
            {"entered_in_error_reason": "A reason without the mark"},
        ],
    )
    def test_inconsistent_rows_are_refused(self, personas, changes):
        with pytest.raises(IntegrityError):
            self._row(personas, **changes)

    def test_an_objective_is_cited_once_per_note_and_with_a_known_word(self, personas):
        dp = dana_plan(personas)
        note = self._row(personas)
        NoteObjective.objects.create(note=note, objective=dp.objective, progress="met")
        with pytest.raises(IntegrityError), transaction.atomic():
            NoteObjective.objects.create(note=note, objective=dp.objective, progress="met")
        other = self._row(personas)
        with pytest.raises(IntegrityError), transaction.atomic():
            NoteObjective.objects.create(note=other, objective=dp.objective, progress="better")

    def test_a_cited_objective_cannot_be_deleted(self, personas):
        dp = dana_plan(personas)
        write_note(personas, objectives=[(dp.objective, "met", "")])
        with pytest.raises(ProtectedError), transaction.atomic():
            Objective.objects.filter(pk=dp.objective.pk).delete()
