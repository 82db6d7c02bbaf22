"""Small helpers for the services' writes to a model."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models


def apply_changes(instance: models.Model, values: Mapping[str, object]) -> list[str]:
    """Set each field of `values` whose value differs from the instance's, and return the
    names of those fields in the order given (empty when nothing changed).

    Nothing is saved: the caller saves `update_fields` with what goes along with a change
    (`updated_at`, `updated_by`) and records the names in the audit event. For a goal
    already worded so, `apply_changes(goal, {"statement": goal.statement, "status": "met"})`
    sets and returns only `["status"]`.
    """
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed
