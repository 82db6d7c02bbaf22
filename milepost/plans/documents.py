"""PDF documents of a plan version: the plan itself and its progress report.

Both are Django templates rendered by WeasyPrint, so they say what the web pages say:
the progress report takes its words and its charts from plans/views/progress.py (the
charts are the same drawings as the page's, as PNGs at print resolution embedded as
data-URI images (decision 0803), which WeasyPrint draws
without the log noise of inline SVG). Black text and greys only: every status is a word,
never only a colour, so the documents read the same printed in black and white.

The callers read the plan through plans/access.py (audited) and pass it in, fetched
with its parts.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from milepost.accounts.models import User
from milepost.clients.access import care_team_of, coverage_of
from milepost.domain import instruments
from milepost.domain.target_progress import target_words
from milepost.plans.access import formulation_for_client
from milepost.plans.models import Goal, Intervention, Objective, SignatureRole, TreatmentPlan
from milepost.plans.selectors import target_to_domain
from milepost.plans.views.progress import ItemReport, PlanProgress, plan_progress_for, target_of

# WeasyPrint and fontTools log every font subset and ignored CSS property at INFO/WARNING.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _pdf(template: str, context: dict[str, object]) -> bytes:
    html = render_to_string(template, context)
    # base_url=None: the documents load nothing from outside themselves.
    return HTML(string=html, base_url=None).write_pdf()


def _common(plan: TreatmentPlan, *, user: User) -> dict[str, object]:
    """What every document prints: the practice (with its time zone: every time printed is
    the practice's local time), the client, the fingerprint, who printed it and when."""
    return {
        "plan": plan,
        "client": plan.client,
        "practice": plan.client.organization,
        "time_zone": plan.client.organization.time_zone,
        "fingerprint": plan.content_hash[:12],
        "printed_at": timezone.now(),
        "printed_by": user,
    }


def _payer_facts(plan: TreatmentPlan, *, user: User) -> dict[str, object]:
    """What a payer checks on a plan: the client's coverage and demographics, the presenting
    problem, and the treating provider's NPI and licence."""
    client = plan.client
    team = care_team_of(client)
    formulation = formulation_for_client(user, client)
    clinician_signature = next(
        (s for s in plan.signatures.all() if s.role == SignatureRole.CLINICIAN), None
    )
    provider = (
        clinician_signature.signer
        if clinician_signature is not None and clinician_signature.signer is not None
        else (team[0] if team else None)
    )
    return {
        "coverage": coverage_of(client),
        "presenting_problems": formulation.presenting_problems if formulation else "",
        "provider": provider,
    }


@dataclass(frozen=True)
class TargetFacts:
    """A target as the plan document states it."""

    words: str
    measure: str
    baseline: str
    current: str
    comparator: str
    value: str
    due: dt.date
    confirmed: bool


@dataclass(frozen=True)
class PrintedObjective:
    objective: Objective
    number: str
    target: TargetFacts | None
    interventions: list[Intervention]


@dataclass(frozen=True)
class PrintedGoal:
    goal: Goal
    target: TargetFacts | None
    objectives: list[PrintedObjective]


def _facts(owner: Goal | Objective, latest: dict[str, str]) -> TargetFacts | None:
    target = target_of(owner)
    if target is None:
        return None
    domain_target = target_to_domain(target)
    assert domain_target is not None
    if target.instrument_code:
        measure = instruments.get(target.instrument_code).short_name
        words = target_words(domain_target, short_name=measure)
    else:
        measure = str(target.metric) if target.metric else "the metric"
        words = target_words(domain_target)
    return TargetFacts(
        words=words,
        measure=measure,
        baseline="not recorded" if target.baseline is None else f"{target.baseline:g}",
        current=latest.get(owner.public_id) or "no value yet",
        comparator=target.get_comparator_display(),
        value=f"{target.target_value:g}",
        due=target.due_date,
        confirmed=target.confirmed,
    )


def plan_pdf(plan: TreatmentPlan, *, user: User) -> bytes:
    """The plan version as payers read it: the client's coverage, the provider's NPI, the
    presenting problem, diagnoses, goals and objectives with their targets (baseline and
    current value), interventions, strengths, discharge criteria and every signature (the
    client's, or that it is missing)."""
    progress = plan_progress_for(user, plan, today=timezone.localdate())
    latest = {
        item.public_id: item.target.latest
        for goal in progress.goals
        for item in (goal, *goal.objectives)
        if item.target is not None
    }
    goals = [
        PrintedGoal(
            goal=goal,
            target=_facts(goal, latest),
            objectives=[
                PrintedObjective(
                    objective=objective,
                    number=f"{goal.order}.{objective.order}",
                    target=_facts(objective, latest),
                    interventions=list(objective.interventions.all()),
                )
                for objective in goal.objectives.all()
            ],
        )
        for goal in plan.goals.all()
    ]
    signatures = list(plan.signatures.select_related("witness", "signer"))
    return _pdf(
        "plans/pdf/plan.html",
        {
            **_common(plan, user=user),
            **_payer_facts(plan, user=user),
            "goals": goals,
            "signatures": signatures,
            "client_signed": any(s.role == SignatureRole.CLIENT for s in signatures),
        },
    )


@dataclass(frozen=True)
class PrintedProgress:
    """A goal or objective of the progress report, with its chart as a data URI."""

    item: ItemReport
    chart: str
    objectives: list[PrintedProgress]


def _printed(progress: PlanProgress, item: ItemReport) -> PrintedProgress:
    chart = ""
    if item.target is not None and item.target.rows:
        # A PNG at print resolution (decision 0803): the web's SVG took WeasyPrint a third
        # of a second a chart to draw.
        png = progress.chart_png(item.target)
        chart = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return PrintedProgress(
        item=item, chart=chart, objectives=[_printed(progress, o) for o in item.objectives]
    )


def progress_pdf(plan: TreatmentPlan, *, user: User) -> bytes:
    """The plan's progress as of today: per goal and objective its chart, latest value,
    change, reliable change, status and on-track verdict (the progress page's words)."""
    progress = plan_progress_for(user, plan, today=timezone.localdate())
    return _pdf(
        "plans/pdf/progress.html",
        {
            **_common(plan, user=user),
            "coverage": coverage_of(plan.client),
            "goals": [_printed(progress, goal) for goal in progress.goals],
            "summary": progress.summary,
            "bound": len(progress.reports),
            "unbound": progress.unbound,
            "today": progress.today,
        },
    )
