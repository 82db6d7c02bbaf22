"""The pure domain and the models speak the same words.

The domain (milepost/domain, no Django) keeps its vocabularies as tuples and enums; the
models keep theirs as TextChoices, with the labels people read. The TextChoices stay
written out, as named members the code refers to (`FactorKind.PERPETUATING`), and this
table holds each pair to the same stored values (docs/decisions/0015-shared-helpers.md).
A word added on one side only fails here, not in a rule that silently never matches.
"""

from __future__ import annotations

import pytest

from milepost.accounts.models import CLINICAL_ROLES
from milepost.domain import plans, schedules, targets
from milepost.domain.compliance import record
from milepost.measures.models import AssignmentSchedule
from milepost.notes.models import SessionSetting, SessionType
from milepost.plans.models import (
    Comparator,
    Direction,
    FactorKind,
    GoalStatus,
    InterventionType,
    MetricPeriod,
    PlanStatus,
    SignatureMethod,
    SignatureRole,
)

# (domain vocabulary, model choices): the same set of stored values.
SAME = [
    ("plans.PLAN_STATUSES", plans.PLAN_STATUSES, PlanStatus.values),
    ("plans.GOAL_STATUSES", plans.GOAL_STATUSES, GoalStatus.values),
    ("plans.FACTOR_KINDS", plans.FACTOR_KINDS, FactorKind.values),
    ("plans.INTERVENTION_TYPES", plans.INTERVENTION_TYPES, InterventionType.values),
    # The compliance linter checks a note's session type against the intervention types.
    ("plans.INTERVENTION_TYPES", plans.INTERVENTION_TYPES, SessionType.values),
    ("plans.COMPARATORS", plans.COMPARATORS, Comparator.values),
    ("plans.DIRECTIONS", plans.DIRECTIONS, Direction.values),
    ("plans.METRIC_PERIODS", plans.METRIC_PERIODS, MetricPeriod.values),
    ("record.SESSION_SETTINGS", record.SESSION_SETTINGS, SessionSetting.values),
    ("schedules.Schedule", [s.value for s in schedules.Schedule], AssignmentSchedule.values),
    # Staff sign as clinician or supervisor; the client's signature is not a staff one.
    ("record.STAFF_ROLES", record.STAFF_ROLES, [r for r in SignatureRole if r != "client"]),
    ("record.STAFF_ROLES", record.STAFF_ROLES, CLINICAL_ROLES),
]

# (domain words, model choices): every word the domain names is a stored value.
WITHIN = [
    ("plans.MAINTAINING", [plans.MAINTAINING], FactorKind.values),
    ("record.AUTHENTICATED_METHODS", record.AUTHENTICATED_METHODS, SignatureMethod.values),
    ("targets.IMPLIED_DIRECTION keys", targets.IMPLIED_DIRECTION.keys(), Comparator.values),
    ("targets.IMPLIED_DIRECTION values", targets.IMPLIED_DIRECTION.values(), Direction.values),
    ("schedules.LOG_PERIODS", schedules.LOG_PERIODS, MetricPeriod.values),
]


@pytest.mark.parametrize(("name", "domain", "choices"), SAME, ids=[row[0] for row in SAME])
def test_the_domain_vocabulary_and_the_model_choices_hold_the_same_values(name, domain, choices):
    assert len(set(domain)) == len(domain), f"{name} repeats a word"
    assert {str(v) for v in domain} == {str(v) for v in choices}


@pytest.mark.parametrize(("name", "words", "choices"), WITHIN, ids=[row[0] for row in WITHIN])
def test_every_word_the_domain_names_is_a_stored_value(name, words, choices):
    assert {str(w) for w in words} <= {str(v) for v in choices}


def test_the_schedule_choices_keep_the_domain_labels():
    assert AssignmentSchedule.choices == [(s.value, s.label) for s in schedules.Schedule]
