"""Who calls the FHIR API, and the records they may read through it.

A token is django-oauth-toolkit's; the person it acts for is its user (a clinician who
authorised an app) or, for a backend service's token, the app's owner. Every read then goes
through the apps' own access functions, with their rules (the caseload; 404 for anyone
else's record; nothing for a practice admin or a client) and their audit events, and one
``client.fhir_read`` event names the app, the scopes and what was read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from milepost.accounts.access import membership_of, require_membership
from milepost.accounts.models import CLINICAL_ROLES, Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import caseload_for_user, client_get_for_user, visible_clients
from milepost.clients.models import Client
from milepost.domain import fhir_access
from milepost.fhirapi.models import Launch, SmartApp, TokenContext
from milepost.interop.access import ClientRecord, plan_versions_for_client
from milepost.lib.public_id import is_public_id
from milepost.measures.access import administrations_for_client
from milepost.measures.models import Administration
from milepost.plans.access import observations_for_client
from milepost.plans.models import Diagnosis, Goal, Objective, Observation, TreatmentPlan


class Unauthorised(Exception):
    """No usable token: 401."""


@dataclass(frozen=True)
class Caller:
    user: User
    app_name: str
    client_id: str
    scopes: tuple[str, ...]
    patient: Client | None  # the token's patient context, if any

    def may(self, resource_type: str, interaction: str) -> bool:
        return fhir_access.allows(self.scopes, resource_type, interaction)


def caller_for_request(request: HttpRequest) -> Caller:
    """The token's caller, or Unauthorised. A session cookie counts for nothing here."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorised("Send an OAuth 2 access token as 'Authorization: Bearer <token>'.")
    checksum = hashlib.sha256(value.strip().encode("utf-8")).hexdigest()
    token = (
        AccessToken.objects.select_related("application__user", "user")
        .filter(token_checksum=checksum)
        .first()
    )
    if token is None or token.is_expired():
        raise Unauthorised("The access token is unknown, revoked or expired.")
    app = SmartApp.objects.filter(application_id=token.application_id).first()
    if app is None or not app.usable:
        raise Unauthorised("The app this token was issued to is revoked.")
    user = token.user or token.application.user
    if user is None or not user.is_active:
        raise Unauthorised("The access token's user can no longer sign in.")
    context = TokenContext.objects.filter(access_token=token).select_related("client").first()
    # The rest of Django (and the audit trail's request context) sees this user.
    request.user = user
    return Caller(
        user=user,
        app_name=str(token.application.name),
        client_id=str(token.application.client_id),
        scopes=tuple(token.scope.split()),
        patient=context.client if context is not None else None,
    )


def _require_clinical(caller: Caller) -> None:
    membership = membership_of(caller.user)
    if membership is None or membership.role not in (Role.CLINICIAN, Role.SUPERVISOR):
        # A practice admin or a client: the API serves clinical work only.
        raise PermissionDenied


def _patient_allowed(caller: Caller, public_id: str) -> None:
    """A token bound to a patient reads that patient only; a token with only patient/
    scopes and no patient reads nothing."""
    contexts = fhir_access.contexts(caller.scopes)
    other = caller.patient is not None and caller.patient.public_id != public_id
    if other and not ({"user", "system"} & contexts):
        raise Http404
    if caller.patient is None and contexts <= {"patient"}:
        raise Http404


def client_for_caller(caller: Caller, public_id: str) -> Client:
    _require_clinical(caller)
    _patient_allowed(caller, public_id)
    return client_get_for_user(caller.user, public_id, purpose="fhir_view")


def clients_for_caller(caller: Caller) -> list[Client]:
    """The clients a search without a patient covers: the token's patient, or the caseload."""
    _require_clinical(caller)
    contexts = fhir_access.contexts(caller.scopes)
    if caller.patient is not None and not ({"user", "system"} & contexts):
        return [client_get_for_user(caller.user, caller.patient.public_id, purpose="fhir_view")]
    if caller.patient is None and contexts <= {"patient"}:
        return []
    return caseload_for_user(caller.user)


def record_for_caller(caller: Caller, client: Client, *, types: list[str]) -> ClientRecord:
    """One client's record as the export reads it, audited as the pages' reads are."""
    record = ClientRecord(
        client=client,
        plans=plan_versions_for_client(caller.user, client),
        administrations=administrations_for_client(caller.user, client),
        observations=observations_for_client(caller.user, client),
    )
    audit_record(
        action="client.fhir_read",
        actor=caller.user,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"app": caller.client_id, "scopes": list(caller.scopes), "types": types},
    )
    return record


