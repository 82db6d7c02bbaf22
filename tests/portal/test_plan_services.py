"""The portal's plan-side services: the endorsement bound to one version, the log's
roll-up into the values the clinician's progress reads, goals kept out of the portal,
proposals and the journal. Each write is audited; a client acts only on their own record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.plans import services as plans
from milepost.plans import versions
from milepost.plans.models import (
    Observation,
    ObservationSource,
    PlanStatus,
    Signature,
    SignatureMethod,
    SignatureRole,
    TreatmentPlan,
)
from milepost.plans.views.progress import plan_progress_for
from milepost.portal import access, services
from milepost.portal.models import LogEntry, ProposalStatus
from milepost.portal.selectors import hidden_goal_ids, period_start
from tests.base import PASSWORD, dana_plan
from tests.portal_fixtures import dana_portal, dana_proposal, make_signed_plan, other_portal_client

pytestmark = pytest.mark.django_db


def _endorse(p, plan, **overrides):
    values = {"typed_name": "Dana Quillfeather", "has_read": True, "password": PASSWORD}
    return versions.plan_endorse_in_portal(actor=p.dana, plan=plan, **{**values, **overrides})


# --------------------------------------------------------------------------- endorsement


def test_the_endorsement_is_bound_to_the_exact_version(personas):
    portal = dana_portal(personas)
    signature = _endorse(personas, portal.plan)
    assert signature.role == SignatureRole.CLIENT
    assert signature.method == SignatureMethod.PORTAL
    assert signature.content_hash == portal.plan.content_hash != ""
    assert signature.signer == personas.dana
    assert signature.witness is None
    assert abs(signature.signed_at - timezone.now()) < dt.timedelta(minutes=1)
    event = AuditEvent.objects.filter(action="plan.endorse").latest("id")
    assert event.actor == personas.dana
    assert event.detail["method"] == "portal"


def test_a_later_version_needs_a_new_endorsement(personas, login_as):
    portal = dana_portal(personas)
    _endorse(personas, portal.plan)
    draft = versions.plan_amend(actor=personas.alice, plan=portal.plan, reason="Add sleep")
    plans.goal_add(actor=personas.alice, plan=draft, statement="Sleep 7 hours a night by week 6")
    versions.plan_sign(actor=personas.alice, plan=draft, password=PASSWORD, override_reason="x")
    shown = access.portal_plan_for(personas.dana, personas.dana_client)
    assert shown is not None
    assert shown.plan.pk == draft.pk
    assert shown.needs_endorsement
    page = login_as(personas.dana).get(reverse("portal:endorse")).content.decode()
    assert f"Endorse version {draft.version}" in page
    second = _endorse(personas, shown.plan)
    assert second.plan_id == draft.pk
    assert second.content_hash != portal.plan.content_hash
    # The first endorsement stays with the first version, untouched.
    assert Signature.objects.filter(role=SignatureRole.CLIENT).count() == 2


def test_a_version_cannot_be_endorsed_twice(personas):
    portal = dana_portal(personas)
    _endorse(personas, portal.plan)
    with pytest.raises(ValidationError) as caught:
        _endorse(personas, portal.plan)
    assert "plan" in caught.value.message_dict


def test_a_draft_cannot_be_endorsed(personas):
    draft = dana_plan(personas).plan
    with pytest.raises(ValidationError) as caught:
        _endorse(personas, draft)
    assert "plan" in caught.value.message_dict


def test_only_the_client_endorses_their_own_plan(personas):
    portal = dana_portal(personas)
    olive, _ = other_portal_client(personas)
    with pytest.raises(PermissionDenied):
        versions.plan_endorse_in_portal(
            actor=olive,
            plan=portal.plan,
            typed_name="Olive Marsh",
            has_read=True,
            password=PASSWORD,
        )
    with pytest.raises(PermissionDenied):
        versions.plan_endorse_in_portal(
            actor=personas.alice,
            plan=portal.plan,
            typed_name="Dana Quillfeather",
            has_read=True,
            password=PASSWORD,
        )


def test_every_mistake_is_named_at_once(personas):
    portal = dana_portal(personas)
    with pytest.raises(ValidationError) as caught:
        _endorse(personas, portal.plan, typed_name="", has_read=False, password="nope")
    assert set(caught.value.message_dict) == {"typed_name", "has_read", "password"}


def test_a_tampered_version_cannot_be_endorsed(personas):
    portal = dana_portal(personas)
    TreatmentPlan.objects.filter(pk=portal.plan.pk).update(strengths="changed behind its back")
    with pytest.raises(ValidationError) as caught:
        _endorse(personas, portal.plan)
    assert "no longer matches" in caught.value.message_dict["plan"][0]


# --------------------------------------------------------------------------- logs


def _monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def _this_week(hours: int) -> dt.datetime:
    """A moment of this week that has already passed."""
    start = timezone.make_aware(dt.datetime.combine(_monday(), dt.time(0, 0)))
    return min(start + dt.timedelta(hours=hours), timezone.now())


def test_three_logged_activities_show_as_three_for_the_week_in_the_clinicians_progress(
    personas,
):
    portal = dana_portal(personas)
    for hours in (1, 2, 3):
        services.log_entry_add(
            actor=personas.dana,
            client=personas.dana_client,
            metric=portal.metric,
            occurred_at=_this_week(hours),
            note="A walk",
        )
    counting = Observation.objects.filter(metric=portal.metric, entered_in_error_at__isnull=True)
    assert [(o.value, o.period_start, o.source) for o in counting] == [
        (3.0, _monday(), ObservationSource.PORTAL)
    ]
    # Each earlier total is kept, marked entered in error: nothing is changed or deleted.
    assert Observation.objects.filter(metric=portal.metric).count() == 3
    plan = plans_with_parts_for(portal.plan)
    progress = plan_progress_for(personas.alice, plan, today=timezone.localdate())
    step = progress.goals[-1].objectives[-1]
    assert step.target is not None
    assert step.target.progress.latest == 3
    assert step.target.change == "+2 activities from a baseline of 1"


def plans_with_parts_for(plan: TreatmentPlan) -> TreatmentPlan:
    from milepost.plans.access import plans_with_parts

    return plans_with_parts().get(pk=plan.pk)


def test_taking_back_an_entry_lowers_the_weeks_total(personas):
    portal = dana_portal(personas)
    entries = [
        services.log_entry_add(
            actor=personas.dana,
            client=personas.dana_client,
            metric=portal.metric,
            occurred_at=_this_week(h),
        )
        for h in (1, 2)
    ]
    services.log_entry_mark_entered_in_error(actor=personas.dana, entry=entries[0])
    counting = Observation.objects.filter(metric=portal.metric, entered_in_error_at__isnull=True)
    assert [o.value for o in counting] == [1.0]
    services.log_entry_mark_entered_in_error(actor=personas.dana, entry=entries[1])
    assert not Observation.objects.filter(
        metric=portal.metric, entered_in_error_at__isnull=True
    ).exists()
    with pytest.raises(ValidationError):
        services.log_entry_mark_entered_in_error(actor=personas.dana, entry=entries[1])


def test_entries_of_different_weeks_roll_up_separately(personas):
    portal = dana_portal(personas)
    last_week = timezone.now() - dt.timedelta(days=7)
    services.log_entry_add(
        actor=personas.dana,
        client=personas.dana_client,
        metric=portal.metric,
        occurred_at=last_week,
    )
    services.log_entry_add(
        actor=personas.dana,
        client=personas.dana_client,
        metric=portal.metric,
        occurred_at=_this_week(1),
        value=2,
    )
    counting = Observation.objects.filter(
        metric=portal.metric, entered_in_error_at__isnull=True
    ).order_by("period_start")
    assert [(o.period_start, o.value) for o in counting] == [
        (period_start("week", timezone.localdate(last_week), 1), 1.0),
        (_monday(), 2.0),
    ]


def test_a_clinicians_value_for_the_period_is_left_alone(personas):
    portal = dana_portal(personas)
    plans.observation_add(
        actor=personas.alice,
        client=personas.dana_client,
        metric=portal.metric,
        value=4,
        period_start=_monday(),
    )
    services.log_entry_add(
        actor=personas.dana,
        client=personas.dana_client,
        metric=portal.metric,
        occurred_at=_this_week(1),
    )
    counting = Observation.objects.filter(metric=portal.metric, entered_in_error_at__isnull=True)
    assert sorted((o.source, o.value) for o in counting) == [("clinician", 4.0), ("portal", 1.0)]


@pytest.mark.parametrize(
    ("period", "day", "start"),
    [
        ("day", dt.date(2026, 5, 6), dt.date(2026, 5, 6)),
        ("week", dt.date(2026, 5, 6), dt.date(2026, 5, 4)),  # a Wednesday: its Monday
        ("week", dt.date(2026, 5, 4), dt.date(2026, 5, 4)),  # a Monday is its own start
        ("week", dt.date(2026, 5, 10), dt.date(2026, 5, 4)),  # Sunday ends the week
        ("month", dt.date(2026, 2, 28), dt.date(2026, 2, 1)),
    ],
)
def test_periods_start_where_the_clinicians_observations_do(period, day, start):
    assert period_start(period, day, 1) == start


def test_a_client_logs_only_their_own_records(personas):
    portal = dana_portal(personas)
    olive, olive_client = other_portal_client(personas)
    with pytest.raises(PermissionDenied):
        services.log_entry_add(actor=olive, client=personas.dana_client, metric=portal.metric)
    with pytest.raises(ValidationError) as caught:
        # Olive has no plan: dana's metric is not hers to log.
        services.log_entry_add(actor=olive, client=olive_client, metric=portal.metric)
    assert "metric" in caught.value.message_dict
    assert not LogEntry.objects.exists()


def test_a_hidden_goals_metric_is_not_offered(personas):
    draft = dana_plan(personas).plan
    metric = plans.metric_create(
        actor=personas.alice, name="Panic attacks", unit="attacks", period="week"
    )
    goal = plans.goal_add(actor=personas.alice, plan=draft, statement="Fewer panic attacks")
    objective = plans.objective_add(actor=personas.alice, goal=goal, statement="Panic ≤1/week")
    plans.target_set(
        actor=personas.alice,
        owner=objective,
        metric=metric,
        comparator="<=",
        target_value=1,
        baseline=3,
        due_date=timezone.localdate() + dt.timedelta(weeks=8),
    )
    services.goal_visibility_set(actor=personas.alice, goal=goal, hidden=True)
    portal = make_signed_plan(personas)
    names = [m.metric.name for m in access.log_measures_for(personas.dana, personas.dana_client)]
    assert names == [portal.metric.name]
    with pytest.raises(ValidationError):
        services.log_entry_add(actor=personas.dana, client=personas.dana_client, metric=metric)


# --------------------------------------------------------------------------- visibility


def test_a_hidden_goal_stays_hidden_in_the_next_version_until_shown(personas):
    draft = dana_plan(personas)
    services.goal_visibility_set(actor=personas.alice, goal=draft.goal, hidden=True)
    portal = make_signed_plan(personas)
    assert draft.goal.pk in hidden_goal_ids(personas.dana_client)
    amended = versions.plan_amend(actor=personas.alice, plan=portal.plan, reason="Review")
    copy = amended.goals.get(origin=draft.goal)
    assert copy.pk in hidden_goal_ids(personas.dana_client)
    services.goal_visibility_set(actor=personas.alice, goal=copy, hidden=False)
    assert copy.pk not in hidden_goal_ids(personas.dana_client)
    assert draft.goal.pk in hidden_goal_ids(personas.dana_client)  # the signed one is as it was


def test_visibility_is_set_on_a_draft_only(personas):
    portal = dana_portal(personas)
    with pytest.raises(ValidationError):
        services.goal_visibility_set(actor=personas.alice, goal=portal.goal, hidden=True)


def test_visibility_is_the_care_teams_to_set(personas):
    draft = dana_plan(personas)
    with pytest.raises(PermissionDenied):
        services.goal_visibility_set(actor=personas.frank, goal=draft.goal, hidden=True)
    with pytest.raises(PermissionDenied):
        services.goal_visibility_set(actor=personas.dana, goal=draft.goal, hidden=True)


# --------------------------------------------------------------------------- proposals, journal


def test_a_decided_proposal_is_not_decided_again(personas):
    dana_plan(personas)
    proposal = dana_proposal(personas)
    services.goal_proposal_decline(actor=personas.alice, proposal=proposal, note="Not now")
    with pytest.raises(ValidationError) as caught:
        services.goal_proposal_adopt(actor=personas.alice, proposal=proposal, statement="Goal")
    assert "already declined" in caught.value.message_dict["proposal"][0]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED


def test_journal_text_never_reaches_the_audit_trail(personas):
    entry = services.journal_entry_add(
        actor=personas.dana, client=personas.dana_client, text="Secret thoughts about work"
    )
    services.journal_entry_share(actor=personas.dana, entry=entry, shared=True)
    events = AuditEvent.objects.filter(object_id=entry.public_id)
    assert {e.action for e in events} == {"journal_entry.create", "journal_entry.share"}
    assert all("Secret" not in str(e.detail) for e in AuditEvent.objects.all())


def test_every_portal_read_is_audited(personas):
    dana_portal(personas)
    http = HttpClient()
    http.force_login(personas.dana)
    before = AuditEvent.objects.count()
    http.get(reverse("portal:goals"))
    actions = set(
        AuditEvent.objects.filter(id__gt=before, actor=personas.dana).values_list(
            "action", flat=True
        )
    )
    assert {
        "client.portal_view",
        "plan.portal_view",
        "administration.list",
        "observation.list",
    } <= actions


def test_a_signed_plan_is_not_changed_by_the_portal(personas):
    portal = dana_portal(personas)
    digest = portal.plan.content_hash
    services.log_entry_add(actor=personas.dana, client=personas.dana_client, metric=portal.metric)
    services.change_request_create(actor=personas.dana, plan=portal.plan, comment="Add sleep")
    _endorse(personas, portal.plan)
    plan = TreatmentPlan.objects.get(pk=portal.plan.pk)
    assert plan.status == PlanStatus.SIGNED
    assert plan.content_hash == digest
    assert versions._hash(plans_with_parts_for(plan)) == digest
