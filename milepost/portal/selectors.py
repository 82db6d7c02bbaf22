"""Unaudited queries shared by portal/access.py and portal/services.py.

The client must already have been fetched through clients/access.py; the callers audit
what they then do with the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from milepost.clients.models import Client
from milepost.domain import periods
from milepost.plans.access import plans_with_parts
from milepost.plans.models import (
    Goal,
    GoalStatus,
    Metric,
    MetricPeriod,
    Objective,
    PlanStatus,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import target_of
from milepost.portal.models import GoalVisibility

# Periods a client logs entries for; "per session" values are counted in session.
LOGGABLE_PERIODS = (MetricPeriod.DAY, MetricPeriod.WEEK, MetricPeriod.MONTH)


def portal_plan_of(client: Client) -> TreatmentPlan | None:
    """The version the client sees: the newest signed one, with its parts.

    A draft is still being written and is not shown; superseded and closed versions are
    history (decision 0702).
    """
    return (
        plans_with_parts()
        .filter(client=client, status=PlanStatus.SIGNED)
        .select_related("organization")
        .order_by("-version")
        .first()
    )


def hidden_goal_ids(client: Client) -> set[int]:
    """Ids of the client's goals (of every version) that the clinician keeps out of the portal.

    Each goal takes the nearest choice made on it or on a goal it was copied from.
    """
    choices = dict(
        GoalVisibility.objects.filter(goal__plan__client=client).values_list(
            "goal_id", "hidden_from_client"
        )
    )
    if not choices:
        return set()
    origins = dict(Goal.objects.filter(plan__client=client).values_list("id", "origin_id"))
    hidden: set[int] = set()
    for goal_id in origins:
        current: int | None = goal_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            if current in choices:
                if choices[current]:
                    hidden.add(goal_id)
                break
            seen.add(current)
            current = origins.get(current)
    return hidden


def visible_goals(plan: TreatmentPlan, hidden: set[int]) -> list[Goal]:
    """The active goals of a version the client may see, in order."""
    return [g for g in plan.goals.all() if g.status == GoalStatus.ACTIVE and g.pk not in hidden]


@dataclass(frozen=True)
class LoggedMeasure:
    """A custom metric the client logs, with the goals and objectives whose targets it feeds."""

    metric: Metric
    objectives: tuple[Objective, ...]
    targets: tuple[Target, ...]
    goals: tuple[Goal, ...] = ()

    @property
    def what_for(self) -> str:
        """What it counts towards, in the client's words where there are some."""
        if self.objectives:
            return f"for the step “{self.objectives[0].statement}”"
        if self.goals:
            goal = self.goals[0]
            return f"for your goal “{goal.client_words or goal.statement}”"
        return ""


def loggable_measures(plan: TreatmentPlan | None, hidden: set[int]) -> list[LoggedMeasure]:
    """Each custom metric bound to a visible goal of `plan` or one of its objectives, once.

    A goal whose own progress comes from a weekly metric is logged like a step's.
    """
    if plan is None:
        return []
    found: dict[int, tuple[Metric, list[Objective], list[Target], list[Goal]]] = {}

    def add(target: Target | None) -> tuple[list[Objective], list[Target], list[Goal]] | None:
        if target is None or target.metric is None:
            return None
        if target.metric.period not in LOGGABLE_PERIODS:
            return None
        entry = found.setdefault(target.metric.pk, (target.metric, [], [], []))
        entry[2].append(target)
        return entry[1], entry[2], entry[3]

    for goal in visible_goals(plan, hidden):
        lists = add(target_of(goal))
        if lists is not None:
            lists[2].append(goal)
        for objective in goal.objectives.all():
            lists = add(target_of(objective))
            if lists is not None:
                lists[0].append(objective)
    return [LoggedMeasure(m, tuple(o), tuple(t), tuple(g)) for m, o, t, g in found.values()]


def period_start(period: str, day: dt.date, week_start: int) -> dt.date:
    """The first day of the period (day, week from the practice's week start, month) that
    `day` falls in (decision 0831)."""
    return periods.period_start(period, day, week_start)


def period_end(period: str, start: dt.date) -> dt.date:
    """The day after the period that starts on `start`."""
    return periods.period_end(period, start)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)
