"""Signing, co-signing, endorsing, amending and reviewing plan versions."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_verify
from milepost.measures import services as measures
from milepost.plans import services, versions
from milepost.plans.models import (
    Goal,
    PlanStatus,
    Review,
    Signature,
    Target,
    TreatmentPlan,
)
from tests.base import PASSWORD, dana_plan

pytestmark = pytest.mark.django_db

IN_16_WEEKS = timezone.localdate() + dt.timedelta(weeks=16)


def complete(p):
    """Dana's plan with nothing the plan checks call an error."""
    dp = dana_plan(p)
    services.plan_update(
        actor=p.alice, plan=dp.plan, discharge_criteria="PHQ-9 under 10 twice", strengths="Sister"
    )
    services.target_set(
        actor=p.alice,
        owner=dp.goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        due_date=IN_16_WEEKS,
        confirmed=True,
    )
    services.target_set(
        actor=p.alice,
        owner=dp.objective,
        instrument_code="gad7",
        comparator="<=",
        target_value=7,
        baseline=12,
        due_date=IN_16_WEEKS,
        confirmed=True,
    )
    assert versions.plan_errors(dp.plan) == []
    return dp


def signed(p):
    dp = complete(p)
    versions.plan_sign(actor=p.alice, plan=dp.plan, password=PASSWORD)
    dp.plan.refresh_from_db()
    return dp


class SignTests:
    def test_signing_freezes_hashes_and_schedules_the_review(self, personas):
        dp = complete(personas)
        signature = versions.plan_sign(actor=personas.alice, plan=dp.plan, password=PASSWORD)
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        assert plan.status == PlanStatus.SIGNED
        assert plan.signed_at is not None
        assert len(plan.content_hash) == 64
        assert plan.content_hash == signature.content_hash
        assert plan.review_due_on == timezone.localdate(plan.signed_at) + dt.timedelta(days=90)
        assert (signature.role, signature.signer, signature.method) == (
            "clinician",
            personas.alice,
            "password",
        )
        assert signature.signer_name == personas.alice.full_name
        assert AuditEvent.objects.filter(action="plan.sign", object_id=plan.public_id).exists()
        assert audit_verify().ok

    def test_a_wrong_password_signs_nothing(self, personas):
        dp = complete(personas)
        for password in ("wrong", "", None, 12):
            with pytest.raises(ValidationError) as caught:
                versions.plan_sign(actor=personas.alice, plan=dp.plan, password=password)
            assert "password" in caught.value.error_dict
        assert TreatmentPlan.objects.get(pk=dp.plan.pk).status == PlanStatus.DRAFT
        assert not Signature.objects.exists()

    def test_errors_block_signing_unless_a_reason_is_given(self, personas):
        dp = dana_plan(personas)  # no discharge criteria, an objective without a target
        with pytest.raises(ValidationError) as caught:
            versions.plan_sign(actor=personas.alice, plan=dp.plan, password=PASSWORD)
        message = caught.value.error_dict["override_reason"][0].message
        assert "found 2 errors" in message
        assert TreatmentPlan.objects.get(pk=dp.plan.pk).status == PlanStatus.DRAFT
        signature = versions.plan_sign(
            actor=personas.alice,
            plan=dp.plan,
            password=PASSWORD,
            override_reason="Crisis plan; the rest follows at the next session.",
        )
        assert signature.override_reason.startswith("Crisis plan")
        event = AuditEvent.objects.get(action="plan.sign")
        assert set(event.detail["overridden"]) == {"no-discharge-criteria", "objective-no-target"}

    def test_a_signed_version_cannot_be_signed_again(self, personas):
        dp = signed(personas)
        with pytest.raises(services.PlanNotEditable):
            versions.plan_sign(actor=personas.alice, plan=dp.plan, password=PASSWORD)

    @pytest.mark.parametrize("who", ["frank", "charlie", "erin", "dana"])
    def test_outsiders_cannot_sign(self, personas, who):
        dp = complete(personas)
        with pytest.raises(PermissionDenied):
            versions.plan_sign(actor=getattr(personas, who), plan=dp.plan, password=PASSWORD)

    @pytest.mark.parametrize(
        ("zone", "due"),
        [
            # 12:30 UTC on 30 November is already 1 December in Auckland.
            ("Pacific/Auckland", dt.date(2027, 3, 1)),
            ("America/Los_Angeles", dt.date(2027, 2, 28)),
            ("UTC", dt.date(2027, 2, 28)),
        ],
    )
    def test_the_review_falls_due_from_the_practices_local_signing_day(self, personas, zone, due):
        dp = complete(personas)
        instant = dt.datetime(2026, 11, 30, 12, 30, tzinfo=dt.UTC)
        with (
            override_settings(TIME_ZONE=zone),
            mock.patch.object(timezone, "now", return_value=instant),
        ):
            versions.plan_sign(actor=personas.alice, plan=dp.plan, password=PASSWORD)
        assert TreatmentPlan.objects.get(pk=dp.plan.pk).review_due_on == due


