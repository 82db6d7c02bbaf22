"""The caseload dashboard: every client a clinician may see, with the state of their care.

One row per client: the plan in force and its signatures, when its review comes due, open
risk alerts, the latest score of each questionnaire and how many targets are off track.

It follows the visible-clients rule of clients/access.py and, like `caseload_for_user`, is
audited once, naming the clients it listed. Its number of queries does not grow with the
caseload: each kind of record (plans, signatures, targets, administrations, observations,
alerts) is fetched for every listed client in one query and grouped in Python, and progress
toward each target is computed from those values by the same domain code the plan editor
uses (docs/decisions/0330-caseload-dashboard.md). Values are read as plain rows and judged
one client at a time (docs/decisions/0835-caseload-dashboard-speed.md).

It reads clients, plans and measures alike, so it lives in reports, above all three
(docs/decisions/0013-layers-and-read-models.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, Literal, NamedTuple

from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import filtered_clients
from milepost.clients.models import CareTeamMember, Client
from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.plans import Target as DomainTarget
from milepost.domain.progress import Projection
from milepost.domain.target_progress import TargetProgress, target_verdict
from milepost.measures.models import Administration, RiskAlert
from milepost.plans.models import (
    Goal,
    GoalStatus,
    Objective,
    Observation,
    PlanStatus,
    Signature,
    SignatureRole,
    Target,
    TreatmentPlan,
)
from milepost.plans.selectors import (
    MAX_VERSIONS_FOLLOWED,
    Series,
    domain_target,
    measure_series,
)

# A review within two weeks is "due soon": enough notice to book it into a session of a
# client seen weekly or fortnightly before it becomes overdue (decision 0330).
DUE_SOON_DAYS = 14

ReviewState = Literal["overdue", "due-soon", "later", "none"]
PlanState = Literal["signed", "awaiting-cosignature", "awaiting-client", "draft", "none"]

# FHIR achievementStatus codes that mean the target is not heading where it should.
OFF_TRACK_STATUSES = frozenset({"worsening", "no-change", "not-achieved"})


@dataclass(frozen=True)
class LatestScore:
    """The most recent scored administration of one instrument that counts."""

    instrument_code: str
    short_name: str
    total: int
    band_label: str
    administered_on: dt.date


@dataclass(frozen=True)
class CaseloadRow:
    """One client on the dashboard. `days_to_review` is negative once the review is overdue."""

    client: Client
    care_team: tuple[str, ...]
    plan: TreatmentPlan | None
    plan_state: PlanState
    plan_words: str
    # A draft being written beside the signed version in force (an amendment or review).
    draft_version: int | None
    review_due_on: dt.date | None
    review_state: ReviewState
    days_to_review: int | None
    open_alerts: int
    latest_scores: tuple[LatestScore, ...]
    targets: int
    off_track: int

    @property
    def days_overdue(self) -> int | None:
        if self.days_to_review is None or self.days_to_review >= 0:
            return None
        return -self.days_to_review

    @property
    def days_left(self) -> int | None:
        if self.days_to_review is None or self.days_to_review < 0:
            return None
        return self.days_to_review


@dataclass(frozen=True)
class Dashboard:
    """Every row, and the rows whose review is overdue or due soon, most overdue first."""

    rows: tuple[CaseloadRow, ...]
    reviews: tuple[CaseloadRow, ...]
    today: dt.date
    due_soon_days: int = DUE_SOON_DAYS


# ---------------------------------------------------------------- rules (no database)


def review_state(due: dt.date | None, *, today: dt.date) -> ReviewState:
    """Overdue before today; due soon from today to DUE_SOON_DAYS ahead, inclusive."""
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    if due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "later"


def in_force_among(plans: Iterable[TreatmentPlan]) -> TreatmentPlan | None:
    """The newest signed version; else the draft; else None (superseded and closed never).

    The rule of `plans.selectors.plan_in_force`, applied to versions already fetched.

    A draft beside a signed version is an amendment still being written: until it is
    signed, the signed version is what the client is being treated under.
    """
    signed = [p for p in plans if p.status == PlanStatus.SIGNED]
    if signed:
        return max(signed, key=lambda p: p.version)
    return next((p for p in plans if p.status == PlanStatus.DRAFT), None)


def plan_status(
    plan: TreatmentPlan | None, *, roles: Iterable[str], cosign_required: bool
) -> tuple[PlanState, str]:
    """The plan's state and the words the caseload shows for it.

    `roles` are the roles that have signed the version. A missing co-signature is named
    before a missing client endorsement: the practice's rule makes the plan incomplete
    for payers, and it is the staff's to fix.
    """
    if plan is None:
        return "none", "No plan"
    if plan.status == PlanStatus.DRAFT:
        return "draft", f"Draft v{plan.version}"
    signed_by = set(roles)
    if cosign_required and SignatureRole.SUPERVISOR not in signed_by:
        return "awaiting-cosignature", "Signed — awaiting co-signature"
    if SignatureRole.CLIENT not in signed_by:
        return "awaiting-client", "Signed — not yet endorsed by the client"
    return "signed", f"Signed v{plan.version}"


def is_off_track(progress: TargetProgress) -> bool:
    """Worsening, flat, past due unmet, or projected to miss the due date.

    A target already met is never off track, even when the line through its values
    would end short of it on the due date (one good week, then a wobble).
    """
    return _is_off_track(progress.met, progress.status, progress.projection)


def _is_off_track(met: bool | None, status: str, projection: Projection | None) -> bool:
    """`is_off_track` on the parts of a progress that decide it (`target_verdict`)."""
    if status in OFF_TRACK_STATUSES:
        return True
    if met:
        return False
    return projection is not None and projection.on_track is False


# ---------------------------------------------------------------- the read


# The columns the page shows or decides by, read for every row; nothing else of a client
# (no date of birth, contact details or referral reason) and no plan text is read. Another
# field read from a row would cost a query per row (a test counts the page's queries).
CLIENT_FIELDS = (
    "public_id",
    "organization",
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "status",
)
PLAN_FIELDS = ("public_id", "client", "version", "status", "review_due_on")

# Separators inside the care-team aggregate: ASCII unit and record separators, which no
# name typed into a form holds (forms strip control characters).
_FIELD, _MEMBER = "\x1e", "\x1f"


def _filtered_clients(user: User, status: str | None, search: str) -> list[Client]:
    """The listed clients with their open alerts counted, their care team's names and their
    practice's co-signature rule, in one query: the count and the names come from correlated
    subqueries, not queries of their own."""
    alerts = (
        RiskAlert.objects.filter(client=OuterRef("pk"), acknowledged_at__isnull=True)
        .order_by()
        .values("client")
        .annotate(n=Count("id"))
        .values("n")
    )
    # Each member as "<1 if primary else 0><added_at><name>"; sorted in Python, since not every
    # database orders inside an aggregate.
    team = (
        CareTeamMember.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(
            names=StringAgg(
                Concat(
                    Cast("is_primary", models.IntegerField()),
                    Value(_FIELD),
                    Cast("added_at", models.CharField()),
                    Value(_FIELD),
                    "clinician__full_name",
                    output_field=models.TextField(),
                ),
                delimiter=Value(_MEMBER),
                output_field=models.TextField(),
            )
        )
        .values("names")
    )
    clients: list[Client] = list(
        filtered_clients(user, status=status, search=search)
        .only(*CLIENT_FIELDS)
        .annotate(
            open_alert_count=Coalesce(Subquery(alerts), 0),
            care_team_names=Subquery(team, output_field=models.TextField()),
            # The practice's rule, not the practice: no organization is built for each row.
            cosign_required=F("organization__cosign_required"),
        )
    )
    return clients


def _care_team(packed: str | None) -> tuple[str, ...]:
    """Names only, primary clinician first, then by when they joined."""
    members = [m.split(_FIELD, 2) for m in (packed or "").split(_MEMBER) if m]
    members.sort(key=lambda m: (m[0] != "1", m[1]))
    return tuple(name for _, _, name in members)


def _short_name(code: str) -> str:
    try:
        return instruments.get(code).short_name
    except UnknownInstrument:  # an instrument since withdrawn from the bundle
        return code


@dataclass(frozen=True)
class ClientMeasures:
    """One client's dated values by instrument and by metric, and their latest scores."""

    by_instrument: dict[str, Series]
    by_metric: dict[int, Series]
    latest_scores: tuple[LatestScore, ...]


