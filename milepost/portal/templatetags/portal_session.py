"""The idle-timeout warning on every portal page (decision 0823)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from milepost.accounts.middleware import AUTOSAVE_HEADER, idle_seconds_left

register = template.Library()


@register.inclusion_tag("portal/_idle_warning.html", takes_context=True)
def portal_idle_warning(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "seconds_left": idle_seconds_left(request),
        "stay_url": reverse("portal:stay_signed_in"),
        "autosave_header": AUTOSAVE_HEADER,
        "csrf_token": context.get("csrf_token"),
    }