class CosignAndEndorseTests:
    def test_the_supervisor_of_the_signer_cosigns(self, personas):
        dp = signed(personas)
        signature = versions.plan_cosign(actor=personas.sam, plan=dp.plan, password=PASSWORD)
        assert (signature.role, signature.content_hash) == ("supervisor", dp.plan.content_hash)
        with pytest.raises(ValidationError):
            versions.plan_cosign(actor=personas.sam, plan=dp.plan, password=PASSWORD)

    def test_a_clinician_cannot_cosign(self, personas):
        dp = signed(personas)
        with pytest.raises(PermissionDenied):
            versions.plan_cosign(actor=personas.bob, plan=dp.plan, password=PASSWORD)

    def test_a_supervisor_who_does_not_supervise_the_signer_cannot_cosign(self, personas, sue):
        dp = signed(personas)
        with pytest.raises(PermissionDenied):
            versions.plan_cosign(actor=sue, plan=dp.plan, password=PASSWORD)
        assert not Signature.objects.filter(plan=dp.plan, role="supervisor").exists()

    def test_a_draft_cannot_be_cosigned_or_endorsed(self, personas):
        dp = complete(personas)
        with pytest.raises(ValidationError):
            versions.plan_cosign(actor=personas.sam, plan=dp.plan, password=PASSWORD)
        with pytest.raises(ValidationError):
            versions.plan_endorse_in_session(
                actor=personas.alice,
                plan=dp.plan,
                typed_name="Dana Quillfeather",
                read_together=True,
            )

    @pytest.mark.parametrize(
        "typed", ["Dana Quillfeather", "  dana   QUILLFEATHER ", "Dana\u00a0Quillfeather"]
    )
    def test_the_client_endorses_by_typing_their_name(self, personas, typed):
        dp = signed(personas)
        signature = versions.plan_endorse_in_session(
            actor=personas.alice, plan=dp.plan, typed_name=typed, read_together=True
        )
        assert (signature.role, signature.method, signature.witness) == (
            "client",
            "in_session",
            personas.alice,
        )
        assert signature.signer == personas.dana  # her portal account
        assert signature.content_hash == dp.plan.content_hash

    @pytest.mark.parametrize(
        ("typed", "read", "field"),
        [
            ("Dana", True, "typed_name"),
            ("Chris Farshore", True, "typed_name"),
            ("", True, "typed_name"),
            ("Dana Quillfeather", False, "read_together"),
        ],
    )
    def test_an_endorsement_needs_the_name_and_the_reading(self, personas, typed, read, field):
        dp = signed(personas)
        with pytest.raises(ValidationError) as caught:
            versions.plan_endorse_in_session(
                actor=personas.alice, plan=dp.plan, typed_name=typed, read_together=read
            )
        assert field in caught.value.error_dict
        assert not Signature.objects.filter(role="client").exists()

    def test_a_version_changed_behind_the_applications_back_cannot_be_signed_again(self, personas):
        dp = signed(personas)
        Goal.objects.filter(pk=dp.goal.pk).update(statement="Tampered with")
        with pytest.raises(ValidationError) as caught:
            versions.plan_cosign(actor=personas.sam, plan=dp.plan, password=PASSWORD)
        assert "no longer matches" in str(caught.value)


