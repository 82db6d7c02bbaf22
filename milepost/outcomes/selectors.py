"""The practice outcome report, aggregated in SQL; unaudited building blocks for access.py,
which checks who asks and audits what they read.

One statement per report sums the group counts the rebuild wrote from the fact tables
(decision 1006) per family and group (report_sql.py), so the database returns one row per
family and group; Python only merges the four families by group and hides small cells
(domain.outcomes.rate, decision 1003). The drill-down reads the case facts themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Q, QuerySet

from milepost.accounts.models import Organization, User
from milepost.clients.models import ClientStatus, Programme
from milepost.domain import instruments
from milepost.domain.directory.track_record import Counts as TrackCounts
from milepost.domain.errors import UnknownInstrument
from milepost.domain.outcomes import DEFAULT_MINIMUM_CELL, rate, suppressed
from milepost.outcomes.models import Case
from milepost.outcomes.report_sql import COLUMNS, Group, group_sums

GroupBy = Literal["clinician", "instrument", "diagnosis", "programme", "period"]
GROUP_FIELDS: dict[str, str] = {
    "clinician": "clinician_id",
    "instrument": "instrument_code",
    "diagnosis": "diagnosis_group",
    "programme": "programme_id",
    "period": "period",
}
GROUP_LABELS = {
    "clinician": "Clinician",
    "instrument": "Instrument",
    "diagnosis": "Diagnosis group",
    "programme": "Programme",
    "period": "Quarter",
}
#: The instrument "group" of self-monitoring metric targets (they have no instrument).
METRICS_LABEL = "Self-monitoring metrics"


def minimum_cell() -> int:
    return int(getattr(settings, "OUTCOMES_MINIMUM_CELL", DEFAULT_MINIMUM_CELL))


@dataclass(frozen=True)
class Filters:
    group_by: GroupBy = "clinician"
    instrument: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "group_by": self.group_by,
            "instrument": self.instrument,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }


@dataclass(frozen=True)
class Row:
    """One group's figures; ``None`` is a suppressed (or undefined) cell."""

    key: str
    label: str
    cases: int | None
    recovery: float | None
    reliable_improvement: float | None
    reliable_recovery: float | None
    reliable_deterioration: float | None
    targets_due: int | None
    goal_attainment: float | None
    reviews_due: int | None
    review_timeliness: float | None
    clients: int | None
    days_to_first_measure: float | None
    measures_per_session: float | None


@dataclass(frozen=True)
class Report:
    filters: Filters
    minimum: int
    rows: list[Row]
    total: Row
    refreshed_at: dt.datetime | None
    notes: list[str] = field(default_factory=list)