def owner_for_caller(caller: Caller, resource_type: str, resource_id: str) -> Client:
    """The client a resource id belongs to, among those the caller may read (404 otherwise):
    so that reading one resource reads, and audits, one record rather than the caseload.

    Ids are the records' public ids (an item Observation's is its administration's plus
    "-<item number>"); the lookup itself is unaudited, the record read that follows is not.
    """
    _require_clinical(caller)
    visible = visible_clients(caller.user)
    public_id = resource_id.split("-", 1)[0]
    if not is_public_id(public_id):
        raise Http404
    found: str | None = None
    if resource_type in ("QuestionnaireResponse", "Observation"):
        found = _first(Administration.objects.filter(client__in=visible, public_id=public_id))
    if found is None and resource_type == "Observation":
        found = _first(Observation.objects.filter(client__in=visible, public_id=public_id))
    if resource_type == "Condition":
        found = _first(
            Diagnosis.objects.filter(plan__client__in=visible, public_id=public_id),
            "plan__client__public_id",
        )
    if resource_type == "CarePlan":
        found = _first(TreatmentPlan.objects.filter(client__in=visible, public_id=public_id))
    if resource_type == "Goal":
        found = _first(
            Goal.objects.filter(plan__client__in=visible, public_id=public_id),
            "plan__client__public_id",
        )
        if found is None:
            found = _first(
                Objective.objects.filter(goal__plan__client__in=visible, public_id=public_id),
                "goal__plan__client__public_id",
            )
    if found is None:
        raise Http404
    return client_for_caller(caller, found)


def _first(rows: QuerySet[Any], path: str = "client__public_id") -> str | None:
    value = rows.values_list(path, flat=True).first()
    return str(value) if value is not None else None


def practitioner_for_caller(caller: Caller, public_id: str) -> User:
    """A clinician or supervisor of the caller's practice (404 for anyone else): staff
    details (name, NPI, licence), no client's. Audited as a read through the app."""
    membership = require_membership(caller.user, *CLINICAL_ROLES)
    if not is_public_id(public_id):
        raise Http404
    person = (
        User.objects.filter(
            public_id=public_id,
            membership__organization=membership.organization,
            membership__role__in=CLINICAL_ROLES,
        )
        .select_related("membership")
        .first()
    )
    if person is None:
        raise Http404
    audit_record(
        action="practitioner.fhir_read",
        actor=caller.user,
        organization=membership.organization,
        object_type="user",
        object_id=person.public_id,
        detail={"app": caller.client_id, "scopes": list(caller.scopes)},
    )
    return person


# ---------------------------------------------------------------- EHR launch


def smart_apps_for_user(user: User) -> list[SmartApp]:
    """The practice's apps a clinician may launch: those registered with a launch URL by
    someone of the same practice."""
    membership = membership_of(user)
    if membership is None or membership.role not in (Role.CLINICIAN, Role.SUPERVISOR):
        raise PermissionDenied
    return list(
        SmartApp.objects.select_related("application")
        .filter(organization=membership.organization, revoked_at__isnull=True)
        .exclude(launch_uri="")
        .order_by("application__name")
    )


def smart_apps_for_admin(user: User) -> list[SmartApp]:
    """Every SMART app of the admin's practice, revoked ones too (newest first)."""
    membership = require_membership(user, Role.ADMIN)
    return list(
        SmartApp.objects.select_related("application__user", "registered_by", "revoked_by")
        .filter(organization=membership.organization)
        .order_by("-created_at", "-pk")
    )


def smart_app_for_admin(user: User, public_id: str) -> SmartApp:
    membership = require_membership(user, Role.ADMIN)
    if not is_public_id(public_id):
        raise Http404
    app = (
        SmartApp.objects.select_related("application")
        .filter(organization=membership.organization, public_id=public_id)
        .first()
    )
    if app is None:
        raise Http404
    return app


def backend_services_for_clinician(user: User) -> list[SmartApp]:
    """The backend services registered to act for `user`, revoked ones too."""
    require_membership(user, *CLINICAL_ROLES)
    apps = (
        SmartApp.objects.select_related("application", "registered_by")
        .filter(application__user=user)
        .order_by("-created_at", "-pk")
    )
    return [app for app in apps if app.is_backend]


def backend_service_for_clinician(user: User, public_id: str) -> SmartApp:
    for app in backend_services_for_clinician(user):
        if app.public_id == public_id:
            return app
    raise Http404


def launch_client(user: User, client_id: str, value: str) -> Client | None:
    """The client of an unused, unexpired launch that `user` started for this app."""
    launch = (
        Launch.objects.select_related("client")
        .filter(
            token_hash=hashlib.sha256(value.encode("utf-8")).hexdigest(),
            user=user,
            app__application__client_id=client_id,
            expires_at__gt=timezone.now(),
            used_at__isnull=True,
        )
        .first()
    )
    if launch is None:
        return None
    # The caseload may have changed since the launch: read through the access rules again.
    return client_get_for_user(user, launch.client.public_id, purpose="fhir_launch")