def _stored_days(zone: dt.tzinfo) -> Callable[[str], dt.date]:
    """The local day in `zone` of a datetime as SQLite stores it (UTC text).

    What Django's converter and `astimezone(zone).date()` give, without building a datetime
    per row: the day is worked out once per UTC hour, and kept when the whole hour falls on
    one local day at one offset (both ends of the hour agree; no zone changes its offset
    twice within an hour). An hour holding local midnight or a change of offset, and any
    text not in Django's own format, is converted row by row.
    """
    hours: dict[str, dt.date | None] = {}
    hour = dt.timedelta(hours=1) - dt.timedelta(microseconds=1)

    def whole_hour(key: str) -> dt.date | None:
        start = dt.datetime.fromisoformat(f"{key}:00:00").replace(tzinfo=dt.UTC)
        first, last = start.astimezone(zone), (start + hour).astimezone(zone)
        if first.utcoffset() != last.utcoffset() or first.date() != last.date():
            return None
        return first.date()

    def exact(text: str) -> dt.date:
        value = parse_datetime(text)
        if value is None:
            raise ValueError(f"not a stored datetime: {text!r}")
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return value.astimezone(zone).date()

    def day(text: str) -> dt.date:
        # "YYYY-MM-DD HH:MM:SS" or with ".ffffff": Django's format, naive UTC.
        if len(text) == 19 or (len(text) == 26 and text[19] == "."):
            key = text[:13]
            try:
                found = hours[key]
            except KeyError:
                found = hours[key] = whole_hour(key)
            if found is not None:
                return found
        return exact(text)

    return day


