"""The plan's compliance findings, as plans asks for them: a port that reports fills in.

A version's ComplianceRecord reads session notes and administrations, which sit above plans,
so it is built in `milepost.reports.compliance` (docs/decisions/0013-layers-and-read-models.md).
Plans needs its findings twice: the editor and the sign page show them, and the signing
service refuses a version with errors. Rather than import upwards, plans names what it needs
here and reports registers the builder when Django starts (`ReportsConfig.ready`). Without
a registered builder every call fails loudly: a plan is never signed unchecked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from milepost.accounts.models import User
    from milepost.domain.compliance import Finding, Profile
    from milepost.measures.models import Administration
    from milepost.plans.models import Formulation, TreatmentPlan


class ComplianceBuilder(Protocol):
    def compliance_for(
        self,
        plan: TreatmentPlan,
        *,
        user: User,
        formulation: Formulation | object | None = ...,
        administrations: Sequence[Administration] | None = None,
    ) -> tuple[Profile, list[Finding]]: ...

    def compliance_errors(
        self, plan: TreatmentPlan, *, signer: User | None = None
    ) -> list[Finding]: ...


_builder: ComplianceBuilder | None = None


def register(builder: ComplianceBuilder) -> None:
    """Called once by the reports app when Django starts."""
    global _builder
    _builder = builder


def _registered() -> ComplianceBuilder:
    if _builder is None:
        raise ImproperlyConfigured(
            "No compliance builder is registered: milepost.reports must be in INSTALLED_APPS."
        )
    return _builder


def compliance_for(
    plan: TreatmentPlan, *, user: User, **already_read: Any
) -> tuple[Profile, list[Finding]]:
    """The profile and findings of a plan fetched for `user` (the editor, the sign page);
    `formulation=` and `administrations=` pass what the caller has read already."""
    return _registered().compliance_for(plan, user=user, **already_read)


def compliance_errors(plan: TreatmentPlan, *, signer: User | None = None) -> list[Finding]:
    """The errors that block signing (the signing service)."""
    return _registered().compliance_errors(plan, signer=signer)
