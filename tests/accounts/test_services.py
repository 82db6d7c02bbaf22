from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from milepost.accounts import services
from milepost.accounts.models import Role, User
from milepost.audit.models import AuditEvent


@pytest.mark.django_db
class UserCreateTests:
    def test_an_admin_adds_a_clinician_to_their_practice_without_a_password(self, personas):
        user = services.user_create(
            actor=personas.erin,
            organization=personas.org,
            email="  Gwen@Example.org ",
            full_name="Gwen Example",
            role=Role.CLINICIAN,
        )
        assert user.email == "gwen@example.org"
        assert user.membership.organization == personas.org
        assert not user.has_usable_password()
        assert AuditEvent.objects.filter(action="user.create", object_id=user.public_id).exists()

    def test_nobody_sets_another_persons_password(self, personas):
        # Decision 0705: only the system (the demo, a person accepting their own invitation)
        # gives an account its password; an admin sends an invitation.
        with pytest.raises(PermissionDenied):
            services.user_create(
                actor=personas.erin,
                organization=personas.org,
                email="gwen@example.org",
                full_name="Gwen Example",
                role=Role.CLINICIAN,
                password="a password the admin would know",
            )
        assert not User.objects.filter(email="gwen@example.org").exists()

    def test_a_clinician_cannot_add_users(self, personas):
        with pytest.raises(PermissionDenied):
            services.user_create(
                actor=personas.alice,
                organization=personas.org,
                email="x@example.org",
                full_name="X",
                role=Role.CLINICIAN,
            )

    def test_an_admin_cannot_add_users_to_another_practice(self, personas):
        with pytest.raises(PermissionDenied):
            services.user_create(
                actor=personas.erin,
                organization=personas.other_org,
                email="x@example.org",
                full_name="X",
                role=Role.CLINICIAN,
            )

    def test_a_taken_email_is_refused_by_name(self, personas):
        with pytest.raises(ValidationError) as caught:
            services.user_create(
                actor=personas.erin,
                organization=personas.org,
                email="ALICE@example.org",
                full_name="Another Alice",
                role=Role.CLINICIAN,
            )
        assert "email" in caught.value.error_dict

    def test_an_unknown_role_is_refused(self, personas):
        with pytest.raises(ValidationError) as caught:
            services.user_create(
                actor=None,
                organization=personas.org,
                email="new@example.org",
                full_name="New",
                role="overlord",
            )
        assert "role" in caught.value.error_dict

    def test_without_a_password_the_account_cannot_sign_in_yet(self, personas):
        user = services.user_create(
            actor=None,
            organization=personas.org,
            email="n@example.org",
            full_name="N",
            role="clinician",
        )
        assert not user.has_usable_password()


@pytest.mark.django_db
class UserUpdateTests:
    def test_an_admin_changes_a_role_and_it_is_audited(self, personas):
        services.user_update(
            actor=personas.erin,
            user=personas.bob,
            full_name="Bob Example",
            credentials="LMHC",
            role=Role.SUPERVISOR,
            is_active=True,
        )
        personas.bob.refresh_from_db()
        assert personas.bob.membership.role == Role.SUPERVISOR
        event = AuditEvent.objects.filter(action="user.update").last()
        assert event is not None
        assert set(event.detail["fields"]) == {"credentials", "role"}

    def test_an_admin_cannot_demote_or_deactivate_themselves(self, personas):
        with pytest.raises(ValidationError):
            services.user_update(
                actor=personas.erin,
                user=personas.erin,
                full_name="Erin",
                credentials="",
                role=Role.CLINICIAN,
                is_active=True,
            )
        with pytest.raises(ValidationError):
            services.user_update(
                actor=personas.erin,
                user=personas.erin,
                full_name="Erin",
                credentials="",
                role=Role.ADMIN,
                is_active=False,
            )

    def test_a_client_account_cannot_become_staff(self, personas):
        with pytest.raises(ValidationError):
            services.user_update(
                actor=personas.erin,
                user=personas.dana,
                full_name="Dana",
                credentials="",
                role=Role.CLINICIAN,
                is_active=True,
            )

    def test_an_admin_of_another_practice_cannot_change_anyone_here(self, personas):
        other_admin = services.user_create(
            actor=None,
            organization=personas.other_org,
            email="olga@example.org",
            full_name="Olga",
            role=Role.ADMIN,
        )
        with pytest.raises(PermissionDenied):
            services.user_update(
                actor=other_admin,
                user=personas.bob,
                full_name="Hijacked",
                credentials="",
                role=Role.CLINICIAN,
                is_active=False,
            )
        assert User.objects.get(pk=personas.bob.pk).is_active


@pytest.mark.django_db
class SupervisionTests:
    def test_supervision_never_crosses_organizations(self, personas):
        with pytest.raises(ValidationError):
            services.supervision_add(
                actor=None, supervisor=personas.sam, clinician=personas.charlie
            )

    def test_only_a_supervisor_can_supervise(self, personas):
        with pytest.raises(ValidationError):
            services.supervision_add(actor=None, supervisor=personas.alice, clinician=personas.bob)