class _LocalDays:
    """The local day of a datetime column, read without a datetime per row where possible.

    PostgreSQL converts time zones natively, so the database gives the day. SQLite stores
    UTC text: that text is read and dated by `_stored_days`, since Django's converter and
    `astimezone` for each of tens of thousands of rows took most of the page's time. Any
    other set-up reads the datetime and converts it, as Django would.
    """

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self.native = connection.vendor == "postgresql"
        self.stored = (
            _stored_days(zone)
            if connection.vendor == "sqlite" and connection.timezone_name == "UTC"
            else None
        )

    def column(self, name: str) -> Any:
        """The expression to read for the column `name`."""
        if self.native:
            return TruncDate(name, tzinfo=self.zone)
        if self.stored is not None:
            return Cast(name, output_field=models.TextField())
        return F(name)

    def reader(self) -> Callable[[Any], dt.date]:
        """Turns what `column` read (never NULL) into the local day."""
        if self.native:
            return _same
        if self.stored is not None:
            return self.stored
        zone = self.zone
        return lambda at: at.astimezone(zone).date()

    def day(self, value: Any) -> dt.date | None:
        return None if value is None else self.reader()(value)


def _same(value: dt.date) -> dt.date:
    return value


def _stored_dates() -> Callable[[str], dt.date]:
    """A date as SQLite stores it (text), parsed by Django's `parse_date` once per distinct
    day rather than by two converters on each of thousands of rows."""
    seen: dict[str, dt.date] = {}

    def date(text: str) -> dt.date:
        try:
            return seen[text]
        except KeyError:
            value = parse_date(text)
            if value is None:
                raise ValueError(f"not a stored date: {text!r}") from None
            seen[text] = value
            return value

    return date


