"""Django admin for staff-only maintenance: users and organizations, never clinical records.

Client records stay out of the admin on purpose: they are read only through
access.py, which audits every read (docs/decisions/0005-django-admin.md).

Nobody sets or sees another person's password here either (docs/decisions/0705): the change
form has no password field (not even the hash), the "change password" page is gone, and the
add form makes an account without a usable password. The person's practice admin then sends
the invitation from Practice users, where they choose their own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import URLPattern

from milepost.accounts.models import Membership, Organization, Supervision, User


class MembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    can_delete = False
    extra = 0
    # Granted and revoked only in the practice's own pages, where each is audited.
    readonly_fields = ["custodian_granted_at", "custodian_granted_by"]


class UserAddForm(forms.ModelForm):
    """A new account without a password: an invitation lets its owner choose one."""

    class Meta:
        model = User
        fields = ["email", "full_name"]
        help_texts = {
            "email": "The account has no password. Give it a membership (save, then edit), "
            "and its practice admin sends the invitation from Practice users; the person "
            "chooses their own password from the link.",
        }

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class UserChangeForm(forms.ModelForm):
    """Everything but the password: no field, no hash, no link to set one."""

    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "credentials",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
        ]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    add_form_template = None  # Django's, not the user add form's password widgets
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("public_id", "email")}),
        ("Person", {"fields": ("full_name", "credentials")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name")}),)
    filter_horizontal = ["groups"]
    list_filter = ["is_active", "is_staff"]

    def get_urls(self) -> list[URLPattern]:
        # ModelAdmin's own routes, without UserAdmin's "<id>/password/" page.
        return admin.ModelAdmin.get_urls(self)

    def get_inline_instances(self, request: Any, obj: Any = None) -> list[Any]:
        # The add form is the account alone; its membership is added once it exists.
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "created_at"]
    readonly_fields = ["public_id"]


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ["supervisor", "clinician", "started_at"]