class AmendTests:
    def test_amending_copies_everything_and_signing_supersedes(self, personas):
        dp = signed(personas)
        draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Add sleep goal")
        assert (draft.version, draft.status, draft.amendment_reason) == (
            2,
            "draft",
            "Add sleep goal",
        )
        goal = draft.goals.get()
        assert goal.origin == dp.goal
        assert goal.statement == dp.goal.statement
        assert list(goal.factors.all()) == [dp.factor]
        objective = goal.objectives.get()
        assert objective.origin == dp.objective
        assert objective.interventions.get().origin == dp.intervention
        assert Target.objects.get(objective=objective).target_value == 7
        assert draft.diagnoses.get().origin == dp.diagnosis
        # The copy hashes like the original but for its version number.
        assert versions.plan_diff(dp.plan, draft).unchanged
        versions.plan_sign(actor=personas.alice, plan=draft, password=PASSWORD)
        assert TreatmentPlan.objects.get(pk=dp.plan.pk).status == PlanStatus.SUPERSEDED
        assert TreatmentPlan.objects.get(pk=draft.pk).status == PlanStatus.SIGNED

    def test_a_new_version_needs_a_new_endorsement(self, personas):
        dp = signed(personas)
        versions.plan_endorse_in_session(
            actor=personas.alice, plan=dp.plan, typed_name="Dana Quillfeather", read_together=True
        )
        draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Retarget")
        versions.plan_sign(actor=personas.alice, plan=draft, password=PASSWORD)
        assert not draft.signatures.filter(role="client").exists()

    def test_an_amendment_shows_in_the_comparison(self, personas):
        dp = signed(personas)
        draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Lower target")
        goal = draft.goals.get()
        services.goal_update(actor=personas.alice, goal=goal, statement="Reduce PHQ-9 to 7")
        diff = versions.plan_diff(dp.plan, TreatmentPlan.objects.get(pk=draft.pk))
        assert [(c.kind, c.what) for c in diff.changes] == [("reworded", "Goal 1")]

    def test_amending_needs_a_reason_and_a_signed_version_and_no_other_draft(self, personas):
        dp = signed(personas)
        with pytest.raises(ValidationError):
            versions.plan_amend(actor=personas.alice, plan=dp.plan, reason=" ")
        versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="First")
        with pytest.raises(ValidationError):
            versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Second")
        draft = TreatmentPlan.objects.get(status="draft")
        with pytest.raises(ValidationError):
            versions.plan_amend(actor=personas.alice, plan=draft, reason="Of a draft")


class ReviewTests:
    def _decide(self, dp, decision="continue"):
        return {dp.goal.public_id: (decision, "")}

    def test_a_review_snapshots_progress_and_a_met_goal_makes_the_next_version(self, personas):
        dp = signed(personas)
        measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="gad7",
            answers=[1, 1, 1, 1, 1, 1, 0],
        )
        review = versions.review_record(
            actor=personas.alice,
            plan=dp.plan,
            held_on=timezone.localdate(),
            participants="Dana and Alice",
            decisions=self._decide(dp, "met"),
        )
        row = review.objectives.get()
        assert (row.latest, row.change, row.reliable_change) == (6, -6, "improved")
        assert "Reliable improvement" in row.words
        assert review.goals.get().decision == "met"
        draft = review.next_plan
        assert draft is not None
        assert draft.goals.get().status == "met"
        assert draft.amendment_reason.startswith("Review of ")

    def test_continuing_everything_moves_the_review_date_without_a_version(self, personas):
        dp = signed(personas)
        held = timezone.localdate()
        review = versions.review_record(
            actor=personas.alice,
            plan=dp.plan,
            held_on=held,
            participants="Dana and Alice",
            decisions=self._decide(dp),
        )
        assert review.next_plan is None
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        assert plan.review_due_on == held + dt.timedelta(days=90)
        assert plan.status == "signed"
        # The schedule is not content: the version still matches its signature.
        assert versions._hash(versions._fresh(plan)) == plan.content_hash

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"participants": ""}, "participants"),
            ({"held_on": "yesterday"}, "held_on"),
            ({"held_on": dt.date(2100, 1, 1)}, "held_on"),
            ({"held_on": dt.date(2000, 1, 1)}, "held_on"),  # before the plan was signed
            ({"decisions": {}}, "decision_GOAL"),
            ({"decisions": {"GOAL": ("abandon", "")}}, "decision_GOAL"),
        ],
    )
    def test_a_bad_review_names_its_field_and_saves_nothing(self, personas, kwargs, field):
        dp = signed(personas)
        values = {
            "held_on": timezone.localdate(),
            "participants": "Dana and Alice",
            "decisions": self._decide(dp),
        }
        if "decisions" in kwargs:
            kwargs = {
                "decisions": {
                    k.replace("GOAL", dp.goal.public_id): v for k, v in kwargs["decisions"].items()
                }
            }
        values.update(kwargs)
        with pytest.raises(ValidationError) as caught:
            versions.review_record(actor=personas.alice, plan=dp.plan, **values)
        assert field.replace("GOAL", dp.goal.public_id) in caught.value.error_dict
        assert not Review.objects.exists()

    def test_a_draft_cannot_be_reviewed(self, personas):
        dp = complete(personas)
        with pytest.raises(ValidationError):
            versions.review_record(
                actor=personas.alice,
                plan=dp.plan,
                held_on=timezone.localdate(),
                participants="x",
                decisions=self._decide(dp),
            )


