"""My goals: each goal in the client's own words, its steps, how it is going, and its
chart."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.domain import instruments, periods
from milepost.measures.charts import PHONE_CHART_SIZE, target_chart_svg
from milepost.plans.models import Goal, Objective, Target
from milepost.plans.selectors import (
    Series,
    target_of,
    target_progress_for,
    target_series,
    target_to_domain,
)
from milepost.portal import access, words


@dataclass(frozen=True)
class Progress:
    target: Target
    words: str
    chart_alt: str
    values: tuple[tuple[str, float], ...]  # ("week of 4 May", 3.0): when, and the value


@dataclass
class GoalView:
    goal: Goal
    progress: Progress | None
    steps: list[tuple[Objective, Progress | None]] = field(default_factory=list)


def _progress(
    target: Target | None,
    *,
    by_instrument: dict[str, Series],
    by_metric: dict[int, Series],
    today: dt.date,
) -> Progress | None:
    if target is None:
        return None
    domain_target = target_to_domain(target)
    assert domain_target is not None
    instrument = instruments.get(target.instrument_code) if target.instrument_code else None
    progress = target_progress_for(
        target, by_instrument=by_instrument, by_metric=by_metric, today=today
    )
    name = instrument.short_name if instrument else domain_target.measure
    said = words.progress_words(
        progress,
        domain_target,
        short_name=name,
        higher_is_better=bool(instrument and instrument.higher_is_better),
    )
    series = target_series(target, by_instrument=by_instrument, by_metric=by_metric)
    count = (
        "no values yet" if not series else f"{len(series)} value{'s' if len(series) > 1 else ''}"
    )
    alt = f"Chart of your {name} over time, {count}. {said} The numbers are listed below it."
    period = target.metric.period if target.metric is not None else ""
    values = tuple(
        (
            periods.period_label(period, day, today=today)
            if period in (periods.WEEK, periods.MONTH)
            else f"{day.day} {day:%B %Y}",
            value,
        )
        for day, value in series
    )
    return Progress(target=target, words=said, chart_alt=alt, values=values)


@require_safe
@policy(Policy.PORTAL)
def goals(request: SignedInRequest) -> HttpResponseBase:
    """Each goal in the client's own words, the clinical wording beneath, the steps, and
    how it is going."""
    user = request.user
    client = access.portal_client(user)
    shown = access.portal_plan_for(user, client)
    views: list[GoalView] = []
    if shown is not None:
        by_instrument, by_metric = access.portal_series(user, client)
        today = timezone.localdate()
        said = functools.partial(
            _progress, by_instrument=by_instrument, by_metric=by_metric, today=today
        )
        for goal in shown.goals:
            view = GoalView(goal=goal, progress=said(target_of(goal)))
            for objective in goal.objectives.all():
                view.steps.append((objective, said(target_of(objective))))
            views.append(view)
    width, height = PHONE_CHART_SIZE
    return render(
        request,
        "portal/goals.html",
        {
            "client": client,
            "shown": shown,
            "goals": views,
            "chart_width": width,
            "chart_height": height,
        },
    )


@require_safe
@policy(Policy.PORTAL)
def goal_chart(request: SignedInRequest, portal_target_id: str) -> HttpResponseBase:
    """One chart of the My goals page, as its own SVG (the page's CSP forbids inline SVG)."""
    user = request.user
    client = access.portal_client(user)
    target = access.portal_target_get(user, client, portal_target_id)
    by_instrument, by_metric = access.portal_series(user, client)
    today = timezone.localdate()
    domain_target = target_to_domain(target)
    assert domain_target is not None
    baseline = target.baseline_administration
    # Drawn without the questionnaire's severity bands and clinical cut-off: the client
    # sees their values against their aim, in words they use (decision 0702).
    svg = target_chart_svg(
        domain_target,
        target_series(target, by_instrument=by_instrument, by_metric=by_metric),
        today=today,
        baseline_on=timezone.localdate(baseline.administered_at) if baseline else None,
        projection=target_progress_for(
            target, by_instrument=by_instrument, by_metric=by_metric, today=today
        ).projection,
        size=PHONE_CHART_SIZE,
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
