"""Template tags of the assistant: a drafted item's provenance, a factor's words."""

from __future__ import annotations

from typing import Any

from django import template

from milepost.domain import target_words
from milepost.drafting.access import drafted_items_for_plan

register = template.Library()


@register.filter
def comparator_sign(comparator: str | None) -> str:
    """'<=' as '≤': the sign a clinician reads, not the engine's code."""
    return target_words.comparator_sign(comparator)


@register.simple_tag
def drafted_row(accepted: dict[str, Any], item_id: str) -> Any:
    return accepted.get(item_id)


@register.simple_tag
def factor_text(draft: dict[str, Any], factor_id: str) -> str:
    return next((f["text"] for f in draft["factors"] if f["id"] == factor_id), factor_id)


@register.simple_tag(takes_context=True)
def drafted_by(context: template.Context, plan: Any, item: Any) -> str:
    """ "Drafted by the assistant from the intake, edited by Alice" for an item of the plan
    editor, or "" when a person wrote it. The plan's provenance is read once per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return ""
    cache: dict[int, dict[str, Any]] = getattr(request, "_drafted_items", {})
    if plan.pk not in cache:
        cache[plan.pk] = drafted_items_for_plan(user, plan)
        request._drafted_items = cache
    rows = cache[plan.pk]
    # A goal or objective copied into a new version keeps its provenance through `origin`.
    seen = 0
    while item is not None and seen < 50:
        row = rows.get(getattr(item, "public_id", ""))
        if row is not None:
            return row.description
        item = getattr(item, "origin", None)
        seen += 1
    return ""
