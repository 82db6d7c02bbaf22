"""A plan's progress page and each target's chart: thin views over plans/access.py.

The page reads the plan once (with its goals, objectives and targets), the client's
administrations once and observations once, whatever the number of goals; each target's
progress is then computed in memory by the same selector the editor uses, so both pages
always say the same thing. Charts are served as their own `image/svg+xml` response
because the site's Content-Security-Policy forbids the inline styles an embedded SVG
would bring.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.audit.services import audit_record
from milepost.domain import instruments, periods
from milepost.domain.instruments import Instrument
from milepost.domain.narrative import MINUS, change_in_words
from milepost.domain.target_progress import STATUS_WORDS, TargetProgress, target_words
from milepost.measures.access import administrations_for_client
from milepost.measures.charts import (
    TARGET_CHART_SIZE,
    metric_axis_label,
    target_chart_png,
    target_chart_svg,
    target_label,
)
from milepost.plans.access import observations_for_client, plan_get_for_user, target_get_for_user
from milepost.plans.models import Goal, Objective, Target, TreatmentPlan
from milepost.plans.selectors import (
    Series,
    series_by_measure,
    target_of,
    target_progress_for,
    target_series,
    target_to_domain,
)

# The summary always counts these, in this order; other statuses only when they occur.
SUMMARY_STATUSES = ("achieved", "improving", "worsening", "no-data")


def _baseline_on(target: Target) -> dt.date | None:
    """The day the baseline was taken, when it came from an administration."""
    if target.baseline_administration is None:
        return None
    return timezone.localdate(target.baseline_administration.administered_at)


# ---------------------------------------------------------------- words


def _day(day: dt.date, *, today: dt.date) -> str:
    """A day as people write it: "12 Feb" this year, "12 Feb 2027" in another."""
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"


def value_when(target: Target, day: dt.date, *, today: dt.date) -> str:
    """When a value was: "week of 4 May" or "May 2026" for a weekly or monthly metric (the
    period it is filed under, decision 0831), else the day, "4 May 2026"."""
    period = target.metric.period if target.metric is not None else ""
    if period in (periods.WEEK, periods.MONTH):
        return periods.period_label(period, day, today=today)
    return f"{day.day} {day:%b %Y}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def on_track_words(progress: TargetProgress, *, due: dt.date, today: dt.date) -> str:
    """The projection's verdict (least squares, decision 0104) in a few words."""
    if progress.met:
        return "Target met"
    if today > due:
        return "Not met by the due date"
    projection = progress.projection
    if projection is None or projection.on_track is None:
        return "Needs two values to project"
    if not projection.on_track:
        return "Not on track at the current rate"
    if projection.expected_date is not None:
        return f"On track: expected by {_day(projection.expected_date, today=today)}"
    return "On track for the due date"


def due_words(due: dt.date, *, today: dt.date, met: bool) -> str:
    """The due date and how far off it is: "23 Mar 2027, in 45 days", "…, overdue by 3 days".

    A met target says only the date: "overdue" would read as a failure.
    """
    text = f"{due.day} {due:%b %Y}"
    if met:
        return text
    if due == today:
        return f"{text}, today"
    if due > today:
        return f"{text}, in {_days((due - today).days)}"
    return f"{text}, overdue by {_days((today - due).days)}"


def change_words(progress: TargetProgress, *, unit: str) -> str:
    """The change from baseline to the latest value: "−8 points from a baseline of 17"."""
    if progress.baseline is None:
        return "No baseline recorded"
    if progress.change is None:
        return f"Baseline {progress.baseline:g}; no values since"
    if progress.change == 0:
        return f"No change from the baseline of {progress.baseline:g}"
    sign = MINUS if progress.change < 0 else "+"
    return f"{sign}{abs(progress.change):g} {unit} from a baseline of {progress.baseline:g}"


def chart_alt(measure: str, words: str, series: Series, *, describes: str) -> str:
    """What the chart shows, for someone who cannot see it (the table gives each value)."""
    if not series:
        return f"Chart of {measure} against the target {words}: no values yet."
    first, last = series[0][0], series[-1][0]
    count = f"{len(series)} value" if len(series) == 1 else f"{len(series)} values"
    when = (
        f"on {first.day} {first:%b %Y}"
        if first == last
        else (f"from {first.day} {first:%b %Y} to {last.day} {last:%b %Y}")
    )
    return (
        f"Chart of {describes} over time: {count} {when}, latest {series[-1][1]:g}, "
        f"against the target {words}. The table below lists every value."
    )


# ---------------------------------------------------------------- the page