def measures_for_clients(
    client_ids: Sequence[int], metric_ids: Iterable[int]
) -> dict[int, ClientMeasures]:
    """The values `plans.selectors.series_by_measure` gives, for many clients at once.

    Only values that count (not entered in error) and, for questionnaires, that were
    scored; dated by the local day (`_LocalDays`). One query for the administrations and
    one for the observations of `metric_ids`, read as plain tuples: a caseload holds tens
    of thousands of them, and model instances would cost most of the page's time.
    """
    return dict(_measures_by_client(client_ids, metric_ids))


# Clients named in a query: by their ids, or by a query of their ids (the dashboard's listed
# clients, so that no query carries hundreds of ids as parameters).
_Ids = Sequence[int] | models.QuerySet[Any, Any]


def _measures_by_client(
    client_ids: Sequence[int], metric_ids: Iterable[int], among: _Ids | None = None
) -> Iterator[tuple[int, ClientMeasures]]:
    """`measures_for_clients`, one client at a time.

    Administrations and observations are read by client, in the order of their indexes,
    and streamed from the database rather than loaded whole; each client's series are built
    as its rows arrive. A caller that keeps only what it judges from them never holds the
    caseload's tens of thousands of values at once: held, they made Python's garbage
    collector sweep the whole process several times a page. `among`, when given, names the
    same clients to the database.
    """
    among = client_ids if among is None else among
    listed = set(client_ids)
    observations = _observations(among, metric_ids)
    pending = next(observations, None)
    for client_id, by_instrument, latest in _administrations(among):
        while pending is not None and pending[0] < client_id:
            yield from _only_observations(pending, listed)
            pending = next(observations, None)
        by_metric: dict[int, Series] = {}
        if pending is not None and pending[0] == client_id:
            by_metric = pending[1]
            pending = next(observations, None)
        if client_id in listed:
            listed.discard(client_id)
            yield client_id, ClientMeasures(by_instrument, by_metric, latest)
    while pending is not None:
        yield from _only_observations(pending, listed)
        pending = next(observations, None)
    for client_id in client_ids:  # neither a scored questionnaire nor an observation
        if client_id in listed:
            yield client_id, ClientMeasures({}, {}, ())


def _only_observations(
    pending: tuple[int, dict[int, Series]], listed: set[int]
) -> Iterator[tuple[int, ClientMeasures]]:
    client_id, by_metric = pending
    if client_id in listed:
        listed.discard(client_id)
        yield client_id, ClientMeasures({}, by_metric, ())


def _administrations(
    among: _Ids,
) -> Iterator[tuple[int, dict[str, Series], tuple[LatestScore, ...]]]:
    """Each client's scored administrations that count, by instrument, and the latest of
    each, by client id."""
    day = _LocalDays(timezone.get_current_timezone())
    read_day = day.reader()
    names: dict[str, str] = {}
    rows = (
        Administration.objects.filter(
            client_id__in=among, entered_in_error_at__isnull=True, total__isnull=False
        )
        .order_by("client_id", "instrument_code", "administered_at", "id")
        .annotate(day=day.column("administered_at"))
        .values_list("client_id", "instrument_code", "total", "band_label", "day")
        .iterator(chunk_size=_CHUNK)
    )
    for client_id, client_rows in groupby(rows, key=itemgetter(0)):
        by_instrument: dict[str, Series] = {}
        latest: list[LatestScore] = []
        for code, group in groupby(client_rows, key=itemgetter(1)):
            administrations = list(group)
            # `total` is never NULL here (filtered above); the type does not know.
            series = [(read_day(at), float(total or 0)) for _, _, total, _, at in administrations]
            by_instrument[code] = series
            _, _, total, band_label, _ = administrations[-1]  # oldest first: the last is latest
            if code not in names:
                names[code] = _short_name(code)
            latest.append(LatestScore(code, names[code], total or 0, band_label, series[-1][0]))
        yield client_id, by_instrument, tuple(sorted(latest, key=_by_name))


