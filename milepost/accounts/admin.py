"""Django admin for staff-only maintenance: users and organizations, never clinical records.

Client records stay out of the admin on purpose: they are read only through
access.py, which audits every read (docs/decisions/0005-django-admin.md).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from milepost.accounts.models import Membership, Organization, Supervision, User


class MembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    can_delete = False
    extra = 0
    # Granted and revoked only in the practice's own pages, where each is audited.
    readonly_fields = ["custodian_granted_at", "custodian_granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("public_id", "email", "password")}),
        ("Person", {"fields": ("full_name", "credentials")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ["groups"]
    list_filter = ["is_active", "is_staff"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "created_at"]
    readonly_fields = ["public_id"]


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ["supervisor", "clinician", "started_at"]