@dataclass(frozen=True)
class ValueRow:
    day: dt.date
    value: float
    band: str
    is_baseline: bool
    when: str = ""


@dataclass(frozen=True)
class TargetReport:
    """Everything the page says about one bound target, worked out here, not in templates."""

    target: Target
    measure: str
    words: str
    label: str
    progress: TargetProgress
    latest: str
    change: str
    reliable_change: str
    on_track: str
    due: str
    chart_alt: str
    rows: tuple[ValueRow, ...]

    @property
    def status(self) -> str:
        return self.progress.status

    @property
    def status_words(self) -> str:
        return self.progress.status_words


@dataclass
class ItemReport:
    """A goal or an objective on the page; `target` is None when it is not bound."""

    kind: str
    number: str
    public_id: str
    statement: str
    client_words: str
    status_label: str
    target: TargetReport | None
    objectives: list[ItemReport] = field(default_factory=list)


def _report(
    target: Target,
    *,
    by_instrument: dict[str, Series],
    by_metric: dict[int, Series],
    today: dt.date,
) -> TargetReport:
    domain_target = target_to_domain(target)
    assert domain_target is not None
    instrument: Instrument | None = None
    if target.instrument_code:
        instrument = instruments.get(target.instrument_code)
        measure, unit, describes = (
            instrument.short_name,
            "points",
            f"{instrument.short_name} totals",
        )
    else:
        measure = target.metric.name if target.metric else "the metric"
        unit = domain_target.unit
        describes = f"{measure} ({metric_axis_label(domain_target)})"
    progress = target_progress_for(
        target, by_instrument=by_instrument, by_metric=by_metric, today=today
    )
    series = target_series(target, by_instrument=by_instrument, by_metric=by_metric)
    words = target_words(domain_target, short_name=measure if instrument else None)
    baseline_on = _baseline_on(target)
    rows = tuple(
        ValueRow(
            day=day,
            value=value,
            band=band.label if instrument and (band := instrument.band_for(value)) else "",
            is_baseline=day == baseline_on and value == target.baseline,
            when=value_when(target, day, today=today),
        )
        for day, value in series
    )
    latest = ""
    if progress.latest is not None and progress.latest_on is not None:
        period = target.metric.period if target.metric is not None else ""
        on = {periods.WEEK: "in the", periods.MONTH: "in"}.get(period, "on")
        latest = f"{progress.latest:g} {on} {value_when(target, progress.latest_on, today=today)}"
    return TargetReport(
        target=target,
        measure=measure,
        words=words,
        label=target_label(domain_target),
        progress=progress,
        latest=latest,
        change=change_words(progress, unit=unit),
        reliable_change=(
            change_in_words(progress.instrument_change) if progress.instrument_change else ""
        ),
        on_track=on_track_words(progress, due=target.due_date, today=today),
        due=due_words(target.due_date, today=today, met=bool(progress.met)),
        chart_alt=chart_alt(measure, words, series, describes=describes),
        rows=rows,
    )


def progress_summary(reports: list[TargetReport]) -> list[tuple[str, str, int]]:
    counts = Counter(r.status for r in reports)
    shown = [*SUMMARY_STATUSES, *(s for s in STATUS_WORDS if s not in SUMMARY_STATUSES)]
    return [
        (status, STATUS_WORDS[status], counts[status])
        for status in shown
        if status in SUMMARY_STATUSES or counts[status]
    ]


@dataclass(frozen=True)
class PlanProgress:
    """A plan version's goals and objectives against their targets, as of `today`."""

    goals: list[ItemReport]
    reports: list[TargetReport]
    unbound: int
    by_instrument: dict[str, Series]
    by_metric: dict[int, Series]
    today: dt.date

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        return progress_summary(self.reports)

    def chart_png(self, report: TargetReport) -> bytes:
        """The chart of one target of this plan as a PNG, from the values already read."""
        chart = target_chart_for(
            report.target,
            by_instrument=self.by_instrument,
            by_metric=self.by_metric,
            today=self.today,
            png=True,
        )
        assert isinstance(chart, bytes)
        return chart