# Rows fetched from the database at a time while streaming.
_CHUNK = 2000


def _observations(
    among: _Ids, metric_ids: Iterable[int]
) -> Iterator[tuple[int, dict[int, Series]]]:
    """Each client's observations of `metric_ids` that count, by metric, oldest first, by
    client id."""
    metric_ids = list(metric_ids)
    if not metric_ids:
        return
    text = connection.vendor == "sqlite"
    date = _stored_dates() if text else _same
    observations = (
        Observation.objects.filter(
            client_id__in=among,
            metric_id__in=metric_ids,
            entered_in_error_at__isnull=True,
        )
        .order_by("client_id", "metric_id", "period_start", "id")
        .annotate(
            start=Cast("period_start", output_field=models.TextField())
            if text
            else F("period_start")
        )
        .values_list("client_id", "metric_id", "start", "value")
        .iterator(chunk_size=_CHUNK)
    )
    for client_id, client_rows in groupby(observations, key=itemgetter(0)):
        yield (
            client_id,
            {
                metric_id: [(date(start), value) for _, _, start, value in values]
                for metric_id, values in groupby(client_rows, key=itemgetter(1))
            },
        )


_by_name = attrgetter("short_name", "instrument_code")


def _plans_in_force(
    among: _Ids,
) -> tuple[dict[int, TreatmentPlan], dict[int, int]]:
    """The plan in force of each client, and the version of a draft written beside it."""
    versions: dict[int, list[TreatmentPlan]] = defaultdict(list)
    signed = {
        f"signed_by_{role}": Exists(Signature.objects.filter(plan=OuterRef("pk"), role=role))
        for role in SignatureRole.values
    }
    for version in (
        TreatmentPlan.objects.filter(
            client_id__in=among, status__in=[PlanStatus.SIGNED, PlanStatus.DRAFT]
        )
        .only(*PLAN_FIELDS)
        .annotate(**signed)
        .order_by("client_id", "-version")
    ):
        versions[version.client_id].append(version)
    in_force: dict[int, TreatmentPlan] = {}
    drafts: dict[int, int] = {}
    for client_id, plans in versions.items():
        plan = in_force_among(plans)
        if plan is None:
            continue
        in_force[client_id] = plan
        draft = next((p for p in plans if p.is_draft and p is not plan), None)
        if draft is not None:
            drafts[client_id] = draft.version
    return in_force, drafts


_SIGNED_BY = tuple((role, f"signed_by_{role}") for role in SignatureRole.values)


def _signature_roles(plan: TreatmentPlan) -> set[str]:
    """The roles that signed a plan read by `_plans_in_force` (annotated there)."""
    return {role for role, flag in _SIGNED_BY if getattr(plan, flag, False)}


class _Tracked(NamedTuple):
    """An active target's columns, and where its values come from. The domain's Target is
    built from it only while its client is judged, so the caseload's are never all held."""

    instrument_code: str
    metric_id: int | None
    metric_name: str | None
    metric_unit: str | None
    metric_period: str | None
    target_value: float
    comparator: str
    direction: str
    baseline: float | None
    due_date: dt.date
    confirmed: bool
    set_on: dt.date
    course_start: dt.date | None

    def domain(self) -> DomainTarget:
        return domain_target(
            instrument_code=self.instrument_code,
            metric=(
                (self.metric_name or "", self.metric_unit or "", self.metric_period or "")
                if self.metric_id is not None
                else None
            ),
            target_value=self.target_value,
            comparator=self.comparator,
            direction=self.direction,
            baseline=self.baseline,
            due_date=self.due_date,
            confirmed=self.confirmed,
            set_on=self.set_on,
        )


class _Link(NamedTuple):
    """One version of a target in the chain `plans.selectors.course_start` follows: its
    instrument, the day of its baseline administration and the target it was copied from."""

    instrument_code: str
    baseline_day: dt.date | None
    previous: int | None


