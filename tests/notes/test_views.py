"""The session notes pages, through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.notes import services
from milepost.notes.models import SessionNote
from milepost.plans import services as plans
from tests.base import dana_plan
from tests.notes.conftest import write_note
from tests.test_hostile_input import HOSTILE

pytestmark = pytest.mark.django_db


def _list_url(p) -> str:
    return reverse("notes:list", args=[p.dana_client.public_id])


def _new_url(p) -> str:
    return reverse("notes:new", args=[p.dana_client.public_id])


def _detail_url(p, note) -> str:
    return reverse("notes:detail", args=[p.dana_client.public_id, note.public_id])


def _form(dp, **changes) -> dict[str, str]:
    pid = dp.objective.public_id
    data = {
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "started_at": "14:00",
        "ended_at": "14:50",
        "type": "individual",
        "setting": "telehealth_video",
        "narrative": "Scheduled a walk with her sister",
        f"objective_{pid}": "on",
        f"progress_{pid}": "progressing",
        f"comment_{pid}": "Two walks this week",
        "plan": dp.plan.public_id,  # the version whose objectives the page showed
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class NoteListTests:
    def test_it_lists_the_sessions_with_their_thread(self, personas, login_as):
        dp = dana_plan(personas)
        write_note(
            personas,
            days_ago=3,
            setting="telehealth_phone",
            objectives=[(dp.objective, "regressed", "")],
        )
        mistaken = write_note(personas, days_ago=2, actor=personas.bob)
        services.note_mark_entered_in_error(actor=personas.bob, note=mistaken, reason="Dup")
        response = login_as(personas.alice).get(_list_url(personas))
        assert response.status_code == 200
        body = response.content.decode()
        day = timezone.localdate() - dt.timedelta(days=3)
        assert f"{day.day} {day:%b %Y}" in body
        assert "10:00–10:50" in body
        assert "Individual · Telehealth (phone)" in body
        assert "<strong>1.1</strong> Regressed" in body
        assert "Alice Example" in body
        assert 'class="mp-struck"' in body
        assert body.count('class="mp-struck"') == 1
        assert "Entered in error" in body

    def test_the_unworked_box_names_the_objective_left_out(self, personas, login_as):
        dp = dana_plan(personas)
        for days_ago in (3, 2, 1):
            write_note(personas, days_ago=days_ago)
        body = login_as(personas.alice).get(_list_url(personas)).content.decode()
        assert "Objectives not worked on in the last 3 sessions" in body
        assert dp.objective.statement in body
        assert "not worked on in any of the 3 sessions" in body

    def test_the_unworked_box_says_none_when_every_objective_was_worked_on(
        self, personas, login_as
    ):
        dp = dana_plan(personas)
        write_note(personas, objectives=[(dp.objective, "met", "")])
        body = login_as(personas.alice).get(_list_url(personas)).content.decode()
        assert "None: every objective of plan version 1" in body

    def test_a_client_without_a_plan_has_no_unworked_box(self, personas, login_as):
        response = login_as(personas.alice).get(_list_url(personas))
        assert response.status_code == 200
        assert b"No session notes yet" in response.content
        assert b"Objectives not worked on" not in response.content

    def test_the_client_page_links_to_the_notes(self, personas, login_as):
        url = reverse("clients:detail", args=[personas.dana_client.public_id])
        body = login_as(personas.alice).get(url).content.decode()
        assert f'href="{_list_url(personas)}"' in body


class NoteNewTests:
    def test_the_form_lists_the_objectives_of_the_plan_in_force(self, personas, login_as):
        dp = dana_plan(personas)
        body = login_as(personas.alice).get(_new_url(personas)).content.decode()
        pid = dp.objective.public_id
        assert f'name="objective_{pid}"' in body
        assert f'name="progress_{pid}"' in body
        assert f'name="comment_{pid}"' in body
        assert dp.objective.statement in body
        assert "From version 1 of the treatment plan (draft)" in body

    def test_without_a_plan_the_form_says_so(self, personas, login_as):
        body = login_as(personas.alice).get(_new_url(personas)).content.decode()
        assert "has no treatment plan yet" in body

    def test_a_good_note_is_saved_and_shown(self, personas, login_as):
        dp = dana_plan(personas)
        http = login_as(personas.alice)
        response = http.post(_new_url(personas), _form(dp))
        note = SessionNote.objects.get()
        assert response["Location"] == _detail_url(personas, note)
        assert (note.started_at, note.ended_at) == (dt.time(14), dt.time(14, 50))
        cited = note.objectives.get()
        assert (cited.objective, cited.progress, cited.comment) == (
            dp.objective,
            "progressing",
            "Two walks this week",
        )
        body = http.get(response["Location"]).content.decode()
        assert "Session note saved." in body
        assert "Scheduled a walk with her sister" in body
        assert "14:00–14:50 (50 min)" in body
        assert "Progressing" in body
        assert "Two walks this week" in body

    def test_an_end_before_the_start_keeps_what_was_typed(self, personas, login_as):
        dp = dana_plan(personas)
        response = login_as(personas.alice).post(_new_url(personas), _form(dp, ended_at="13:30"))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'href="#id_ended_at">Ended at: The session must end after it starts' in body
        pid = dp.objective.public_id
        assert 'value="14:00"' in body
        assert 'value="13:30"' in body
        assert "Scheduled a walk with her sister" in body
        assert 'value="Two walks this week"' in body
        assert f'name="objective_{pid}" id="id_objective_{pid}" checked' in body
        assert '<option value="progressing" selected>' in body
        assert 'value="telehealth_video" required id="id_setting_1" checked' in body
        assert not SessionNote.objects.exists()

    def test_a_ticked_objective_without_progress_names_its_field(self, personas, login_as):
        dp = dana_plan(personas)
        pid = dp.objective.public_id
        response = login_as(personas.alice).post(
            _new_url(personas), _form(dp, **{f"progress_{pid}": ""})
        )
        body = response.content.decode()
        assert f'href="#id_progress_{pid}">Progress on 1.1: Choose how objective 1.1 went' in body
        assert f'name="objective_{pid}" id="id_objective_{pid}" checked' in body
        assert not SessionNote.objects.exists()

    def test_progress_without_the_tick_names_the_objective(self, personas, login_as):
        dp = dana_plan(personas)
        pid = dp.objective.public_id
        response = login_as(personas.alice).post(
            _new_url(personas), _form(dp, **{f"objective_{pid}": None})
        )
        body = response.content.decode()
        assert f'href="#id_objective_{pid}">Objective 1.1: Tick objective 1.1' in body
        assert not SessionNote.objects.exists()

    def test_a_future_date_names_the_field(self, personas, login_as):
        dp = dana_plan(personas)
        future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
        body = (
            login_as(personas.alice)
            .post(_new_url(personas), _form(dp, held_on=future))
            .content.decode()
        )
        assert 'href="#id_held_on">Date of the session: The session date cannot be' in body
        assert f'value="{future}"' in body

    def test_an_unknown_type_links_to_its_first_choice(self, personas, login_as):
        dp = dana_plan(personas)
        body = (
            login_as(personas.alice)
            .post(_new_url(personas), _form(dp, type="couple"))
            .content.decode()
        )
        assert 'href="#id_type_0">Type:' in body

    def test_hostile_values_in_the_objective_fields_fail_safely(self, personas, login_as):
        dp = dana_plan(personas)
        pid = dp.objective.public_id
        http = login_as(personas.alice)
        for value in HOSTILE:
            data = _form(
                dp,
                **{f"objective_{pid}": value, f"progress_{pid}": value, f"comment_{pid}": value},
            )
            response = http.post(_new_url(personas), data)
            assert response.status_code in (200, 302)
            assert b"<script>alert(1)</script>" not in response.content


class NoteDetailTests:
    def test_it_shows_the_note(self, personas, login_as):
        dp = dana_plan(personas)
        note = write_note(personas, objectives=[(dp.objective, "no_change", "Tired")])
        body = login_as(personas.sam).get(_detail_url(personas, note)).content.decode()
        assert "Planned activities for the week." in body
        assert "No change" in body
        assert "Tired" in body
        assert "Version 1" in body
        assert "Mark as entered in error" in body

    def test_another_clients_note_is_not_found(self, personas, login_as):
        note = write_note(personas)
        url = reverse("notes:detail", args=[personas.chris_client.public_id, note.public_id])
        assert login_as(personas.charlie).get(url).status_code == 404
        assert login_as(personas.frank).get(_detail_url(personas, note)).status_code == 404


class EnteredInErrorViewTests:
    def _url(self, p, note) -> str:
        return reverse("notes:entered_in_error", args=[p.dana_client.public_id, note.public_id])

    def test_it_marks_the_note_and_says_so(self, personas, login_as):
        note = write_note(personas)
        http = login_as(personas.alice)
        response = http.post(self._url(personas, note), {"reason": "Wrong client"}, follow=True)
        body = response.content.decode()
        assert "Marked as entered in error" in body
        assert "Entered in error</strong>" in body
        assert "Wrong client" in body
        assert "Mark as entered in error</summary>" not in body
        note.refresh_from_db()
        assert not note.counts

    def test_without_a_reason_nothing_changes(self, personas, login_as):
        note = write_note(personas)
        response = login_as(personas.alice).post(
            self._url(personas, note), {"reason": ""}, follow=True
        )
        assert b"say why this note is a mistake" in response.content
        note.refresh_from_db()
        assert note.counts

    def test_twice_says_it_already_is(self, personas, login_as):
        note = write_note(personas)
        http = login_as(personas.alice)
        http.post(self._url(personas, note), {"reason": "Typo"})
        response = http.post(self._url(personas, note), {"reason": "Typo"}, follow=True)
        assert b"already marked" in response.content

    def test_an_outsider_gets_404_and_nothing_changes(self, personas, login_as):
        note = write_note(personas)
        response = login_as(personas.frank).post(self._url(personas, note), {"reason": "x"})
        assert response.status_code == 404
        note.refresh_from_db()
        assert note.counts


def test_a_reworded_draft_objective_leaves_the_note_as_written(personas, login_as):
    dp = dana_plan(personas)
    note = write_note(personas, objectives=[(dp.objective, "met", "")])
    plans.objective_update(actor=personas.alice, objective=dp.objective, statement="New words")
    body = login_as(personas.alice).get(_detail_url(personas, note)).content.decode()
    assert dp.objective.statement in body
    assert "New words" not in body


class PlanChangedMeanwhileTests:
    def test_ticks_for_a_version_no_longer_in_force_are_not_lost_silently(self, personas, login_as):
        from milepost.notes.models import SessionNote
        from tests.plans.test_versions import signed

        dp = signed(personas)  # version 1 signed: its objectives are on the form
        from milepost.plans import versions
        from tests.base import PASSWORD

        data = _form(dp)
        draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="New step")
        versions.plan_sign(actor=personas.alice, plan=draft, password=PASSWORD)
        response = login_as(personas.alice).post(_new_url(personas), data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Another version of the plan came into force" in body
        assert "Scheduled a walk with her sister" in body  # the narrative is kept
        assert not SessionNote.objects.exists()
