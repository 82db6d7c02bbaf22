"""The demo's signed plans, review, second version and overdue review."""

from __future__ import annotations

import pytest
from django.utils import timezone

from milepost.demo import data
from milepost.plans import versions
from milepost.plans.models import PlanStatus, Review, Signature, TreatmentPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _demo_loaded_once(module_world):
    """The demo practice, loaded once per module and worker inside the module's transaction
    (tests/conftest.py, module_world); each test reads it in a savepoint of its own. The
    tests that load it again check that a second load adds nothing."""
    data.load()


def _versions(given_name: str) -> list[TreatmentPlan]:
    return list(TreatmentPlan.objects.filter(client__given_name=given_name).order_by("version"))


def test_dana_was_reviewed_and_her_second_version_is_in_force():
    first, second = _versions("Dana")
    assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.SIGNED)
    review = Review.objects.get(plan=first)
    assert review.next_plan == second
    assert sorted(review.goals.values_list("decision", flat=True)) == ["continue", "revise"]
    assert review.objectives.filter(latest__isnull=False).exists()
    assert set(second.signatures.values_list("role", flat=True)) == {"clinician", "client"}
    assert second.goals.get(order=2).origin == first.goals.get(order=2)
    diff = versions.plan_diff(first, second)
    assert {(c.kind, c.what) for c in diff.changes} >= {
        ("reworded", "Goal 2"),
        ("retargeted", "Goal 2"),
    }


def test_tom_is_overdue_for_review_and_priya_is_cosigned():
    (tom,) = _versions("Tom")
    assert tom.review_due_on is not None
    assert tom.review_due_on < timezone.localdate()
    (priya,) = _versions("Priya")
    assert priya.review_due_on is not None
    assert priya.review_due_on > timezone.localdate()
    assert priya.signatures.filter(role="supervisor", signer__email__startswith="sam@").exists()


def test_every_signed_version_still_matches_its_signatures():
    for plan in TreatmentPlan.objects.exclude(status=PlanStatus.DRAFT):
        digest = versions._hash(versions._fresh(plan))
        # A superseded version kept its content: only its status moved on.
        assert digest == plan.content_hash
        assert set(Signature.objects.filter(plan=plan).values_list("content_hash", flat=True)) == {
            digest
        }


def test_loading_twice_signs_nothing_again():
    counts = (TreatmentPlan.objects.count(), Signature.objects.count(), Review.objects.count())
    data.load()
    assert (TreatmentPlan.objects.count(), Signature.objects.count(), Review.objects.count()) == (
        counts
    )
