"""What the plans services share: the limits on what they accept, the refusal of a change
to a plan that is no longer a draft, the checks of the actor, text and number readers, the
ordering helpers and the audit call.

The module is the package's own; its names keep the leading underscore they had when the
services were one module (plans/versions.py and portal/services.py use a few of them).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.lib.validation import clean_text, raise_errors
from milepost.measures.models import Administration
from milepost.plans.models import FactorKind, FormulationFactor, PlanStatus, TreatmentPlan

LONG_TEXT = 4000  # a paragraph or several; TextFields have no length of their own
REVIEW_INTERVAL_DAYS = (7, 366)
SESSION_MINUTES = (5, 480)
# A form filled in on a device whose clock runs a little fast is still "today".
_CLOCK_SKEW = dt.timedelta(days=1)


class PlanNotEditable(ValidationError):
    """A change to a plan version that is not a draft. Signed plans never change."""

    def __init__(self, plan: TreatmentPlan) -> None:
        super().__init__(
            {
                "plan": (
                    f"Version {plan.version} of this plan is {plan.get_status_display().lower()} "
                    "and can no longer change; amend it to make a new draft version."
                )
            }
        )


# ---------------------------------------------------------------- helpers


def _clinical_actor(actor: User, client: Client) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


def _editable(actor: User, plan: TreatmentPlan) -> TreatmentPlan:
    """Check the actor, then lock the plan row and refuse unless it is still a draft.

    The lock makes a concurrent signing wait, so no change slips into a signed version.
    """
    _clinical_actor(actor, plan.client)
    locked = TreatmentPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise PlanNotEditable(locked)
    return locked


def _text(
    errors: dict[str, str],
    field: str,
    value: object,
    *,
    required: bool = False,
    max_length: int = LONG_TEXT,
) -> str:
    """Stripped text; records a message in `errors` when it is unusable."""
    return clean_text(errors, field, value, required=required, max_length=max_length)


def _number(errors: dict[str, str], field: str, value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = "Enter a number."
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors[field] = "Enter a number."
        return None
    if not math.isfinite(number):
        errors[field] = "Enter a number."
        return None
    return number


def _whole(
    errors: dict[str, str], field: str, value: object, bounds: tuple[int, int]
) -> int | None:
    number = _number(errors, field, value)
    if number is None:
        return None
    low, high = bounds
    if not number.is_integer() or not low <= number <= high:
        errors[field] = f"Enter a whole number from {low} to {high}."
        return None
    return int(number)


_raise = raise_errors


def _touch(instance: Any, changed: list[str]) -> None:
    if changed:
        instance.updated_at = timezone.now()
        instance.save(update_fields=[*changed, "updated_at"])


def _next_order(items: Any) -> int:
    return int(items.aggregate(top=Max("order"))["top"] or 0) + 1


def _reorder(items: list[Any], public_ids: Sequence[str], what: str) -> list[str]:
    """Give `items` the order of `public_ids`, which must name each of them exactly once."""
    by_id = {item.public_id: item for item in items}
    if sorted(public_ids) != sorted(by_id):
        raise ValidationError({"order": f"List every {what} of this plan exactly once."})
    for position, public_id in enumerate(public_ids, start=1):
        item = by_id[public_id]
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    return list(public_ids)


def _renumber(items: Any) -> None:
    for position, item in enumerate(items.order_by("order", "id"), start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])


def _audit(action: str, actor: User, client: Client, obj: Any, **detail: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        client=client,
        object_type=type(obj)._meta.model_name,
        object_id=obj.public_id,
        detail=detail or None,
    )


def _factors(
    errors: dict[str, str], plan: TreatmentPlan, factors: Sequence[FormulationFactor]
) -> list[FormulationFactor]:
    ids = [f.pk for f in factors]
    found = list(
        FormulationFactor.objects.filter(
            pk__in=ids,
            formulation__client=plan.client,
            kind__in=(FactorKind.PERPETUATING, FactorKind.PROTECTIVE),
        )
    )
    if len(found) != len(set(ids)):
        errors["factors"] = (
            "Link only maintaining factors and strengths from this client's formulation."
        )
    return found


def _latest_administration(client: Client, instrument_code: str) -> Administration | None:
    return (
        Administration.objects.filter(
            client=client,
            instrument_code=instrument_code,
            entered_in_error_at__isnull=True,
            total__isnull=False,
        )
        .order_by("-administered_at", "-id")
        .first()
    )
