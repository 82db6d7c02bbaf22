"""`{% open_risk_alerts client as alerts %}`: a client's open risk alerts, for pages of apps
that show them (the client page, the plan editor, the formulation, notes, self-monitoring)
without their views knowing; `{% include "measures/_client_alerts.html" %}` does both steps.

Read through measures/access.py (audited), as the signed-in clinician, for a client the
page's view already fetched through clients/access.py.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import dateformat

from milepost.accounts.models import Organization
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.measures.access import open_alerts_for_client
from milepost.measures.models import RiskAlert

register = template.Library()


@register.simple_tag(takes_context=True)
def open_risk_alerts(context: template.Context, client: Client) -> list[RiskAlert]:
    return open_alerts_for_client(context["request"].user, client)


@register.filter
def risk_answer(alert: RiskAlert) -> str:
    """The answer that raised the alert, as the client gave it: 'Item 9 answered “Several
    days” (1 of 3)'; "" when the alert has no sent answers yet (a portal draft)."""
    administration = alert.administration
    if administration is None:
        return ""
    try:
        instrument = instruments.get(administration.instrument_code)
    except instruments.UnknownInstrument:
        return ""
    rule = next((r for r in instrument.flags if r.code == alert.code), None)
    answers = administration.answers or []
    if rule is None or not 0 < rule.item <= min(len(answers), len(instrument.items)):
        return ""
    value = answers[rule.item - 1]
    item = instrument.items[rule.item - 1]
    if value is None:
        return f"Item {rule.item} left blank"
    label = next((o.label for o in item.options if o.value == value), "")
    words = f"“{label}” " if label else ""
    return f"Item {rule.item} answered {words}({value} of {item.max_value})"


# Whether practices have a time zone setting of their own (read only then: no query otherwise).
_PRACTICE_ZONES = any(f.name == "time_zone" for f in Organization._meta.get_fields())


def _practice_zone(client: Client) -> str:
    return str(getattr(client.organization, "time_zone", "") or "")


@register.filter
def practice_time(value: dt.datetime | None, client: Client) -> str:
    """A moment in the client's practice's time zone, with the zone named (decision 0813):
    the practice's own setting where there is one, else the server's TIME_ZONE."""
    if value is None:
        return ""
    zone = (_practice_zone(client) if _PRACTICE_ZONES else "") or settings.TIME_ZONE
    try:
        local = value.astimezone(ZoneInfo(str(zone)))
    except (ValueError, KeyError):
        local = value.astimezone(ZoneInfo(settings.TIME_ZONE))
    return dateformat.format(local, "j M Y, H:i T")
