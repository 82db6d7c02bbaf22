"""The assistant's page: draft, accept (as drafted or edited), reject; provenance in the
plan and the audit trail; nothing saved before acceptance; never into a signed version."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from milepost.audit.models import AuditEvent
from milepost.drafting.models import DraftedItem
from milepost.plans import services as plans
from milepost.plans.models import FormulationFactor, Goal, Intervention, Objective, Target
from tests.plans.conftest import sign

pytestmark = pytest.mark.django_db

INTAKE = {
    "presenting_problem": (
        "Low mood since being made redundant in March. Has stopped seeing friends and stays "
        "in bed about 4 hours during the day. Does only 1 pleasurable activity a week. "
        "Thinks she is useless."
    ),
    "client_words": "I just want to get out of bed and enjoy things again.",
}


@pytest.fixture
def plan(personas):
    return plans.plan_create_draft(actor=personas.alice, client=personas.dana_client)


def _url(p, plan):
    return reverse("drafting:assistant", args=[p.dana_client.public_id, plan.public_id])


def _post(http, p, plan, do, **extra):
    return http.post(_url(p, plan), {**INTAKE, "do": do, **extra})


def _counts():
    return (
        FormulationFactor.objects.count(),
        Goal.objects.count(),
        Objective.objects.count(),
        Intervention.objects.count(),
    )


def test_the_plan_editor_links_to_the_assistant(personas, login_as, plan):
    http = login_as(personas.alice)
    page = http.get(reverse("plans:editor", args=[personas.dana_client.public_id, plan.public_id]))
    assert b"Draft with the assistant" in page.content


def test_drafting_shows_items_with_sources_and_saves_nothing(personas, login_as, plan):
    http = login_as(personas.alice)
    before = _counts()
    page = _post(http, personas, plan, "draft")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Withdrawal from activities and people" in body
    assert "Behavioural activation" in body
    assert "Where this came from" in body
    assert 'data-risk="silent"' in body
    # Targets read as a clinician writes them, and the SMART summary is a row of chips.
    assert re.search(r"Target: PHQ-9 from \d+ ≤ \d+", body)
    assert not re.search(r"Target: [^<]*&lt;=", body)
    assert 'class="mp-criteria mp-draft-smart"' in body
    assert _counts() == before
    assert not DraftedItem.objects.exists()


def test_accepting_writes_through_the_services_with_provenance(personas, login_as, plan):
    http = login_as(personas.alice)
    _post(http, personas, plan, "accept f1")  # withdrawal, a maintaining factor
    page = _post(
        http,
        personas,
        plan,
        "accept g1",
        **{"g1-statement": "Reduce PHQ-9 to 9 or below within 16 weeks."},
    )
    assert page.status_code == 200
    goal = Goal.objects.get(plan=plan)
    assert goal.statement == "Reduce PHQ-9 to 9 or below within 16 weeks."  # the edit
    assert goal.client_words == INTAKE["client_words"]
    assert list(goal.factors.values_list("text", flat=True)) == [
        "Withdrawal from activities and people"
    ]
    row = DraftedItem.objects.get(object_id=goal.public_id)
    assert row.edited_fields == ["statement"]
    assert row.description == "Drafted by the assistant from the intake, edited by Alice Example"
    event = AuditEvent.objects.filter(action="assistant.accept", object_id=goal.public_id).get()
    assert event.detail["draft_item"] == "g1"
    assert "PHQ" not in str(event.detail)  # no words of the item in the audit trail
    editor = http.get(
        reverse("plans:editor", args=[personas.dana_client.public_id, plan.public_id])
    )
    assert b"Drafted by the assistant from the intake, edited by Alice Example" in editor.content


def test_an_objective_needs_its_goal_first_then_binds_its_target(personas, login_as, plan):
    http = login_as(personas.alice)
    page = _post(http, personas, plan, "accept g1.o1")
    assert b"Accept goal g1 first." in page.content
    assert not Objective.objects.exists()
    _post(http, personas, plan, "accept g1")
    _post(http, personas, plan, "accept g1.o1")
    objective = Objective.objects.get()
    target = Target.objects.get(objective=objective)
    assert (target.baseline, target.target_value, target.comparator) == (1, 5, ">=")
    assert target.confirmed is False
    _post(http, personas, plan, "accept g1.o1.i1")
    intervention = Intervention.objects.get()
    assert intervention.modality == "Behavioural activation"
    assert intervention.responsible == personas.alice


def test_the_goal_target_is_the_phq9_rule_when_a_score_is_on_record(personas, login_as, plan):
    from milepost.measures import services as measures

    measures.administration_submit(
        actor=personas.alice,
        client=personas.dana_client,
        instrument_code="phq9",
        answers=[2, 2, 2, 2, 2, 2, 2, 2, 2],
    )
    http = login_as(personas.alice)
    _post(http, personas, plan, "accept g1")
    target = Target.objects.get(goal__plan=plan)
    assert (target.instrument_code, target.baseline, target.target_value) == ("phq9", 18, 9)


def test_the_latest_score_on_record_is_the_baseline(personas, login_as, plan):
    from milepost.measures import services as measures

    for answers in ([2] * 9, [2, 2, 2, 2, 2, 2, 1, 1, 0]):  # 18, then 14
        measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            answers=answers,
        )
    http = login_as(personas.alice)
    _post(http, personas, plan, "accept g1")
    target = Target.objects.get(goal__plan=plan)
    assert (target.baseline, target.target_value) == (14, 8)


def test_accepting_twice_is_refused(personas, login_as, plan):
    http = login_as(personas.alice)
    _post(http, personas, plan, "accept f1")
    page = _post(http, personas, plan, "accept f1")
    assert b"already in the plan" in page.content
    assert FormulationFactor.objects.count() == 1


def test_rejecting_writes_nothing_but_is_audited(personas, login_as, plan):
    http = login_as(personas.alice)
    before = _counts()
    page = _post(http, personas, plan, "reject g1")
    assert b'data-state="rejected"' in page.content
    assert _counts() == before
    assert AuditEvent.objects.filter(action="assistant.reject").count() == 1


def test_an_empty_intake_gets_a_clear_message(personas, login_as, plan):
    http = login_as(personas.alice)
    page = http.post(
        _url(personas, plan), {"presenting_problem": "", "client_words": "", "do": "draft"}
    )
    assert page.status_code == 400
    assert b"the intake is empty" in page.content


def test_an_unknown_item_gets_a_clear_message(personas, login_as, plan):
    http = login_as(personas.alice)
    page = _post(http, personas, plan, "accept g9.o9")
    assert b"This item is not in the draft" in page.content


def test_a_signed_version_is_never_written(personas, login_as, plan):
    sign(plan)
    http = login_as(personas.alice)
    before = _counts()
    page = _post(http, personas, plan, "accept f1")
    assert page.status_code == 302
    assert _counts() == before
    assert not DraftedItem.objects.exists()


def test_another_practice_cannot_open_the_assistant(personas, login_as, plan):
    http = login_as(personas.charlie)
    assert http.get(_url(personas, plan)).status_code == 404


def test_the_chosen_modality_is_drafted(personas, login_as, plan):
    http = login_as(personas.alice)
    page = http.post(
        _url(personas, plan),
        {
            "presenting_problem": "Flashbacks of the assault every day. Nightmares.",
            "client_words": "",
            "modality": "emdr",
            "do": "draft",
        },
    )
    assert page.status_code == 200
    assert b'value="Eye movement desensitisation and reprocessing (EMDR)"' in page.content
    assert b'value="Prolonged exposure"' not in page.content


def test_provenance_follows_the_item_into_an_amended_version(personas, login_as, plan):
    from milepost.plans import versions
    from tests.base import PASSWORD

    http = login_as(personas.alice)
    _post(http, personas, plan, "accept g1")
    versions.plan_sign(
        actor=personas.alice, plan=plan, password=PASSWORD, override_reason="A test of history"
    )
    plan.refresh_from_db()
    amended = versions.plan_amend(actor=personas.alice, plan=plan, reason="New goal wording")
    editor = http.get(
        reverse("plans:editor", args=[personas.dana_client.public_id, amended.public_id])
    )
    assert b"Drafted by the assistant from the intake, accepted by Alice Example" in editor.content