def _of_goals(goals: models.QuerySet[Goal]) -> Q:
    """The targets of `goals` and of their objectives, found through the target's own indexed
    columns, so the database uses its indexes rather than joining every target there is."""
    return Q(goal__in=goals.values("id")) | Q(
        objective__in=Objective.objects.filter(goal__in=goals.values("id")).values("id")
    )


# The target each version was copied from: its goal's (or objective's) origin's target.
_PREVIOUS = Coalesce(
    F("goal__origin__target"), F("objective__origin__target"), output_field=models.IntegerField()
)
_LINK_FIELDS = ("id", "instrument_code", "baseline_at", "previous")


def _link(row: dict[str, Any], days: _LocalDays) -> _Link:
    return _Link(row["instrument_code"], days.day(row["baseline_at"]), row["previous"])


def _course_start(target_id: int, links: dict[int, _Link], days: _LocalDays) -> dt.date | None:
    """`plans.selectors.course_start` from rows already read (`links`: the targets of the
    clients' earlier versions too), not a query per version: the day the course of
    treatment of the target's instrument began.

    A version is copied from its client's own plans, so the earlier versions read with the
    plans in force hold every target a chain goes back to; one not found there (never, by
    how versions are made) is read in one query for each step back.
    """
    code = links[target_id].instrument_code
    start: dt.date | None = None
    current: int | None = target_id
    for _ in range(MAX_VERSIONS_FOLLOWED):
        if current is None:
            break
        if current not in links:
            missing = Target.objects.filter(pk=current).annotate(
                baseline_at=days.column("baseline_administration__administered_at"),
                previous=_PREVIOUS,
            )
            for row in missing.values(*_LINK_FIELDS):
                links[row["id"]] = _link(row, days)
            if current not in links:
                break
        link = links[current]
        if link.instrument_code != code:
            break
        start = link.baseline_day
        current = link.previous
    return start


def _active_targets(in_force: Iterable[TreatmentPlan], among: _Ids) -> dict[int, list[_Tracked]]:
    """The targets of each plan's active goals: a goal's own and those of its objectives.

    A goal met, revised or discontinued has nothing left to track. Read as plain tuples,
    and turned into the domain's Target by the same helper as the plan editor's.
    """
    in_force_ids = {plan.pk for plan in in_force}
    days = _LocalDays(timezone.get_current_timezone())
    day = days.reader()
    # Every version's targets: those of the active goals of the plans in force are tracked;
    # the earlier versions' tell where each chain of versions began (`_course_starts`).
    goals = Goal.objects.filter(plan__client_id__in=among)
    query = (
        Target.objects.filter(_of_goals(goals))
        .annotate(
            plan_pk=Coalesce(
                F("goal__plan"), F("objective__goal__plan"), output_field=models.IntegerField()
            ),
            goal_status=Coalesce(F("goal__status"), F("objective__goal__status")),
            baseline_at=days.column("baseline_administration__administered_at"),
            previous=_PREVIOUS,
            set_on=days.column("updated_at"),
        )
        .values_list(
            *_LINK_FIELDS,
            "plan_pk",
            "goal_status",
            "metric_id",
            "metric__name",
            "metric__unit",
            "metric__period",
            "target_value",
            "comparator",
            "direction",
            "baseline",
            "due_date",
            "confirmed",
            "set_on",
        )
    )
    rows = list(query)
    tracked = [r for r in rows if r[4] in in_force_ids and r[5] == GoalStatus.ACTIVE]
    # Only a target carried over from an earlier version needs the chain of versions.
    links = (
        {r[0]: _Link(r[1], day(r[2]) if r[2] else None, r[3]) for r in rows}
        if any(r[1] and r[3] is not None for r in tracked)
        else {}
    )
    targets: dict[int, list[_Tracked]] = defaultdict(list)
    for (
        target_id,
        code,
        baseline_at,
        previous,
        plan_pk,
        _,
        metric_id,
        name,
        unit,
        period,
        target_value,
        comparator,
        direction,
        baseline,
        due_date,
        confirmed,
        set_on,
    ) in tracked:
        if not code:
            start = None  # a metric's values all count
        elif previous is not None:
            start = _course_start(target_id, links, days)
        else:
            start = day(baseline_at) if baseline_at else None
        targets[plan_pk].append(
            _Tracked(
                code,
                metric_id,
                name,
                unit,
                period,
                target_value,
                comparator,
                direction,
                baseline,
                due_date,
                confirmed,
                day(set_on),
                start,
            )
        )
    return targets


