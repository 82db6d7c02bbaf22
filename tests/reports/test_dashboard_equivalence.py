"""The caseload dashboard reads in bulk and judges from plain rows; these tests hold it to the
plain per-client reads it replaced (decision 0835): on a varied caseload, in a time zone with
summer time, every row is the one the plan editor's own selectors give, in at most 10 queries.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from milepost.clients import services as clients
from milepost.clients.access import filtered_clients
from milepost.clients.models import CareTeamMember, Client
from milepost.domain import instruments
from milepost.measures import services as measures
from milepost.measures.models import Administration, RiskAlert
from milepost.plans import services as plans
from milepost.plans.models import (
    Goal,
    GoalStatus,
    Metric,
    Objective,
    Observation,
    PlanStatus,
    Signature,
    SignatureMethod,
    SignatureRole,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import (
    course_start,
    plan_in_force,
    series_by_measure,
    target_of,
    target_progress_for,
    target_to_domain,
)
from milepost.reports.dashboard import (
    CaseloadRow,
    LatestScore,
    _active_targets,
    _plans_in_force,
    _stored_days,
    caseload_dashboard,
    is_off_track,
    plan_status,
    review_state,
)
from tests.base import Personas

HASH = "0" * 64
# PHQ-9 answers with item 9 at 0 (no risk alert), by total; and one with item 9 at 1.
PHQ9 = {
    5: [1, 1, 1, 1, 1, 0, 0, 0, 0],
    10: [2, 2, 2, 2, 2, 0, 0, 0, 0],
    13: [2, 2, 2, 2, 2, 2, 1, 0, 0],
    17: [2, 2, 2, 2, 2, 2, 2, 2, 1],
    20: [3, 3, 3, 3, 2, 2, 2, 2, 0],
}
GAD7 = {6: [1, 1, 1, 1, 1, 1, 0], 12: [2, 2, 2, 2, 2, 1, 1]}
# Santiago moves its clocks at local midnight: a day boundary and a change of offset meet.
ZONE = "America/Santiago"


# ------------------------------------------------------------------ local days, no database


def _django_day(text: str, zone: dt.tzinfo) -> dt.date:
    """What Django's SQLite converter and `astimezone` give for a stored datetime."""
    value = parse_datetime(text)
    assert value is not None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(zone).date()


@pytest.mark.parametrize(
    ("zone_name", "around"),
    [
        ("UTC", dt.datetime(2026, 3, 29)),
        ("Europe/London", dt.datetime(2026, 3, 29)),
        ("Europe/London", dt.datetime(2026, 10, 25)),
        ("America/Santiago", dt.datetime(2026, 4, 5)),
        ("America/Santiago", dt.datetime(2026, 9, 6)),
        ("America/Sao_Paulo", dt.datetime(2018, 11, 4)),  # summer time began at midnight
        ("America/Sao_Paulo", dt.datetime(2018, 2, 18)),  # and ended at midnight
        ("Australia/Lord_Howe", dt.datetime(2026, 4, 5)),  # half an hour's change
        ("Asia/Kathmandu", dt.datetime(2026, 1, 1)),  # +05:45
        ("Pacific/Chatham", dt.datetime(2026, 4, 5)),  # +13:45 to +12:45
        ("Pacific/Kiritimati", dt.datetime(2026, 6, 1)),  # +14:00
        ("Pacific/Pago_Pago", dt.datetime(2026, 6, 1)),  # -11:00
    ],
)
def test_stored_days_are_djangos_across_changes_of_offset(zone_name, around):
    zone = zoneinfo.ZoneInfo(zone_name)
    day = _stored_days(zone)
    start = around - dt.timedelta(days=2)
    for step in range(0, 4 * 24 * 60, 7):  # every 7 minutes for four days
        instant = start + dt.timedelta(minutes=step, microseconds=step % 3 * 123457)
        text = str(instant)  # as Django stores it: "YYYY-MM-DD HH:MM:SS[.ffffff]"
        assert day(text) == _django_day(text, zone), text


def test_stored_days_read_other_spellings_row_by_row():
    zone = zoneinfo.ZoneInfo("Europe/London")
    day = _stored_days(zone)
    for text in (
        "2026-03-29 00:59:59.999999",
        "2026-03-29T00:30:00",
        "2026-03-28 23:30:00+00:00",
        "2026-03-29 01:30:00+02:00",  # an offset: never the hour's cached day
        "2026-03-29 23:30:00.5",
    ):
        day("2026-03-29 01:00:00")  # fill the cache with an hour of a different day
        assert day(text) == _django_day(text, zone), text


# ------------------------------------------------------------------ a varied caseload


