"""Use cases for plan versions: sign, co-sign, endorse, amend, review.

A draft becomes signed when its clinician signs it (re-entering their password); from then
on its content never changes (every write service refuses a version that is not a draft)
and its content hash is on the plan and on every signature. The client's endorsement and
a supervisor's co-signature are further signatures on the same exact version. Amending or
reviewing makes a new draft version that copies everything, each part pointing to the one
it was copied from; signing that draft supersedes the version before it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.accounts.services import mfa_totp_check
from milepost.accounts.stepup import step_up_needs_code
from milepost.audit.services import audit_record
from milepost.clients.models import Client
from milepost.domain import plan_versions, target_progress
from milepost.domain.compliance import Finding
from milepost.measures.models import Administration
from milepost.plans.access import plans_with_parts
from milepost.plans.compliance import compliance_errors
from milepost.plans.models import (
    Diagnosis,
    Goal,
    GoalStatus,
    Intervention,
    Objective,
    Observation,
    PlanStatus,
    Review,
    ReviewDecision,
    ReviewGoal,
    ReviewObjective,
    Signature,
    SignatureMethod,
    SignatureRole,
    Target,
    TreatmentPlan,
)
from milepost.plans.permissions import version_actions
from milepost.plans.selectors import (
    plan_to_domain,
    series_by_measure,
    target_of,
    target_progress_for,
    target_to_domain,
)
from milepost.plans.services._common import PlanNotEditable, _clinical_actor, _raise, _text

# Goal status a review decision leaves the goal with in the next version.
_STATUS_AFTER = {
    ReviewDecision.CONTINUE: GoalStatus.ACTIVE,
    ReviewDecision.REVISE: GoalStatus.ACTIVE,
    ReviewDecision.MET: GoalStatus.MET,
    ReviewDecision.DISCONTINUE: GoalStatus.DISCONTINUED,
}


def _fresh(plan: TreatmentPlan, *, lock: bool = False) -> TreatmentPlan:
    """The version with all its parts, read again (and its row locked when `lock`)."""
    if lock:
        TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).first()
    return plans_with_parts().select_related("organization").get(pk=plan.pk)


def _hash(plan: TreatmentPlan) -> str:
    return plan_versions.content_hash(plan_to_domain(plan))


def _check_password(actor: User, password: object, otp_code: object = None) -> None:
    """Step-up before signing: the password again, and a fresh authenticator code when the
    signer uses two-factor sign-in (milepost.accounts.stepup)."""
    if not isinstance(password, str) or not password or not actor.check_password(password):
        raise ValidationError({"password": "That is not your password; enter it to sign."})
    if step_up_needs_code(actor):
        mfa_totp_check(user=actor, code=otp_code)


def _audit(action: str, actor: User, plan: TreatmentPlan, **detail: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        client=plan.client,
        object_type="treatmentplan",
        object_id=plan.public_id,
        detail=detail or None,
    )


def plan_errors(plan: TreatmentPlan, actor: User | None = None) -> list[Finding]:
    """The compliance linter's errors under the practice's payer profile (plan_checks'
    errors included), which block signing unless a reason is given. With `actor`, the
    clinician about to sign, a draft is also checked for their credentials."""
    return compliance_errors(_fresh(plan), signer=actor)


@transaction.atomic
def plan_sign(
    *,
    actor: User,
    plan: TreatmentPlan,
    password: object,
    override_reason: str = "",
    otp_code: object = None,
) -> Signature:
    """The clinician signs a draft: it is frozen, hashed, and comes due for review.

    Errors found by the plan checks block signing unless `override_reason` says why the
    plan is signed anyway; the reason is kept on the signature. The version signed before
    it, if any, is superseded.
    """
    _clinical_actor(actor, plan.client)
    plan = _fresh(plan, lock=True)
    if plan.status != PlanStatus.DRAFT:
        raise PlanNotEditable(plan)
    if not version_actions(actor, plan).sign:
        raise PermissionDenied
    _check_password(actor, password, otp_code)
    errors: dict[str, str] = {}
    reason = _text(errors, "override_reason", override_reason, max_length=1000)
    _raise(errors)
    blocking = plan_errors(plan, actor=actor)
    if blocking and not reason:
        raise ValidationError(
            {
                "override_reason": (
                    f"The plan checks found {len(blocking)} error{'s' if len(blocking) > 1 else ''}"
                    f" (first: {blocking[0].message}). Fix them, or say why you sign anyway."
                )
            }
        )
    now = timezone.now()
    digest = _hash(plan)
    plan.status = PlanStatus.SIGNED
    plan.signed_at = now
    plan.content_hash = digest
    plan.review_due_on = plan_versions.review_due(
        timezone.localdate(now), plan.review_interval_days
    )
    plan.save(update_fields=["status", "signed_at", "content_hash", "review_due_on"])
    previous = plan.previous_version
    if previous is not None and previous.status == PlanStatus.SIGNED:
        TreatmentPlan.objects.filter(pk=previous.pk).update(status=PlanStatus.SUPERSEDED)
        _audit("plan.supersede", actor, previous, by=plan.public_id)
    signature = Signature.objects.create(
        plan=plan,
        role=SignatureRole.CLINICIAN,
        signer=actor,
        signer_name=actor.full_name,
        credentials=actor.credentials,
        method=SignatureMethod.PASSWORD,
        content_hash=digest,
        override_reason=reason if blocking else "",
        signed_at=now,
    )
    _audit(
        "plan.sign",
        actor,
        plan,
        version=plan.version,
        content_hash=digest,
        overridden=[f.code for f in blocking] if reason else [],
    )
    return signature


def _signed_and_intact(plan: TreatmentPlan) -> TreatmentPlan:
    """A signed version whose content still hashes to what was signed."""
    plan = _fresh(plan, lock=True)
    if plan.status != PlanStatus.SIGNED:
        raise ValidationError({"plan": "Only a signed version in force can be signed again."})
    if _hash(plan) != plan.content_hash:
        # Nothing in the application changes a signed version; this means the database was
        # altered behind its back, and no further signature may vouch for it.
        raise ValidationError(
            {"plan": "This version no longer matches what was signed; it cannot be signed."}
        )
    return plan


@transaction.atomic
def plan_cosign(
    *, actor: User, plan: TreatmentPlan, password: object, otp_code: object = None
) -> Signature:
    """A supervisor of the signing clinician co-signs the exact signed version.

    Who may is plans/permissions.py's rule; what is wrong with the version is said first.
    """
    _clinical_actor(actor, plan.client)
    plan = _signed_and_intact(plan)
    clinician = plan.signatures.filter(role=SignatureRole.CLINICIAN).first()
    if clinician is None or clinician.signer is None:
        raise ValidationError({"plan": "The clinician has not signed this version."})
    if plan.signatures.filter(role=SignatureRole.SUPERVISOR).exists():
        raise ValidationError({"plan": "This version is already co-signed."})
    if not version_actions(actor, plan).cosign:
        raise PermissionDenied
    _check_password(actor, password, otp_code)
    signature = Signature.objects.create(
        plan=plan,
        role=SignatureRole.SUPERVISOR,
        signer=actor,
        signer_name=actor.full_name,
        credentials=actor.credentials,
        method=SignatureMethod.PASSWORD,
        content_hash=plan.content_hash,
    )
    _audit("plan.cosign", actor, plan, content_hash=plan.content_hash)
    return signature


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(text.replace("-", " ").split())


def _names_of(client: Client) -> set[str]:
    family = client.family_name
    given = {client.given_name, client.preferred_name} - {""}
    return {_fold(f"{g} {family}") for g in given}


@transaction.atomic
def plan_endorse_in_session(
    *, actor: User, plan: TreatmentPlan, typed_name: object, read_together: bool
) -> Signature:
    """The client endorses the signed version in session by typing their name.

    The clinician witnesses it and confirms they read the plan through together. A later
    version needs its own endorsement: the signature is bound to this version's hash.
    """
    _clinical_actor(actor, plan.client)
    errors: dict[str, str] = {}
    name = _text(errors, "typed_name", typed_name, required=True, max_length=200)
    if not read_together:
        errors["read_together"] = "Confirm that you read the plan through with the client."
    _raise(errors)
    plan = _signed_and_intact(plan)
    client = plan.client
    if _fold(name) not in _names_of(client):
        raise ValidationError(
            {"typed_name": "The client types their own full name (first and last) to endorse."}
        )
    if plan.signatures.filter(role=SignatureRole.CLIENT).exists():
        raise ValidationError({"plan": "The client has already endorsed this version."})
    if not version_actions(actor, plan).endorse:
        raise PermissionDenied
    signature = Signature.objects.create(
        plan=plan,
        role=SignatureRole.CLIENT,
        signer=client.portal_user,
        signer_name=name,
        method=SignatureMethod.IN_SESSION,
        witness=actor,
        content_hash=plan.content_hash,
    )
    _audit(
        "plan.endorse",
        actor,
        plan,
        method=SignatureMethod.IN_SESSION,
        content_hash=plan.content_hash,
    )
    return signature


@transaction.atomic
def plan_endorse_in_portal(
    *, actor: User, plan: TreatmentPlan, typed_name: object, has_read: bool, password: object
) -> Signature:
    """The client endorses the signed version in the portal: their full name typed, "I have
    read this plan" ticked, and their own password re-entered (decision 0702).

    Bound to this version's hash like every signature; a later version needs its own.
    """
    require_membership(actor, Role.CLIENT)
    if plan.client.portal_user_id != actor.pk:
        raise PermissionDenied
    errors: dict[str, str] = {}
    name = _text(errors, "typed_name", typed_name, required=True, max_length=200)
    if not has_read:
        errors["has_read"] = "Tick the box to say you have read the plan."
    if not isinstance(password, str) or not password or not actor.check_password(password):
        errors.update({"password": "That is not your password; enter the one you sign in with."})
    _raise(errors)
    plan = _signed_and_intact(plan)
    client = plan.client
    if _fold(name) not in _names_of(client):
        raise ValidationError(
            {"typed_name": "Type your full name (first and last) as your therapist has it."}
        )
    if plan.signatures.filter(role=SignatureRole.CLIENT).exists():
        raise ValidationError({"plan": "You have already endorsed this version of your plan."})
    if not version_actions(actor, plan).endorse:
        raise PermissionDenied
    signature = Signature.objects.create(
        plan=plan,
        role=SignatureRole.CLIENT,
        signer=actor,
        signer_name=name,
        method=SignatureMethod.PORTAL,
        content_hash=plan.content_hash,
    )
    _audit(
        "plan.endorse", actor, plan, method=SignatureMethod.PORTAL, content_hash=plan.content_hash
    )
    return signature


# --------------------------------------------------------------------------- new versions


def _copy_target(target: Target | None, **owner: Any) -> None:
    if target is None:
        return
    Target.objects.create(
        **owner,
        instrument_code=target.instrument_code,
        metric=target.metric,
        baseline=target.baseline,
        baseline_administration=target.baseline_administration,
        comparator=target.comparator,
        target_value=target.target_value,
        direction=target.direction,
        due_date=target.due_date,
        confirmed=target.confirmed,
        confirmed_by=target.confirmed_by,
        confirmed_at=target.confirmed_at,
    )


def _copy(
    plan: TreatmentPlan, actor: User, reason: str, statuses: Mapping[int, str] | None = None
) -> TreatmentPlan:
    """A new draft version with everything of `plan`, each part pointing to its origin."""
    if TreatmentPlan.objects.filter(client=plan.client, status=PlanStatus.DRAFT).exists():
        raise ValidationError(
            {"plan": "This client already has a draft version; sign or edit that one first."}
        )
    latest = TreatmentPlan.objects.filter(client=plan.client).order_by("-version").first()
    assert latest is not None
    draft = TreatmentPlan.objects.create(
        organization=plan.organization,
        client=plan.client,
        version=latest.version + 1,
        previous_version=plan if plan.pk == latest.pk else latest,
        review_interval_days=plan.review_interval_days,
        strengths=plan.strengths,
        functional_impairment=plan.functional_impairment,
        discharge_criteria=plan.discharge_criteria,
        amendment_reason=reason,
        created_by=actor,
    )
    Diagnosis.objects.bulk_create(
        Diagnosis(plan=draft, origin=d, code=d.code, text=d.text, order=d.order)
        for d in plan.diagnoses.all()
    )
    for goal in plan.goals.all():
        new_goal = Goal.objects.create(
            plan=draft,
            origin=goal,
            order=goal.order,
            client_words=goal.client_words,
            statement=goal.statement,
            status=(statuses or {}).get(goal.pk, goal.status),
        )
        new_goal.factors.set(goal.factors.all())
        _copy_target(target_of(goal), goal=new_goal)
        for objective in goal.objectives.all():
            new_objective = Objective.objects.create(
                goal=new_goal,
                origin=objective,
                order=objective.order,
                statement=objective.statement,
            )
            _copy_target(target_of(objective), objective=new_objective)
            Intervention.objects.bulk_create(
                Intervention(
                    objective=new_objective,
                    origin=i,
                    order=i.order,
                    modality=i.modality,
                    type=i.type,
                    frequency=i.frequency,
                    session_minutes=i.session_minutes,
                    responsible=i.responsible,
                )
                for i in objective.interventions.all()
            )
    return draft


@transaction.atomic
def plan_amend(*, actor: User, plan: TreatmentPlan, reason: str) -> TreatmentPlan:
    """A new draft version from a signed one, carrying the reason for the change."""
    _clinical_actor(actor, plan.client)
    errors: dict[str, str] = {}
    clean = _text(errors, "reason", reason, required=True, max_length=1000)
    _raise(errors)
    # Lock the client: two amendments at once must not make two drafts.
    Client.objects.select_for_update().filter(pk=plan.client_id).first()
    plan = _fresh(plan, lock=True)
    if plan.status != PlanStatus.SIGNED:
        raise ValidationError({"plan": "Only the signed version in force can be amended."})
    plan = _signed_and_intact(plan)
    draft = _copy(plan, actor, clean)
    _audit("plan.amend", actor, draft, version=draft.version, amends=plan.public_id)
    return draft


# --------------------------------------------------------------------------- reviews


def _snapshot(plan: TreatmentPlan) -> list[ReviewObjective]:
    """Each objective's progress today, from the data, as the review records it."""
    client = plan.client
    administrations = list(
        Administration.objects.filter(client=client).order_by("administered_at", "id")
    )
    observations = list(Observation.objects.filter(client=client).order_by("period_start", "id"))
    by_instrument, by_metric = series_by_measure(administrations, observations)
    rows = []
    for goal in plan.goals.all():
        for objective in goal.objectives.all():
            target = target_of(objective)
            row = ReviewObjective(objective=objective)
            if target is not None:
                progress = target_progress_for(
                    target, by_instrument=by_instrument, by_metric=by_metric
                )
                domain_target = target_to_domain(target)
                assert domain_target is not None
                row.latest = progress.latest
                row.change = progress.change
                change = progress.instrument_change
                row.reliable_change = (change.reliable_change or "") if change else ""
                row.status = progress.status
                row.words = target_progress.progress_in_words(progress, domain_target)
            rows.append(row)
    return rows


