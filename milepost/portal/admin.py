"""Django admin for the portal's practice settings: the crisis resources, nothing clinical.

A practice admin given staff access edits only their own practice's row; a superuser
sees every practice's (docs/decisions/0005-django-admin.md: no clinical models here).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from milepost.accounts.access import membership_of
from milepost.accounts.models import Organization, Role
from milepost.portal.models import CrisisResources


def _own_organization(request: HttpRequest) -> Organization | None:
    membership = membership_of(request.user)  # type: ignore[arg-type]
    if membership is None or membership.role != Role.ADMIN:
        return None
    return membership.organization


@admin.register(CrisisResources)
class CrisisResourcesAdmin(admin.ModelAdmin):
    list_display = ["organization", "call_label", "emergency_number", "updated_at"]
    readonly_fields = ["updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CrisisResources]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        organization = _own_organization(request)
        return rows.filter(organization=organization) if organization else rows.none()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organization" and not request.user.is_superuser:
            organization = _own_organization(request)
            kwargs["queryset"] = (
                Organization.objects.filter(pk=organization.pk)
                if organization is not None
                else Organization.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return True
        organization = _own_organization(request)
        return (
            super().has_add_permission(request)
            and organization is not None
            and not CrisisResources.objects.filter(organization=organization).exists()
        )

    def save_model(
        self, request: HttpRequest, obj: CrisisResources, form: Any, change: bool
    ) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
