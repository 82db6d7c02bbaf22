"""`{% open_risk_alerts client as alerts %}`: a client's open risk alerts, for pages of apps
below measures that show them (the client page) without their views knowing.

Read through measures/access.py (audited), as the signed-in clinician, for a client the
page's view already fetched through clients/access.py.
"""

from __future__ import annotations

from django import template

from milepost.clients.models import Client
from milepost.measures.access import open_alerts_for_client
from milepost.measures.models import RiskAlert

register = template.Library()


@register.simple_tag(takes_context=True)
def open_risk_alerts(context: template.Context, client: Client) -> list[RiskAlert]:
    return open_alerts_for_client(context["request"].user, client)