def _client(p: Personas, family: str, *, extra_clinician=None) -> Client:
    client = clients.client_create(
        actor=p.alice, given_name="Test", family_name=family, date_of_birth=dt.date(1980, 5, 5)
    )
    if extra_clinician is not None:
        clients.care_team_add(actor=p.alice, client=client, clinician=extra_clinician)
    return client


def _plan(client: Client, actor, version: int, status: str, due: dt.date | None = None):
    signed = status != PlanStatus.DRAFT
    return TreatmentPlan.objects.create(
        organization=client.organization,
        client=client,
        version=version,
        status=status,
        created_by=actor,
        signed_at=timezone.now() if signed else None,
        content_hash=HASH if signed else "",
        review_due_on=due,
    )


def _sign(plan: TreatmentPlan, *roles: str) -> None:
    for role in roles:
        Signature.objects.create(
            plan=plan,
            role=role,
            signer_name="Someone Example",
            method=SignatureMethod.IN_SESSION if role == SignatureRole.CLIENT else "password",
            content_hash=plan.content_hash,
        )


def _score(p: Personas, client: Client, code: str, total: int, at: dt.datetime):
    answers = (PHQ9 if code == "phq9" else GAD7)[total]
    return measures.administration_submit(
        actor=p.alice, client=client, instrument_code=code, answers=answers, administered_at=at
    )


def _target(owner: Goal | Objective, **fields) -> Target:
    owner_field = {"goal": owner} if isinstance(owner, Goal) else {"objective": owner}
    fields.setdefault("comparator", "<=")
    fields.setdefault("direction", "decrease")
    fields.setdefault("confirmed", True)
    return Target.objects.create(**owner_field, **fields)