@transaction.atomic
def review_record(
    *,
    actor: User,
    plan: TreatmentPlan,
    held_on: object,
    participants: str,
    summary: str = "",
    decisions: Mapping[str, tuple[str, str]],
    new_version: bool | None = None,
) -> Review:
    """Record a review of the signed version in force and, when anything changes, the draft
    of the next version (goals met or discontinued carry that status into it).

    `decisions` maps each active goal's public id to (decision, note); every active goal
    needs one. With every goal continued and `new_version` not asked for, no version is
    made and the next review falls one interval after this one.
    """
    _clinical_actor(actor, plan.client)
    errors: dict[str, str] = {}
    who = _text(errors, "participants", participants, required=True, max_length=1000)
    words = _text(errors, "summary", summary)
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = "Enter the date of the review."
    elif held_on > timezone.localdate():
        errors["held_on"] = "A review cannot be dated in the future."
    _raise(errors)
    assert isinstance(held_on, dt.date)
    Client.objects.select_for_update().filter(pk=plan.client_id).first()
    plan = _fresh(plan, lock=True)
    if plan.status != PlanStatus.SIGNED:
        raise ValidationError({"plan": "Only the signed version in force can be reviewed."})
    plan = _signed_and_intact(plan)
    if held_on < timezone.localdate(plan.signed_at):
        raise ValidationError({"held_on": "The review cannot be before the plan was signed."})
    active = [g for g in plan.goals.all() if g.status == GoalStatus.ACTIVE]
    chosen: dict[int, tuple[str, str]] = {}
    for goal in active:
        decision, note = decisions.get(goal.public_id, ("", ""))
        if decision not in ReviewDecision.values:
            errors[f"decision_{goal.public_id}"] = f"Choose a decision for goal {goal.order}."
            continue
        chosen[goal.pk] = (decision, _text(errors, f"note_{goal.public_id}", note))
    _raise(errors)
    review = Review.objects.create(
        plan=plan,
        held_on=held_on,
        due_on=plan.review_due_on,
        participants=who,
        summary=words,
        created_by=actor,
    )
    ReviewGoal.objects.bulk_create(
        ReviewGoal(review=review, goal_id=pk, decision=d, note=n) for pk, (d, n) in chosen.items()
    )
    rows = _snapshot(plan)
    for row in rows:
        row.review = review
    ReviewObjective.objects.bulk_create(rows)
    changes = any(d != ReviewDecision.CONTINUE for d, _ in chosen.values())
    if new_version or (new_version is None and changes):
        statuses = {pk: _STATUS_AFTER[ReviewDecision(d)] for pk, (d, _) in chosen.items()}
        draft = _copy(plan, actor, f"Review of {held_on.isoformat()}", statuses)
        review.next_plan = draft
        review.save(update_fields=["next_plan"])
    # The review was held: the version in force is next due one interval on (the schedule
    # is not the signed content, so its hash is untouched). A review recorded late, with
    # an earlier date than one already on file, never moves the date back.
    due = plan_versions.review_due(held_on, plan.review_interval_days)
    if plan.review_due_on is None or due > plan.review_due_on:
        TreatmentPlan.objects.filter(pk=plan.pk).update(review_due_on=due)
    _audit(
        "review.create",
        actor,
        plan,
        review=review.public_id,
        next_plan=review.next_plan.public_id if review.next_plan else "",
    )
    return review


def plan_diff(older: TreatmentPlan, newer: TreatmentPlan) -> plan_versions.PlanDiff:
    """The comparison of two versions already fetched through plans/access.py; the versions
    in between are read too, so parts are followed through every copy."""
    if older.version > newer.version:
        older, newer = newer, older
    between = plans_with_parts().filter(
        client_id=older.client_id, version__gt=older.version, version__lt=newer.version
    )
    return plan_versions.compare(
        plan_to_domain(older),
        plan_to_domain(newer),
        between=[plan_to_domain(p) for p in between],
    )
