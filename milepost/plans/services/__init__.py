"""Use cases for formulations, treatment plans, targets, metrics and observations.

Each one checks the actor (a clinician or supervisor who may read the client now; the
client itself must have been fetched through clients.access), refuses any change to a
plan that is not a draft, validates into ValidationError({field: message}), saves inside
one transaction and writes the audit event.

One module per use case (decision 0311); callers keep importing this package
(`from milepost.plans import services as plans; plans.goal_add(...)`):

- formulation.py   the formulation and its factors
- plan.py          starting a draft, its details and diagnoses
- goal_tree.py     goals, objectives and interventions
- targets.py       targets, the practice's metrics and their observations
- feedback.py      SMART feedback on a goal's or objective's words
- library.py       inserting library items
- _common.py       what they share (limits, the draft check, readers, ordering, audit)

Signing, co-signing, endorsing, amending and reviewing versions are in plans/versions.py.
"""

from __future__ import annotations

from milepost.domain.targets import MAX_METRIC_VALUE
from milepost.plans.services._common import (
    LONG_TEXT,
    REVIEW_INTERVAL_DAYS,
    SESSION_MINUTES,
    PlanNotEditable,
)

# Not public, but portal/services.py locks a draft with it (goal_visibility_set).
from milepost.plans.services._common import _editable as _editable
from milepost.plans.services.feedback import (
    context_for_objective,
    goal_context,
    smart_feedback,
    smart_feedback_for_goal,
    words_against_target,
)
from milepost.plans.services.formulation import (
    FORMULATION_FIELDS,
    formulation_factor_add,
    formulation_factor_update,
    formulation_update,
)
from milepost.plans.services.goal_tree import (
    INTERVENTION_FIELDS,
    goal_add,
    goal_remove,
    goal_reorder,
    goal_update,
    intervention_add,
    intervention_remove,
    intervention_update,
    objective_add,
    objective_remove,
    objective_reorder,
    objective_update,
)
from milepost.plans.services.library import (
    goal_add_from_library,
    intervention_add_from_library,
    objective_add_from_library,
)
from milepost.plans.services.plan import (
    PLAN_FIELDS,
    diagnosis_add,
    diagnosis_remove,
    plan_create_draft,
    plan_update,
)
from milepost.plans.services.targets import (
    metric_create,
    observation_add,
    observation_mark_entered_in_error,
    target_rebind_to_words,
    target_remove,
    target_set,
)

__all__ = [
    "FORMULATION_FIELDS",
    "INTERVENTION_FIELDS",
    "LONG_TEXT",
    "MAX_METRIC_VALUE",
    "PLAN_FIELDS",
    "REVIEW_INTERVAL_DAYS",
    "SESSION_MINUTES",
    "PlanNotEditable",
    "context_for_objective",
    "diagnosis_add",
    "diagnosis_remove",
    "formulation_factor_add",
    "formulation_factor_update",
    "formulation_update",
    "goal_add",
    "goal_add_from_library",
    "goal_context",
    "goal_remove",
    "goal_reorder",
    "goal_update",
    "intervention_add",
    "intervention_add_from_library",
    "intervention_remove",
    "intervention_update",
    "metric_create",
    "objective_add",
    "objective_add_from_library",
    "objective_remove",
    "objective_reorder",
    "objective_update",
    "observation_add",
    "observation_mark_entered_in_error",
    "plan_create_draft",
    "plan_update",
    "smart_feedback",
    "smart_feedback_for_goal",
    "target_rebind_to_words",
    "target_remove",
    "target_set",
    "words_against_target",
]