def _local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant `days_ago` local days back at the local time given (in the zone in force)."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    naive = dt.datetime.combine(day, dt.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _caseload(p: Personas) -> Metric:
    """Clients whose rows exercise every rule the dashboard applies, beside dana (no plan)."""
    today = timezone.localdate()
    soon, later = today + dt.timedelta(weeks=10), today + dt.timedelta(weeks=30)
    metric = plans.metric_create(
        actor=p.alice, name="Pleasurable activities", unit="activities", period="week"
    )
    other_metric = plans.metric_create(actor=p.alice, name="Walks", unit="walks", period="week")

    # A draft in force: a questionnaire target and a metric target on an objective; an
    # administration in error, one that cannot be scored, values either side of midnight.
    draft_client = _client(p, "Draft", extra_clinician=p.bob)
    draft = _plan(draft_client, p.alice, 1, PlanStatus.DRAFT)
    goal = Goal.objects.create(plan=draft, statement="Feel better")
    objective = Objective.objects.create(goal=goal, statement="Do things")
    for days_ago, total, (hour, minute) in ((40, 20, (23, 50)), (20, 17, (0, 10)), (3, 13, (0, 5))):
        _score(p, draft_client, "phq9", total, _local(days_ago, hour, minute))
    wrong = _score(p, draft_client, "phq9", 5, _local(1, 12))
    measures.administration_mark_entered_in_error(
        actor=p.alice, administration=wrong, reason="Wrong client"
    )
    measures.administration_submit(
        actor=p.alice,
        client=draft_client,
        instrument_code="phq9",
        answers=[1, None, None, None, None, None, 0, 0, 0],  # too few answers to score
        administered_at=_local(2, 9),
    )
    _target(goal, instrument_code="phq9", baseline=20, target_value=9, due_date=soon)
    for weeks_ago, value in ((3, 1), (2, 1), (1, 2), (0, 2)):
        plans.observation_add(
            actor=p.alice,
            client=draft_client,
            metric=metric,
            value=value,
            period_start=today - dt.timedelta(weeks=weeks_ago),
        )
    _target(objective, metric=metric, baseline=1, comparator=">=", target_value=5, due_date=soon)

    # Signed and endorsed, with an amendment being drafted beside it (copied parts point to
    # their origins), a target due in the past, and a goal no longer active.
    amended = _client(p, "Amended")
    signed = _plan(amended, p.alice, 1, PlanStatus.SIGNED, today + dt.timedelta(days=5))
    _sign(signed, SignatureRole.CLINICIAN, SignatureRole.CLIENT)
    g1 = Goal.objects.create(plan=signed, statement="Less worry", order=1)
    g2 = Goal.objects.create(
        plan=signed, statement="Old goal", order=2, status=GoalStatus.DISCONTINUED
    )
    for days_ago, total in ((60, 12), (30, 6), (2, 12)):
        _score(p, amended, "gad7", total, _local(days_ago, 23, 59))
    _target(
        g1, instrument_code="gad7", baseline=12, target_value=5, due_date=today - dt.timedelta(1)
    )
    _target(g2, instrument_code="gad7", baseline=12, target_value=5, due_date=later)
    amendment = _plan(amended, p.alice, 2, PlanStatus.DRAFT)
    copy = Goal.objects.create(plan=amendment, statement="Less worry", origin=g1)
    _target(copy, instrument_code="gad7", baseline=12, target_value=4, due_date=later)

    # Three versions: the goal's PHQ-9 target was re-baselined in each, so its course began
    # at version 1's baseline; the objective switched from GAD-7 to PHQ-9 in version 3, so
    # its course began there; a goal added in version 2 without a target gained one in 3.
    versions = _client(p, "Versions")
    a1 = _score(p, versions, "phq9", 20, _local(90, 10))
    _score(p, versions, "phq9", 17, _local(60, 10))
    a2 = _score(p, versions, "phq9", 13, _local(45, 10))
    gad = _score(p, versions, "gad7", 12, _local(44, 10))
    a3 = _score(p, versions, "phq9", 10, _local(14, 10))
    _score(p, versions, "phq9", 13, _local(1, 10))
    v1 = _plan(versions, p.alice, 1, PlanStatus.SUPERSEDED)
    v2 = _plan(versions, p.alice, 2, PlanStatus.SUPERSEDED)
    v3 = _plan(versions, p.alice, 3, PlanStatus.SIGNED, today - dt.timedelta(days=3))
    _sign(v3, SignatureRole.CLINICIAN)
    goal1 = Goal.objects.create(plan=v1, statement="Mood")
    _target(goal1, instrument_code="phq9", baseline=20, target_value=9, due_date=later,
            baseline_administration=a1)  # fmt: skip
    goal2 = Goal.objects.create(plan=v2, statement="Mood", origin=goal1)
    _target(goal2, instrument_code="phq9", baseline=13, target_value=9, due_date=later,
            baseline_administration=a2)  # fmt: skip
    goal3 = Goal.objects.create(plan=v3, statement="Mood", origin=goal2)
    _target(goal3, instrument_code="phq9", baseline=10, target_value=9, due_date=soon,
            baseline_administration=a3)  # fmt: skip
    objective2 = Objective.objects.create(goal=goal2, statement="Worry less")
    _target(objective2, instrument_code="gad7", baseline=12, target_value=5, due_date=later,
            baseline_administration=gad)  # fmt: skip
    objective3 = Objective.objects.create(goal=goal3, statement="Worry less", origin=objective2)
    _target(objective3, instrument_code="phq9", baseline=10, target_value=5, due_date=later,
            baseline_administration=a3)  # fmt: skip
    untargeted = Goal.objects.create(plan=v2, statement="Sleep", order=2)
    sleep = Goal.objects.create(plan=v3, statement="Sleep", order=2, origin=untargeted)
    _target(sleep, instrument_code="phq9", baseline=13, target_value=9, due_date=soon)

    # Observations of a metric no active target tracks, and an open alert acknowledged.
    walker = _client(p, "Walker", extra_clinician=p.frank)
    signed_walker = _plan(walker, p.alice, 1, PlanStatus.SIGNED, today + dt.timedelta(days=40))
    _sign(signed_walker, SignatureRole.CLIENT)
    walk = Goal.objects.create(plan=signed_walker, statement="Walk")
    _target(walk, metric=metric, baseline=0, comparator=">=", target_value=3, due_date=soon,
            direction="increase")  # fmt: skip
    plans.observation_add(
        actor=p.alice, client=walker, metric=other_metric, value=4, period_start=today
    )
    slip = plans.observation_add(
        actor=p.alice, client=walker, metric=metric, value=9, period_start=today
    )
    plans.observation_mark_entered_in_error(actor=p.alice, observation=slip, reason="Typo")
    urgent = measures.administration_submit(
        actor=p.alice, client=walker, instrument_code="phq9", answers=PHQ9[17]
    )
    measures.risk_alert_acknowledge(
        actor=p.alice, alert=urgent.alerts.get(), action="contacted", note="Called; safe."
    )
    return metric


