"""Signing, endorsing, co-signing, amending, comparing and reviewing through the pages; and
a signed version that no route can change."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.plans import versions
from milepost.plans.models import PlanStatus, Review, Signature, TreatmentPlan
from tests.base import PASSWORD, dana_plan
from tests.plans.test_versions import complete, signed
from tests.test_access_matrix import _url, project_routes

pytestmark = pytest.mark.django_db


def _url_of(name, p, plan):
    return reverse(name, args=[p.dana_client.public_id, plan.public_id])


class SignPageTests:
    def test_the_sign_page_lists_the_errors_and_asks_for_a_reason(self, personas, login_as):
        dp = dana_plan(personas)
        http = login_as(personas.alice)
        page = http.get(_url_of("plans:sign", personas, dp.plan)).content.decode()
        assert "The plan checks found 2 errors" in page
        assert "Reason for signing despite the errors" in page
        refused = http.post(_url_of("plans:sign", personas, dp.plan), {"password": PASSWORD})
        assert "Fix them, or say why you sign anyway" in refused.content.decode()
        assert TreatmentPlan.objects.get(pk=dp.plan.pk).status == PlanStatus.DRAFT

    def test_a_wrong_password_names_the_field(self, personas, login_as):
        dp = complete(personas)
        response = login_as(personas.alice).post(
            _url_of("plans:sign", personas, dp.plan), {"password": "nope"}
        )
        assert "Your password: That is not your password" in response.content.decode()

    def test_signing_shows_the_signature_and_hides_the_editing(self, personas, login_as):
        dp = complete(personas)
        http = login_as(personas.alice)
        response = http.post(
            _url_of("plans:sign", personas, dp.plan), {"password": PASSWORD}, follow=True
        )
        body = response.content.decode()
        assert "is signed and can no longer change" in body
        assert "Clinician:</strong> Alice Example" in body
        assert "Record the client's endorsement" in body
        assert "Add a goal" not in body

    def test_the_client_endorses_in_session(self, personas, login_as):
        dp = signed(personas)
        http = login_as(personas.alice)
        url = _url_of("plans:endorse", personas, dp.plan)
        page = http.get(url).content.decode()
        assert "Reduce PHQ-9 from 17 to 9 or below within 16 weeks" in page  # the plan to read
        bad = http.post(url, {"typed_name": "Dana", "read_together": "on"})
        assert "The client types their full name: The client types their own full name" in (
            bad.content.decode()
        )
        http.post(url, {"typed_name": "Dana Quillfeather", "read_together": "on"})
        assert Signature.objects.filter(plan=dp.plan, role="client").exists()

    def test_only_a_supervisor_cosigns(self, personas, login_as):
        dp = signed(personas)
        url = _url_of("plans:cosign", personas, dp.plan)
        refused = login_as(personas.bob).post(url, {"password": PASSWORD}, follow=True)
        assert "Only a supervisor of the signing clinician can co-sign." in (
            refused.content.decode()
        )
        login_as(personas.sam).post(url, {"password": PASSWORD})
        assert Signature.objects.filter(plan=dp.plan, role="supervisor").exists()

    def test_only_the_signers_supervisor_sees_the_cosign_action(self, personas, sue, login_as):
        dp = signed(personas)
        editor = _url_of("plans:editor", personas, dp.plan)
        cosign = _url_of("plans:cosign", personas, dp.plan)
        assert f'href="{cosign}"' in login_as(personas.sam).get(editor).content.decode()
        for user in (sue, personas.bob, personas.alice):
            assert f'href="{cosign}"' not in login_as(user).get(editor).content.decode()
        refused = login_as(sue).post(cosign, {"password": PASSWORD}, follow=True)
        assert "Only a supervisor of the signing clinician can co-sign." in (
            refused.content.decode()
        )
        assert not Signature.objects.filter(plan=dp.plan, role="supervisor").exists()
        login_as(personas.sam).post(cosign, {"password": PASSWORD})
        assert Signature.objects.filter(plan=dp.plan, role="supervisor").exists()
        page = login_as(personas.sam).get(editor).content.decode()
        assert f'href="{cosign}"' not in page  # co-signed once


class AmendCompareReviewPageTests:
    def test_amending_then_comparing(self, personas, login_as):
        dp = signed(personas)
        http = login_as(personas.alice)
        response = http.post(_url_of("plans:amend", personas, dp.plan), {"reason": "Sleep goal"})
        draft = TreatmentPlan.objects.get(status="draft")
        assert response["Location"] == _url_of("plans:editor", personas, draft)
        goal = draft.goals.get()
        http.post(
            reverse("plans:goal", args=[personas.dana_client.public_id, goal.public_id]),
            {
                "statement": "Reduce PHQ-9 to 7",
                "status": "active",
                "factors": [dp.factor.public_id],
            },
        )
        page = http.get(_url_of("plans:compare", personas, draft)).content.decode()
        assert "Version 1 → version 2" in page
        assert "Why: Sleep goal" in page
        assert "<ins>Reduce PHQ-9 to 7</ins>" in page

    def test_an_amendment_without_a_reason_is_refused(self, personas, login_as):
        dp = signed(personas)
        response = login_as(personas.alice).post(
            _url_of("plans:amend", personas, dp.plan), {"reason": ""}, follow=True
        )
        assert "Why is the plan changing?: This field is required." in response.content.decode()
        too_long = login_as(personas.alice).post(
            _url_of("plans:amend", personas, dp.plan), {"reason": "x" * 1001}
        )
        body = too_long.content.decode()
        assert "at most 1000 characters" in body
        assert "x" * 1001 in body  # what was typed is kept
        assert not TreatmentPlan.objects.filter(status="draft").exists()

    def test_the_review_page_prefills_progress_and_records_decisions(self, personas, login_as):
        dp = signed(personas)
        http = login_as(personas.alice)
        url = _url_of("plans:review", personas, dp.plan)
        page = http.get(url).content.decode()
        assert "GAD-7 ≤ 7 by" in page  # the objective's target, with its data
        assert 'data-label="Goal"' in page  # the goal's own result too (issue 16)
        assert "PHQ-9 ≤ 9 by" in page
        missing = http.post(url, {"held_on": timezone.localdate().isoformat(), "participants": "x"})
        assert "Decision for goal 1: This field is required." in missing.content.decode()
        response = http.post(
            url,
            {
                "held_on": timezone.localdate().isoformat(),
                "participants": "Dana and Alice",
                f"decision_{dp.goal.public_id}": "revise",
                f"note_{dp.goal.public_id}": "Lower the target",
            },
        )
        review = Review.objects.get()
        assert review.next_plan is not None
        assert response["Location"] == _url_of("plans:editor", personas, review.next_plan)


# Values that every form field of the plan pages accepts, so a write would go through if
# any route let it.
_VALID = {
    "statement": "Changed",
    "client_words": "Changed",
    "status": "met",
    "strengths": "Changed",
    "discharge_criteria": "Changed",
    "review_interval_days": "30",
    "code": "F41.1",
    "text": "Changed",
    "kind": "perpetuating",
    "modality": "Changed",
    "type": "group",
    "frequency": "daily",
    "session_minutes": "30",
    "direction": "down",
    "measure": "instrument:gad7",
    "comparator": "<=",
    "target_value": "5",
    "due_date": "2099-01-01",
    "item": "depression.goal.phq9-to-mild",
    "reason": "Changed",
}


def test_no_route_changes_a_signed_version(personas, login_as):
    """Every plan route, posted with valid data by the clinician: the signed content stays
    exactly as signed (its hash is computed again from the database)."""
    dp = signed(personas)
    http = login_as(personas.alice)
    signed_hash = dp.plan.content_hash
    for route in project_routes():
        if route.namespace not in ("plans", "progress"):
            continue
        url = _url(route, personas)
        response = http.post(url, {**_VALID, "into": dp.goal.public_id})
        assert response.status_code < 500, route.name
        plan = versions._fresh(TreatmentPlan.objects.get(pk=dp.plan.pk))
        assert versions._hash(plan) == signed_hash, f"{route.name} changed a signed version"
    assert TreatmentPlan.objects.get(pk=dp.plan.pk).status == PlanStatus.SIGNED


def test_the_django_admin_offers_no_way_to_change_a_plan():
    from django.contrib import admin

    from milepost.plans import models

    registered = set(admin.site._registry)
    for model in (
        models.TreatmentPlan,
        models.Goal,
        models.Objective,
        models.Intervention,
        models.Diagnosis,
        models.Target,
        models.Signature,
        models.Review,
    ):
        assert model not in registered, f"{model.__name__} is editable in the admin"
