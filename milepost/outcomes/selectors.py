"""The practice outcome report, aggregated in SQL; unaudited building blocks for access.py,
which checks who asks and audits what they read.

Each family's figures are one ``GROUP BY`` over the group counts the rebuild wrote from the
fact tables (``SUM`` of counts per key, decision 1006), so the database returns one row per
group; Python only merges the four families by group and hides small cells
(domain.outcomes.rate, decision 1003). The drill-down reads the case facts themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet, Sum

from milepost.accounts.models import Organization, User
from milepost.clients.models import Programme
from milepost.domain import instruments
from milepost.domain.errors import UnknownInstrument
from milepost.domain.outcomes import DEFAULT_MINIMUM_CELL, rate, suppressed
from milepost.outcomes.models import Case, GroupCount, Refresh

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
TOTAL = "__total__"


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
    refreshed: Refresh | None
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


def _row(key: str, label: str, figures: Mapping[str, dict | None], minimum: int) -> Row:
    empty: dict[str, Any] = {}
    case = figures["cases"] or empty
    target = figures["targets"] or empty
    review = figures["reviews"] or empty
    client = figures["clients"] or empty
    n_cases = case.get("n") or 0
    at_start = case.get("at_start") or 0
    n_clients = client.get("n") or 0
    measured = client.get("measured") or 0
    sessions = client.get("seen") or 0
    return Row(
        key=key,
        label=label,
        cases=_count(n_cases, minimum),
        recovery=rate(case.get("n_recovered") or 0, at_start, minimum=minimum),
        reliable_improvement=rate(case.get("n_improved") or 0, n_cases, minimum=minimum),
        reliable_recovery=rate(case.get("n_reliably_recovered") or 0, at_start, minimum=minimum),
        reliable_deterioration=rate(case.get("n_deteriorated") or 0, n_cases, minimum=minimum),
        targets_due=_count(target.get("n") or 0, minimum),
        goal_attainment=rate(target.get("n_met") or 0, target.get("n") or 0, minimum=minimum),
        reviews_due=_count(review.get("n") or 0, minimum),
        review_timeliness=rate(review.get("n_on_time") or 0, review.get("n") or 0, minimum=minimum),
        clients=_count(n_clients, minimum),
        days_to_first_measure=(
            None if suppressed(measured, minimum=minimum) else (client.get("days") or 0) / measured
        ),
        measures_per_session=(
            None
            if suppressed(n_clients, minimum=minimum) or not sessions
            else (client.get("scored") or 0) / sessions
        ),
    )


def check_instrument(code: str) -> str:
    """The instrument's code, or :class:`UnknownInstrument` for a name nobody bundles."""
    return instruments.get(code).code


def _labels(
    organization: Organization, group_by: str, keys: list[Any]
) -> dict[Any, tuple[str, str]]:
    """Each group's label, and what a drill-down link names it by (never a database id or,
    for a diagnosis group or an instrument, anything but its code)."""
    if group_by == "clinician":
        users = User.objects.filter(membership__organization=organization, id__in=keys).only(
            "id", "public_id", "full_name", "credentials"
        )
        named = {u.id: (u.display_name, u.public_id) for u in users}
        return {k: named.get(k, ("No clinician", "")) for k in keys}
    if group_by == "programme":
        programmes = Programme.objects.filter(organization=organization, id__in=keys).only(
            "id", "public_id", "name"
        )
        named_programmes = {p.id: (p.name, p.public_id) for p in programmes}
        return {k: named_programmes.get(k, ("No programme", "-")) for k in keys}
    if group_by == "instrument":
        out = {}
        for k in keys:
            if not k:
                out[k] = (METRICS_LABEL, "-")
                continue
            try:
                out[k] = (instruments.get(k).short_name, k)
            except UnknownInstrument:
                out[k] = (k, k)
        return out
    if group_by == "diagnosis":
        return {k: (k or "No diagnosis", k or "-") for k in keys}
    return {k: (quarter_label(k), k.isoformat()) for k in keys}


#: What each family's summed columns mean to :func:`_row`.
_MEANING = {
    "case": {
        "n": "n",
        "at_start": "a",
        "n_recovered": "b",
        "n_improved": "c",
        "n_reliably_recovered": "d",
        "n_deteriorated": "e",
    },
    "target": {"n": "n", "n_met": "a"},
    "review": {"n": "n", "n_on_time": "a"},
    "client": {"n": "n", "measured": "a", "scored": "b", "seen": "c", "days": "x"},
}
_SUMS = {f"s_{c}": Sum(c) for c in ("n", "a", "b", "c", "d", "e", "x")}


def _counted(
    organization: Organization, family: str, group_by: str, filters: Filters
) -> dict[Any, dict]:
    """One family's figures per key (typed back from text) and their total, summed in SQL
    from the group counts the rebuild wrote."""
    qs = _in_period(
        GroupCount.objects.filter(organization=organization, family=family, group_by=group_by),
        filters,
    )
    if filters.instrument and family in ("case", "target"):
        qs = qs.filter(instrument_code=filters.instrument)
    meaning = _MEANING[family]
    rows: dict[Any, dict] = {}
    for row in qs.values("key").annotate(**_SUMS).order_by():
        figures = {name: row[f"s_{column}"] for name, column in meaning.items()}
        rows[_typed_key(group_by, row["key"])] = figures
    rows[TOTAL] = {name: sum(r[name] or 0 for r in rows.values()) for name in meaning}
    return rows


def _typed_key(group_by: str, key: str) -> Any:
    if group_by in ("clinician", "programme"):
        return int(key) if key else None
    if group_by == "period":
        return dt.date.fromisoformat(key)
    return key


def practice_report(organization: Organization, filters: Filters) -> Report:
    """Every group's figures and the practice total for one practice.

    Sums over the group counts (decision 1006): one small ``GROUP BY`` per family.
    """
    minimum = minimum_cell()
    group_by = filters.group_by
    families: dict[str, dict[Any, dict]] = {
        "cases": _counted(organization, "case", group_by, filters),
        "targets": _counted(organization, "target", group_by, filters),
    }
    notes = []
    if group_by == "instrument":
        # Reviews and clients belong to no one instrument: only their practice total shows.
        for family, name in (("review", "reviews"), ("client", "clients")):
            families[name] = {TOTAL: _counted(organization, family, "period", filters)[TOTAL]}
        notes.append("Reviews and time to first measure are not per instrument: see the total.")
    else:
        families["reviews"] = _counted(organization, "review", group_by, filters)
        families["clients"] = _counted(organization, "client", group_by, filters)
    keys = sorted(
        {k for family in families.values() for k in family if k != TOTAL},
        key=lambda k: (k is None, str(k)),
    )
    labels = _labels(organization, group_by, keys)
    rows = [
        _row(
            labels[k][1],
            labels[k][0],
            {family: figures.get(k) for family, figures in families.items()},
            minimum,
        )
        for k in keys
    ]
    if group_by != "period":
        rows.sort(key=lambda r: r.label.lower())
    total = _row(
        "",
        "Practice",
        {family: figures.get(TOTAL) for family, figures in families.items()},
        minimum,
    )
    refreshed = Refresh.objects.filter(organization=organization).first()
    return Report(filters, minimum, rows, total, refreshed, notes)


def cases_in_group(organization: Organization, filters: Filters, key: str) -> QuerySet[Case] | None:
    """The cases of one group (``key`` as :func:`_labels` named it); None for a bad key.

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