def _off_track(targets: Sequence[_Tracked], values: ClientMeasures, today: dt.date) -> int:
    """How many of a plan's targets are off track: the verdict of
    `plans.selectors.target_progress_for` on each, from targets and series already read."""
    count = 0
    for tracked in targets:
        series = measure_series(
            instrument_code=tracked.instrument_code,
            metric_id=tracked.metric_id,
            start=tracked.course_start,
            by_instrument=values.by_instrument,
            by_metric=values.by_metric,
            metric=(
                (tracked.metric_period or "", tracked.metric_unit or "", tracked.metric_name or "")
                if tracked.metric_id is not None
                else None
            ),
        )
        count += _is_off_track(*target_verdict(tracked.domain(), series, today=today))
    return count


def caseload_dashboard(
    user: User,
    *,
    status: str | None = None,
    search: str = "",
    today: dt.date | None = None,
) -> Dashboard:
    """The caseload page's rows for a clinician or supervisor, in a fixed number of queries.

    `status` and `search` filter as in caseload_for_user. `today` is for tests; it
    defaults to the local date.
    """
    membership = require_membership(user, Role.CLINICIAN, Role.SUPERVISOR)
    today = today or timezone.localdate()
    clients = _filtered_clients(user, status, search)
    ids = [c.id for c in clients]
    # The same clients for the database: the rule again rather than hundreds of parameters.
    among = filtered_clients(user, status=status, search=search).values("id")
    in_force, drafts = _plans_in_force(among)
    targets = _active_targets(in_force.values(), among)
    metric_ids = {t.metric_id for ts in targets.values() for t in ts if t.metric_id}
    # Each client's values are judged as they are read, and only the verdicts are kept.
    judged: dict[int, tuple[tuple[LatestScore, ...], int]] = {}
    for client_id, values in _measures_by_client(ids, metric_ids, among):
        plan = in_force.get(client_id)
        tracked = targets.get(plan.pk) if plan is not None else None
        off_track = _off_track(tracked, values, today) if tracked else 0
        judged[client_id] = (values.latest_scores, off_track)

    rows = []
    for client in clients:
        plan = in_force.get(client.pk)
        state, words = plan_status(
            plan,
            roles=_signature_roles(plan) if plan is not None and not plan.is_draft else (),
            cosign_required=getattr(client, "cosign_required", False),
        )
        due = plan.review_due_on if plan is not None else None
        latest_scores, off_track = judged[client.pk]
        plan_targets = targets.get(plan.pk, []) if plan is not None else []
        rows.append(
            CaseloadRow(
                client=client,
                care_team=_care_team(getattr(client, "care_team_names", None)),
                plan=plan,
                plan_state=state,
                plan_words=words,
                draft_version=drafts.get(client.pk),
                review_due_on=due,
                review_state=review_state(due, today=today),
                days_to_review=(due - today).days if due is not None else None,
                open_alerts=getattr(client, "open_alert_count", 0),
                latest_scores=latest_scores,
                targets=len(plan_targets),
                off_track=off_track,
            )
        )

    audit_record(
        action="client.dashboard",
        actor=user,
        organization=membership.organization,
        object_type="client",
        detail={"clients": [c.public_id for c in clients]},
    )
    reviews = sorted(
        (r for r in rows if r.review_state in ("overdue", "due-soon")),
        key=lambda r: (r.review_due_on, r.client.family_name, r.client.given_name),
    )
    return Dashboard(rows=tuple(rows), reviews=tuple(reviews), today=today)
