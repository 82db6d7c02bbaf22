"""Binding a goal or an objective to its measure: the target form, pre-filled from the
target or from what the SMART engine read in the words, and its save and removal.

The goal and objective pages show the form; their views (goals.py, objectives.py) post it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.models import User
from milepost.accounts.requests import SignedInRequest
from milepost.domain import instruments, smart
from milepost.domain.metric_names import metric_named
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import metrics_for_user
from milepost.plans.forms import NEW_METRIC, TargetForm
from milepost.plans.models import Goal, Metric, Objective
from milepost.plans.selectors import target_of
from milepost.plans.views._common import _attempt

# A deadline read from the words is offered as a due date up to ten years ahead.
_PREFILL_DAYS = 3653


def _plain(value: float | None) -> float | int | None:
    """9.0 shown as 9 in a number field."""
    return int(value) if value is not None and float(value).is_integer() else value


def _target_initial(
    owner: Goal | Objective, analysis: smart.Analysis | None, metrics: Sequence[Metric] = ()
) -> dict[str, Any]:
    """An existing target as it is; otherwise what the SMART engine read in the words."""
    target = target_of(owner)
    if target is not None:
        measure = (
            f"instrument:{target.instrument_code}"
            if target.instrument_code
            else f"metric:{target.metric.public_id}"  # type: ignore[union-attr]
        )
        return {
            "measure": measure,
            "baseline": _plain(target.baseline),
            "comparator": target.comparator,
            "target_value": _plain(target.target_value),
            "direction": target.direction,
            "due_date": target.due_date,
            "confirmed": target.confirmed,
            SEEN: token(target),
        }
    if analysis is None:
        return {SEEN: "new"}
    st = analysis.structure
    initial: dict[str, Any] = {SEEN: "new"}
    if st.measure:
        try:
            initial["measure"] = f"instrument:{instruments.get(st.measure).code}"
        except Exception:
            initial["measure"] = ""
    if not initial.get("measure"):
        # No questionnaire named: a practice metric the words name (decision 0815).
        named = metric_named(analysis.text, ((m.public_id, m.name) for m in metrics))
        if named is not None:
            initial["measure"] = f"metric:{named}"
    for name, value in (("baseline", st.baseline), ("target_value", st.target)):
        if value is not None:
            initial[name] = _plain(value)
    if st.comparator:
        initial["comparator"] = st.comparator
    if st.direction:
        initial["direction"] = st.direction
    if st.deadline is not None:
        if st.deadline.date is not None:
            initial["due_date"] = st.deadline.date
        elif st.deadline.days is not None and st.deadline.days <= _PREFILL_DAYS:
            initial["due_date"] = timezone.localdate() + dt.timedelta(days=st.deadline.days)
    return initial


def _target_form_for(
    request: SignedInRequest, owner: Goal | Objective, analysis: smart.Analysis | None
) -> TargetForm:
    metrics = metrics_for_user(request.user)
    return TargetForm(metrics=metrics, initial=_target_initial(owner, analysis, metrics))


def _save_target(request: SignedInRequest, owner: Goal | Objective, form: TargetForm) -> bool:
    user = request.user
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        with transaction.atomic():  # a new metric stays only if its target is set
            _bind(user, owner, form, data)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "name" in error.error_dict:
            error.error_dict["new_metric_name"] = error.error_dict.pop("name")
        for source, dest in (("instrument_code", "measure"), ("metric", "measure")):
            if hasattr(error, "error_dict") and source in error.error_dict:
                error.error_dict[dest] = error.error_dict.pop(source)
        add_service_errors(form, error)
        return False
    return True


def _bind(user: User, owner: Goal | Objective, form: TargetForm, data: dict[str, Any]) -> None:
    metric = form.metric()
    if data["measure"] == NEW_METRIC:
        metric = services.metric_create(
            actor=user,
            name=data["new_metric_name"],
            unit=data["new_metric_unit"],
            period=data["new_metric_period"],
        )
    services.target_set(
        actor=user,
        owner=owner,
        instrument_code=form.instrument_code(),
        metric=metric,
        baseline=data["baseline"],
        comparator=data["comparator"],
        target_value=data["target_value"],
        direction=data["direction"],
        due_date=data["due_date"],
        confirmed=data["confirmed"],
        seen=data.get(SEEN),
    )


def _target_remove(request: SignedInRequest, owner: Goal | Objective, success: str) -> None:
    target = target_of(owner)
    if target is not None:
        _attempt(
            request, lambda: services.target_remove(actor=request.user, target=target), success
        )