def plan_progress_for(user: User, plan: TreatmentPlan, *, today: dt.date) -> PlanProgress:
    """Every goal and objective of `plan` (fetched with its parts) with its target's
    progress: the client's administrations and observations are read once, audited."""
    client = plan.client
    by_instrument, by_metric = series_by_measure(
        administrations_for_client(user, client), observations_for_client(user, client)
    )

    def report(owner: Goal | Objective) -> TargetReport | None:
        target = target_of(owner)
        if target is None:
            return None
        return _report(target, by_instrument=by_instrument, by_metric=by_metric, today=today)

    items: list[ItemReport] = []
    for goal in plan.goals.all():
        item = ItemReport(
            kind="Goal",
            number=str(goal.order),
            public_id=goal.public_id,
            statement=goal.statement,
            client_words=goal.client_words,
            status_label=goal.get_status_display() if goal.status != "active" else "",
            target=report(goal),
        )
        for objective in goal.objectives.all():
            item.objectives.append(
                ItemReport(
                    kind="Objective",
                    number=f"{goal.order}.{objective.order}",
                    public_id=objective.public_id,
                    statement=objective.statement,
                    client_words="",
                    status_label="",
                    target=report(objective),
                )
            )
        items.append(item)
    everything = [i for goal in items for i in (goal, *goal.objectives)]
    reports = [i.target for i in everything if i.target is not None]
    return PlanProgress(
        goals=items,
        reports=reports,
        unbound=len(everything) - len(reports),
        by_instrument=by_instrument,
        by_metric=by_metric,
        today=today,
    )


def target_chart_for(
    target: Target,
    *,
    by_instrument: dict[str, Series],
    by_metric: dict[int, Series],
    today: dt.date,
    png: bool = False,
) -> str | bytes:
    """One target's chart: an SVG document (the web page's) or, with `png`, a PNG (the
    PDFs', decision 0803)."""
    progress = target_progress_for(
        target, by_instrument=by_instrument, by_metric=by_metric, today=today
    )
    domain_target = target_to_domain(target)
    assert domain_target is not None
    draw = target_chart_png if png else target_chart_svg
    return draw(
        domain_target,
        target_series(target, by_instrument=by_instrument, by_metric=by_metric),
        today=today,
        instrument=instruments.get(target.instrument_code) if target.instrument_code else None,
        baseline_on=_baseline_on(target),
        projection=progress.projection,
    )


@require_safe
@policy(Policy.CLINICAL)
def plan_progress(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id)
    progress = plan_progress_for(user, plan, today=timezone.localdate())
    width, height = TARGET_CHART_SIZE
    return render(
        request,
        "plans/progress.html",
        {
            "client": plan.client,
            "plan": plan,
            "goals": progress.goals,
            "summary": progress.summary,
            "bound": len(progress.reports),
            "unbound": progress.unbound,
            "chart_width": width,
            "chart_height": height,
            "today": progress.today,
        },
    )


@require_safe
@policy(Policy.CLINICAL)
def target_chart(request: SignedInRequest, client_id: str, target_id: str) -> HttpResponseBase:
    user = request.user
    target = target_get_for_user(user, client_id, target_id)
    # The plan came with the target, which target_get_for_user found within this client.
    if target.goal is not None:
        plan = target.goal.plan
    else:
        assert target.objective is not None  # a check constraint: one or the other
        plan = target.objective.goal.plan
    client = plan.client
    administrations = (
        administrations_for_client(user, client, instrument_code=target.instrument_code)
        if target.instrument_code
        else []
    )
    observations = (
        observations_for_client(user, client, metric=target.metric)
        if target.metric is not None
        else []
    )
    by_instrument, by_metric = series_by_measure(administrations, observations)
    svg = target_chart_for(
        target, by_instrument=by_instrument, by_metric=by_metric, today=timezone.localdate()
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- PDF documents


def _pdf_response(
    request: SignedInRequest, client_id: str, plan_id: str, *, kind: str
) -> HttpResponse:
    # Imported here: WeasyPrint takes over a second to import, and only these views need it.
    from milepost.plans import documents

    user = request.user
    plan = plan_get_for_user(user, client_id, plan_id, purpose="export")
    pdf = (
        documents.plan_pdf(plan, user=user)
        if kind == "plan"
        else documents.progress_pdf(plan, user=user)
    )
    audit_record(
        action="plan.export_pdf",
        actor=user,
        client=plan.client,
        object_type="treatmentplan",
        object_id=plan.public_id,
        detail={"kind": kind, "version": plan.version},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # No client name in the file name: downloads folders and mail attachments leak it.
    response["Content-Disposition"] = f'attachment; filename="{kind}-v{plan.version}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@policy(Policy.CLINICAL)
def plan_pdf(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """The plan version as a PDF: everything payers look for, with its signatures."""
    return _pdf_response(request, client_id, plan_id, kind="plan")


@require_safe
@policy(Policy.CLINICAL)
def progress_pdf(request: SignedInRequest, client_id: str, plan_id: str) -> HttpResponseBase:
    """The progress report of a plan version as a PDF, with the page's charts."""
    return _pdf_response(request, client_id, plan_id, kind="progress")