class ReviewFindingsTests:
    """Found by review: each of these once failed."""

    def test_renaming_the_responsible_clinician_keeps_the_signed_version_intact(self, personas):
        from milepost.accounts import services as accounts

        dp = signed(personas)
        accounts.user_update(
            actor=personas.erin,
            user=personas.alice,
            full_name="Alice Newname",
            credentials="LCSW",
            role=personas.alice.membership.role,
            is_active=True,
        )
        signature = versions.plan_cosign(actor=personas.sam, plan=dp.plan, password=PASSWORD)
        assert signature.content_hash == dp.plan.content_hash

    def test_versions_compare_across_the_ones_in_between(self, personas):
        dp = signed(personas)
        second = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Two")
        versions.plan_sign(actor=personas.alice, plan=second, password=PASSWORD)
        third = versions.plan_amend(
            actor=personas.alice, plan=TreatmentPlan.objects.get(pk=second.pk), reason="Three"
        )
        assert versions.plan_diff(dp.plan, third).unchanged

    def test_a_reworded_diagnosis_and_relinked_factors_are_changes(self, personas):
        dp = signed(personas)
        draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Recode")
        # The service always writes the code set's description (decision 0801); a wording of
        # its own comes only from before that check, as here.
        draft.diagnoses.update(text="MDD, moderate")
        other = services.formulation_factor_add(
            actor=personas.alice, client=personas.dana_client, kind="perpetuating", text="Avoids"
        )
        services.goal_update(actor=personas.alice, goal=draft.goals.get(), factors=[other])
        kinds = {(c.kind, c.what) for c in versions.plan_diff(dp.plan, draft).changes}
        assert ("reworded", "Diagnosis F32.1") in kinds
        assert ("changed", "Goal 1, factors it targets") in kinds

    def test_a_review_that_makes_a_draft_moves_the_review_date_too(self, personas):
        dp = signed(personas)
        held = timezone.localdate()
        versions.review_record(
            actor=personas.alice,
            plan=dp.plan,
            held_on=held,
            participants="Dana and Alice",
            decisions={dp.goal.public_id: ("revise", "")},
        )
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        assert plan.review_due_on == held + dt.timedelta(days=90)
        assert plan.status == "signed"

    def test_a_review_dated_tomorrow_is_refused(self, personas):
        dp = signed(personas)
        with pytest.raises(ValidationError) as caught:
            versions.review_record(
                actor=personas.alice,
                plan=dp.plan,
                held_on=timezone.localdate() + dt.timedelta(days=1),
                participants="x",
                decisions={dp.goal.public_id: ("continue", "")},
            )
        assert "held_on" in caught.value.error_dict


class CourseOfTreatmentTests:
    """After a review or an amendment the new version's progress keeps the whole course of
    treatment: a target re-baselined in version 2 still charts version 1's values."""

    def test_a_rebaselined_target_keeps_the_earlier_values(self, personas):
        from milepost.measures.models import Administration
        from milepost.plans.selectors import course_start, target_of, target_series

        dp = signed(personas)
        first_day = timezone.now() - dt.timedelta(days=42)
        Administration.objects.filter(pk=personas.dana_phq9.pk).update(administered_at=first_day)
        measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
            administered_at=timezone.now() - dt.timedelta(days=1),
        )
        draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Retarget")
        goal = draft.goals.get()
        services.target_set(  # blank baseline: the latest administration becomes the baseline
            actor=personas.alice,
            owner=goal,
            instrument_code="phq9",
            comparator="<=",
            target_value=7,
            due_date=IN_16_WEEKS,
            confirmed=True,
        )
        target = target_of(draft.goals.get())
        assert target is not None
        assert target.baseline == 8
        by_instrument = {
            "phq9": [
                (timezone.localdate(a.administered_at), float(a.total or 0))
                for a in Administration.objects.filter(client=personas.dana_client)
            ]
        }
        series = target_series(target, by_instrument=by_instrument, by_metric={})
        assert [value for _, value in series] == [17.0, 8.0]
        assert course_start(target) == timezone.localdate(first_day)