def quarter_label(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _in_period(qs: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    if filters.since:
        qs = qs.filter(period__gte=filters.since)
    if filters.until:
        qs = qs.filter(period__lte=filters.until)
    return qs


def _count(n: int, minimum: int) -> int | None:
    return None if suppressed(n, minimum=minimum) else n


def _row(key: str, label: str, v: Sequence[int | float], minimum: int) -> Row:
    """One group's figures from its sums in report_sql.COLUMNS' order."""
    (
        n_cases,
        at_start,
        recovered,
        improved,
        reliably_recovered,
        deteriorated,
        targets,
        met,
        reviews,
        on_time,
        n_clients,
        measured,
        scored,
        sessions,
        days,
    ) = v
    return Row(
        key=key,
        label=label,
        cases=_count(int(n_cases), minimum),
        recovery=rate(int(recovered), int(at_start), minimum=minimum),
        reliable_improvement=rate(int(improved), int(n_cases), minimum=minimum),
        reliable_recovery=rate(int(reliably_recovered), int(at_start), minimum=minimum),
        reliable_deterioration=rate(int(deteriorated), int(n_cases), minimum=minimum),
        targets_due=_count(int(targets), minimum),
        goal_attainment=rate(int(met), int(targets), minimum=minimum),
        reviews_due=_count(int(reviews), minimum),
        review_timeliness=rate(int(on_time), int(reviews), minimum=minimum),
        clients=_count(int(n_clients), minimum),
        days_to_first_measure=None
        if suppressed(int(measured), minimum=minimum)
        else days / measured,
        measures_per_session=(
            None
            if suppressed(int(n_clients), minimum=minimum) or not sessions
            else scored / sessions
        ),
    )


def check_instrument(code: str) -> str:
    """The instrument's code, or :class:`UnknownInstrument` for a name nobody bundles."""
    return instruments.get(code).code


def _label(group_by: str, group: Group) -> tuple[str, str]:
    """A group's label, and what a drill-down link names it by (never a database id or, for
    a diagnosis group or an instrument, anything but its code). Clinicians and programmes
    are named as the report's statement joined them in."""
    key = group.key
    if group_by == "clinician":
        if not group.public_id:
            return "No clinician", ""
        label = f"{group.name}, {group.credentials}" if group.credentials else group.name
        return label, group.public_id
    if group_by == "programme":
        return (group.name, group.public_id) if group.public_id else ("No programme", "-")
    if group_by == "instrument":
        if not key:
            return METRICS_LABEL, "-"
        try:
            return instruments.get(key).short_name, key
        except UnknownInstrument:
            return key, key
    if group_by == "diagnosis":
        return key or "No diagnosis", key or "-"
    return quarter_label(dt.date.fromisoformat(key)), key


#: Grouped by instrument, the columns of reviews and clients (no instrument's): report_sql
#: puts their practice totals in the group of the key ''.
_NOT_PER_INSTRUMENT = frozenset(
    i for i, (family, _count) in enumerate(COLUMNS) if family in ("review", "client")
)


def practice_report(organization: Organization, filters: Filters) -> Report:
    """Every group's figures and the practice total for one practice.

    One SQL statement sums the group counts (decision 1006) per group, every family side by
    side, and names the groups (report_sql.py, decision 1012); Python adds the groups up
    for the total and hides small cells.
    """
    minimum = minimum_cell()
    group_by = filters.group_by
    sums = group_sums(
        organization.pk,
        group_by,
        instrument=filters.instrument,
        since=filters.since,
        until=filters.until,
    )
    groups = sums.groups
    total = [sum(column) for column in zip(*(g.sums for g in groups), strict=True)] or [0] * len(
        COLUMNS
    )
    notes = []
    if group_by == "instrument":
        # Reviews and clients belong to no one instrument: only their practice total shows.
        notes.append("Reviews and time to first measure are not per instrument: see the total.")
        groups = [
            Group(
                g.key,
                tuple(0 if i in _NOT_PER_INSTRUMENT else v for i, v in enumerate(g.sums)),
            )
            for g in groups
            if any(v for i, v in enumerate(g.sums) if i not in _NOT_PER_INSTRUMENT)
        ]
    rows = [
        _row(link, label, group.sums, minimum)
        for group in groups
        for label, link in [_label(group_by, group)]
    ]
    if group_by == "period":
        rows.sort(key=lambda r: r.key)
    else:
        rows.sort(key=lambda r: r.label.lower())
    return Report(
        filters, minimum, rows, _row("", "Practice", total, minimum), sums.refreshed_at, notes
    )


def cases_in_group(organization: Organization, filters: Filters, key: str) -> QuerySet[Case] | None:
    """The cases of one group (``key`` as :func:`_label` named it); None for a bad key.

    Read from the primary: the caller narrows them to the clients the reader may see now.
    """
    cases = _in_period(
        Case.objects.using(DEFAULT_DB_ALIAS).filter(organization=organization), filters
    )
    if filters.instrument:
        cases = cases.filter(instrument_code=filters.instrument)
    if filters.group_by == "clinician":
        user = User.objects.filter(membership__organization=organization, public_id=key).first()
        if user is None:
            return None
        return cases.filter(clinician=user)
    if filters.group_by == "programme":
        if key == "-":
            return cases.filter(programme__isnull=True)
        programme = Programme.objects.filter(organization=organization, public_id=key).first()
        return None if programme is None else cases.filter(programme=programme)
    if filters.group_by == "period":
        try:
            return cases.filter(period=dt.date.fromisoformat(key))
        except ValueError:
            return None
    value = "" if key == "-" else key
    if len(value) > 20:
        return None
    return cases.filter(**{GROUP_FIELDS[filters.group_by]: value})


# --------------------------------------------------------------------------- track records


def _track_cases(organization: Organization) -> QuerySet[Case]:
    """The cases a track record counts (decision 1221): finished courses (the client is
    discharged) whose first score was at caseness, with a clinician."""
    return Case.objects.filter(
        organization=organization,
        at_caseness_start=True,
        clinician__isnull=False,
        client__status=ClientStatus.DISCHARGED,
    )


def _counts_by(cases: QuerySet[Any], key: str) -> dict[Any, TrackCounts]:
    """Cases, recovered and reliably improved, grouped by one column: one ``GROUP BY``."""
    rows = (
        cases.values(key)
        .annotate(
            n_cases=Count("pk"),
            n_recovered=Count("pk", filter=Q(recovered=True)),
            n_improved=Count("pk", filter=Q(improved=True)),
        )
        .order_by()
    )
    return {r[key]: TrackCounts(r["n_cases"], r["n_recovered"], r["n_improved"]) for r in rows}


def track_counts(
    organization: Organization, instrument_code: str, clinician_ids: Iterable[int]
) -> dict[int, TrackCounts]:
    """Each clinician's cases on one measure and how many recovered and reliably improved:
    one ``GROUP BY clinician`` over the case facts. A clinician without cases is absent."""
    cases = _track_cases(organization).filter(
        instrument_code=instrument_code, clinician_id__in=list(clinician_ids)
    )
    return _counts_by(cases, "clinician_id")


def own_track_counts(organization: Organization, clinician_id: int) -> dict[str, TrackCounts]:
    """One clinician's counts per measure (instrument code): one ``GROUP BY instrument``."""
    return _counts_by(
        _track_cases(organization).filter(clinician_id=clinician_id), "instrument_code"
    )
