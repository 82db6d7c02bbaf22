"""Who may sign, co-sign and endorse a plan version: one rule for the page and the services.

The editor shows an action only when `version_actions` allows it, and the services in
plans/versions.py refuse (PermissionDenied) what it does not allow. They first check the
version's state themselves, so a refusal for a draft, a tampered version or a signature
already given names what is wrong with the version rather than with the person.

The plan must have been fetched for the user (plans/access.py) or the user checked against
the client (clients/access.py): this rule says what they may do with a version they may read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from milepost.accounts.access import membership_of
from milepost.accounts.models import CLINICAL_ROLES, Role, Supervision, User
from milepost.plans.models import PlanStatus, Signature, SignatureRole, TreatmentPlan


@dataclass(frozen=True)
class VersionActions:
    """What one user may do with one plan version now."""

    sign: bool  # the draft, by a clinician or supervisor
    cosign: bool  # the signed version, once, by a supervisor of the clinician who signed it
    endorse: bool  # the signed version, once: in session (witnessed) or by the client themself


def version_actions(
    user: User, plan: TreatmentPlan, *, signatures: Iterable[Signature] | None = None
) -> VersionActions:
    """What `user` may do with `plan`; `signatures` when the caller has read them already."""
    membership = membership_of(user)
    role = membership.role if membership is not None else None
    clinical = role in CLINICAL_ROLES
    by_role = {s.role: s for s in (plan.signatures.all() if signatures is None else signatures)}
    in_force = plan.status == PlanStatus.SIGNED
    return VersionActions(
        sign=clinical and plan.status == PlanStatus.DRAFT,
        cosign=in_force
        and SignatureRole.SUPERVISOR not in by_role
        and role == Role.SUPERVISOR
        and _supervises_signer(user, by_role.get(SignatureRole.CLINICIAN)),
        endorse=in_force
        and SignatureRole.CLIENT not in by_role
        and (clinical or (role == Role.CLIENT and plan.client.portal_user_id == user.pk)),
    )


def _supervises_signer(user: User, clinician: Signature | None) -> bool:
    """A supervisor co-signs for the clinicians they supervise, not for any clinician."""
    if clinician is None or clinician.signer_id is None:
        return False
    return Supervision.objects.filter(supervisor=user, clinician_id=clinician.signer_id).exists()
