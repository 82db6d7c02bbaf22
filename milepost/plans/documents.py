"""PDF documents of a plan version: the plan itself and its progress report.

Both are Django templates rendered by WeasyPrint, so they say what the web pages say:
the progress report takes its words and its charts from plans/views/progress.py (the
charts are the same SVG documents, embedded as data-URI images, which WeasyPrint draws
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
from milepost.domain import instruments
from milepost.domain.target_progress import target_words
from milepost.plans.models import Goal, Intervention, Objective, TreatmentPlan
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
    return {
        "plan": plan,
        "client": plan.client,
        "practice": plan.client.organization,
        "fingerprint": plan.content_hash[:12],
        "printed_at": timezone.now(),
        "printed_by": user,
    }


@dataclass(frozen=True)
class TargetFacts:
    """A target as the plan document states it."""

    words: str
    measure: str
    baseline: str
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


def _facts(owner: Goal | Objective) -> TargetFacts | None:
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
        comparator=target.get_comparator_display(),
        value=f"{target.target_value:g}",
        due=target.due_date,
        confirmed=target.confirmed,
    )


def plan_pdf(plan: TreatmentPlan, *, user: User) -> bytes:
    """The plan version as payers read it: diagnoses, goals, objectives with their
    targets, interventions, strengths, discharge criteria and every signature."""
    goals = [
        PrintedGoal(
            goal=goal,
            target=_facts(goal),
            objectives=[
                PrintedObjective(
                    objective=objective,
                    number=f"{goal.order}.{objective.order}",
                    target=_facts(objective),
                    interventions=list(objective.interventions.all()),
                )
                for objective in goal.objectives.all()
            ],
        )
        for goal in plan.goals.all()
    ]
    return _pdf(
        "plans/pdf/plan.html",
        {
            **_common(plan, user=user),
            "goals": goals,
            "signatures": list(plan.signatures.select_related("witness")),
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
        svg = progress.chart_svg(item.target).encode()
        chart = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
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
            "goals": [_printed(progress, goal) for goal in progress.goals],
            "summary": progress.summary,
            "bound": len(progress.reports),
            "unbound": progress.unbound,
            "today": progress.today,
        },
    )
