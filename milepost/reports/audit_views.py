"""Audit reports for practice admins: filter the trail, page through it, export it as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from milepost.accounts.access import org_users_for_admin, practice_custodians
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.audit.models import AuditEvent
from milepost.reports.audit_forms import AuditFilterForm
from milepost.reports.audit_trail import audit_events_for_admin

PAGE_SIZE = 100
CSV_COLUMNS = (
    "occurred_at",
    "actor",
    "actor_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "ip",
    "detail",
    "count",
    "first_at",
    "last_at",
)


def _form(request: SignedInRequest) -> AuditFilterForm:
    user = request.user
    people = [(p.public_id, p.display_name) for p in org_users_for_admin(user)]
    return AuditFilterForm(request.GET or None, people=people)


def _times(event: AuditEvent) -> list[str]:
    """How often the event's read was repeated in its window, and when first and last
    (decision 0017): from the window while it is open, from the chained closing event's
    detail once closed. Empty for an event that stands for itself."""
    repeat = getattr(event, "repeats", None)
    if repeat is not None and repeat.count > 1:
        first, last = event.occurred_at, repeat.last_at
        return [
            str(repeat.count),
            timezone.localtime(first).isoformat(),
            timezone.localtime(last).isoformat(),
        ]
    repeated = event.detail.get("repeated")
    if isinstance(repeated, dict):
        return [
            str(repeated.get("count", "")),
            str(repeated.get("first", "")),
            str(repeated.get("last", "")),
        ]
    return ["", "", ""]


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.display_name
    # A probe from another practice names no one (decision 0016).
    by = event.detail.get("by")
    return by if isinstance(by, str) else "(system)"


def _row(event: AuditEvent) -> list[str]:
    actor = event.actor
    membership = getattr(actor, "membership", None) if actor is not None else None
    detail = {k: v for k, v in event.detail.items() if k not in ("repeated", "by")}
    return [
        timezone.localtime(event.occurred_at).isoformat(),
        _who(event),
        actor.public_id if actor is not None else "",
        membership.get_role_display() if membership is not None else "",
        event.action,
        event.object_type,
        event.object_id,
        event.client.public_id if event.client is not None else "",
        event.ip,
        ", ".join(f"{k}={v}" for k, v in sorted(detail.items())),
        *_times(event),
    ]


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts like a formula (OWASP CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_safe
@policy(Policy.ORG_ADMIN)
def report(request: SignedInRequest) -> HttpResponseBase:
    form = _form(request)
    if request.GET and not form.is_valid():
        return render(request, "reports/audit_trail.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if request.GET else AuditFilterForm.empty_filters()
    events = audit_events_for_admin(request.user, filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/audit_trail.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(e) for e in page],
            "query": query.urlencode(),
            # Who may export every clinical record, shown above every report (decision 0606).
            "custodians": practice_custodians(request.user),
        },
    )


@require_safe
@policy(Policy.ORG_ADMIN)
def report_csv(request: SignedInRequest) -> HttpResponseBase:
    form = _form(request)
    if request.GET and not form.is_valid():
        return render(request, "reports/audit_trail.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if request.GET else AuditFilterForm.empty_filters()
    events = audit_events_for_admin(request.user, filters, purpose="export")
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow([_cell(v) for v in _row(event)])

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