def _expected(user, today: dt.date) -> dict[Client, CaseloadRow]:
    """Each row as the plan editor's per-client selectors give it (the reads replaced)."""
    rows = {}
    for client in filtered_clients(user).select_related("organization"):
        plan = plan_in_force(client)
        draft = (
            TreatmentPlan.objects.filter(client=client, status=PlanStatus.DRAFT)
            .exclude(pk=plan.pk if plan else 0)
            .first()
        )
        roles = set(plan.signatures.values_list("role", flat=True)) if plan else set()
        state, words = plan_status(
            plan,
            roles=roles if plan is not None and not plan.is_draft else (),
            cosign_required=client.organization.cosign_required,
        )
        administrations = list(Administration.objects.filter(client=client))
        by_instrument, by_metric = series_by_measure(
            administrations, list(Observation.objects.filter(client=client))
        )
        latest: dict[str, Administration] = {}
        for a in administrations:  # oldest first
            if a.counts and a.total is not None:
                latest[a.instrument_code] = a
        scores = sorted(
            (
                LatestScore(
                    code,
                    instruments.get(code).short_name,
                    a.total or 0,
                    a.band_label,
                    timezone.localdate(a.administered_at),
                )
                for code, a in latest.items()
            ),
            key=lambda s: s.short_name,
        )
        owners: list[Goal | Objective] = []
        if plan is not None:
            for goal in plan.goals.filter(status=GoalStatus.ACTIVE):
                owners += [goal, *goal.objectives.all()]
        targets = [t for t in map(target_of, owners) if t is not None]
        team = CareTeamMember.objects.filter(client=client).order_by("-is_primary", "added_at")
        due = plan.review_due_on if plan else None
        rows[client] = CaseloadRow(
            client=client,
            care_team=tuple(m.clinician.full_name for m in team),
            plan=plan,
            plan_state=state,
            plan_words=words,
            draft_version=draft.version if draft else None,
            review_due_on=due,
            review_state=review_state(due, today=today),
            days_to_review=(due - today).days if due else None,
            open_alerts=RiskAlert.objects.filter(
                client=client, acknowledged_at__isnull=True
            ).count(),
            latest_scores=tuple(scores),
            targets=len(targets),
            off_track=sum(
                is_off_track(
                    target_progress_for(
                        t, by_instrument=by_instrument, by_metric=by_metric, today=today
                    )
                )
                for t in targets
            ),
        )
    return rows


def _fields(row: CaseloadRow) -> tuple:
    return (
        row.client.pk,
        row.care_team,
        row.plan.pk if row.plan else None,
        row.plan_state,
        row.plan_words,
        row.draft_version,
        row.review_due_on,
        row.review_state,
        row.days_to_review,
        row.open_alerts,
        row.latest_scores,
        row.targets,
        row.off_track,
    )


@pytest.mark.django_db
class EquivalenceTests:
    @pytest.mark.parametrize("zone", ["UTC", ZONE])
    @pytest.mark.parametrize("days_ahead", [0, 60])  # today, and once targets are past due
    def test_every_row_is_the_per_client_reads(self, personas, zone, days_ahead):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            _caseload(personas)
            today = timezone.localdate() + dt.timedelta(days=days_ahead)
            for cosign in (False, True):
                personas.org.cosign_required = cosign
                personas.org.save(update_fields=["cosign_required"])
                with CaptureQueriesContext(connection) as queries:
                    dashboard = caseload_dashboard(personas.alice, today=today)
                expected = _expected(personas.alice, today)
                assert len(dashboard.rows) == len(expected) == 5
                for row in dashboard.rows:
                    assert _fields(row) == _fields(expected[row.client]), row.client.family_name
                assert len(queries) <= 10, "\n".join(q["sql"] for q in queries.captured_queries)
            # Some verdicts of each kind, so that the comparison compares something.
            assert {r.off_track for r in dashboard.rows} >= {0, 1}
            assert any(r.latest_scores for r in dashboard.rows)

    def test_targets_and_course_starts_are_the_selectors(self, personas):
        with timezone.override(zoneinfo.ZoneInfo(ZONE)):
            _caseload(personas)
            ids = list(filtered_clients(personas.alice).values_list("id", flat=True))
            in_force, _ = _plans_in_force(ids)
            read = _active_targets(in_force.values(), ids)
            expected = []
            for plan in in_force.values():
                for goal in plan.goals.filter(status=GoalStatus.ACTIVE):
                    for target in [target_of(goal)] + [target_of(o) for o in goal.objectives.all()]:
                        if target is not None:
                            start = course_start(target) if target.instrument_code else None
                            domain = target_to_domain(target)
                            assert domain is not None
                            expected.append((plan.pk, repr(domain), domain.set_on, start))
            actual = [
                (plan_pk, repr(t.domain()), t.set_on, t.course_start)
                for plan_pk, tracked in read.items()
                for t in tracked
            ]
            assert sorted(actual, key=repr) == sorted(expected, key=repr)
            starts = {start for *_, start in expected}
            assert len(starts - {None}) >= 2  # re-baselined chains and a switch of instrument
