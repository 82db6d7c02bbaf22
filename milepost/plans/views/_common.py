"""Helpers every plans view shares: the editor's URL, a refusal turned
into a message, the SMART analysis shaped for its fragment.

The module is the package's own; its names keep the leading underscore they had when the
views were one module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from milepost.domain import instruments, smart
from milepost.domain.compliance import Finding
from milepost.domain.target_progress import target_words
from milepost.lib.concurrency import token
from milepost.plans import services
from milepost.plans.models import Goal, Objective, Target, TreatmentPlan
from milepost.plans.selectors import target_of, target_to_domain


def findings_for(findings: list[Finding], where: str) -> tuple[Finding, ...]:
    """The compliance findings about one element (the plan, a goal, an objective…)."""
    return tuple(f for f in findings if f.where == where)


def _purpose(request: HttpRequest) -> str:
    """How a read is named in the audit trail: to change a record, or to look at it."""
    return "edit" if request.method == "POST" else "view"


def _editor_url(plan: TreatmentPlan, anchor: str = "") -> str:
    url = reverse("plans:editor", args=[plan.client.public_id, plan.public_id])
    return f"{url}#{anchor}" if anchor else url


def _measure_name(target: Target | None) -> str:
    if target is None:
        return ""
    if target.instrument_code:
        return instruments.get(target.instrument_code).short_name
    return str(target.metric)


def _draft_or_back(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _attempt(request: HttpRequest, change: Callable[[], object], success: str = "") -> None:
    """Run one change of a plan; its refusal (e.g. a signed plan) becomes a message."""
    try:
        change()
    except ValidationError as error:
        _draft_or_back(request, error)
    else:
        if success:
            messages.success(request, success)


def _move(items: list[Any], public_id: str, direction: str) -> list[str] | None:
    if direction not in ("up", "down"):
        return None
    ids = [item.public_id for item in items]
    index = ids.index(public_id)
    swap = index - 1 if direction == "up" else index + 1
    if not 0 <= swap < len(ids):
        return None
    ids[index], ids[swap] = ids[swap], ids[index]
    return ids


_CRITERIA = (
    ("specific", "Specific"),
    ("measurable", "Measurable"),
    ("achievable", "Achievable"),
    ("relevant", "Relevant"),
    ("time_bound", "Time-bound"),
)
_STATE_WORDS = {"met": "met", "unmet": "not met", "open": "cannot judge yet"}


def _plan_of(owner: Goal | Objective) -> TreatmentPlan:
    return owner.plan if isinstance(owner, Goal) else owner.goal.plan


def target_summary(target: Target | None) -> str:
    """A bound target in words ("PHQ-9 ≤ 9 by 1 Mar 2027"), or ""."""
    domain_target = target_to_domain(target) if target is not None else None
    if target is None or domain_target is None:
        return ""
    short = instruments.get(target.instrument_code).short_name if target.instrument_code else None
    return target_words(domain_target, short_name=short)


def _mismatch(
    owner: Goal | Objective | None, analysis: smart.Analysis | None
) -> dict[str, Any] | None:
    """The words-against-target notice and its rebind button, or None (decision 0312)."""
    if owner is None or analysis is None:
        return None
    found = services.words_against_target(owner, analysis.structure)
    target = target_of(owner)
    if found is None or target is None:
        return None
    plan = owner.plan if isinstance(owner, Goal) else owner.goal.plan
    client_id = plan.client.public_id
    if isinstance(owner, Goal):
        action = reverse("plans:goal_target_rebind", args=[client_id, owner.public_id])
        form_id = "goal-form"
    else:
        action = reverse("plans:objective_target_rebind", args=[client_id, owner.public_id])
        form_id = "objective-form"
    return {
        "message": found.message,
        "fields": ", ".join(found.fields),
        "action": action,
        "form_id": form_id,
        "seen": token(target),
        # A version that can no longer change offers no rebinding it would refuse.
        "editable": plan.is_draft,
    }


def _smart_context(
    analysis: smart.Analysis | None, owner: Goal | Objective | None = None
) -> dict[str, Any] | None:
    """The analysis shaped for the feedback fragment; with the goal or objective whose words
    these are, the notice when they disagree with its bound target."""
    if analysis is None:
        return None
    criteria = []
    for key, label in _CRITERIA:
        criterion = getattr(analysis.criteria, key)
        state = "open" if criterion.met is None else ("met" if criterion.met else "unmet")
        criteria.append(
            {
                "key": key,
                "label": label,
                "state": state,
                "state_words": _STATE_WORDS[state],
                "why": criterion.why,
            }
        )
    # A version that can no longer change offers no rewrite to type in.
    editable = owner is None or _plan_of(owner).is_draft
    st = analysis.structure
    structure = []
    if st.measure:
        structure.append(("Measure", st.measure))
    if st.baseline is not None:
        structure.append(("Baseline", f"{st.baseline:g}"))
    if st.target is not None:
        comparator = {"<=": "≤", ">=": "≥"}.get(st.comparator or "", st.comparator or "")
        structure.append(("Target", f"{comparator} {st.target:g}".strip()))
    if st.direction:
        structure.append(("Direction", st.direction))
    if st.deadline is not None:
        when = st.deadline.text
        if st.deadline.days is not None:
            when += f" ({st.deadline.days} days)"
        structure.append(("Deadline", when))
    return {
        "criteria": criteria,
        "met": sum(1 for c in criteria if c["state"] == "met"),
        "positive": analysis.positive,
        "findings": analysis.findings,
        # A rewrite is offered to mend something: not for a goal that is already SMART.
        "rewrite": analysis.rewrite
        if editable
        and analysis.rewrite.strip() != analysis.text.strip()
        and (
            not analysis.positive.met
            or any(c["state"] == "unmet" for c in criteria if c["key"] != "relevant")
        )
        else "",
        "structure": structure,
        "mismatch": _mismatch(owner, analysis),
    }
