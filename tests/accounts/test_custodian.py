"""The records-custodian grant (decision 0606): given by a practice admin to a named admin
of the same practice after step-up, revoked by any admin, ended with the admin role; each
grant and revocation audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from milepost.accounts import services
from milepost.accounts.custodian import (
    NOT_AN_ADMIN,
    SELF_GRANT_REFUSED,
    custodian_grant,
    custodian_revoke,
)
from milepost.accounts.models import Membership, Role
from milepost.audit.models import AuditEvent
from tests.accounts.test_mfa import enrol, fresh_code
from tests.base import PASSWORD

pytestmark = pytest.mark.django_db


def second_admin(p):
    return services.user_create(
        actor=None,
        organization=p.org,
        email="olga@example.org",
        full_name="Olga Example",
        role=Role.ADMIN,
        password=PASSWORD,
    )


def holds(user) -> bool:
    return Membership.objects.get(user=user).is_custodian


def grant_url(user) -> str:
    return reverse("accounts:user_custodian_grant", kwargs={"user_id": user.public_id})


def revoke_url(user) -> str:
    return reverse("accounts:user_custodian_revoke", kwargs={"user_id": user.public_id})


def edit_url(user) -> str:
    return reverse("accounts:user_edit", kwargs={"user_id": user.public_id})


class GrantTests:
    def test_an_admin_grants_it_to_another_admin_and_it_is_audited(self, personas):
        olga = second_admin(personas)
        assert not holds(olga)  # never implied by the admin role
        custodian_grant(actor=personas.erin, user=olga, password=PASSWORD)
        membership = Membership.objects.get(user=olga)
        assert membership.is_custodian
        assert membership.custodian_granted_by == personas.erin
        assert not membership.custodian_self_granted
        event = AuditEvent.objects.get(action="user.custodian_grant")
        assert (event.actor, event.object_id) == (personas.erin, olga.public_id)
        assert event.organization == personas.org
        assert event.detail == {"granted_by": personas.erin.public_id, "self_granted": False}

    def test_the_granting_admin_steps_up_with_their_password(self, personas):
        olga = second_admin(personas)
        for wrong in ("not it", "", None):
            with pytest.raises(ValidationError) as error:
                custodian_grant(actor=personas.erin, user=olga, password=wrong)
            assert "password" in error.value.message_dict
        assert not holds(olga)
        assert not AuditEvent.objects.filter(action="user.custodian_grant").exists()

    def test_an_enrolled_admin_gives_a_fresh_code_too(self, personas):
        olga = second_admin(personas)
        device, _ = enrol(personas.erin)
        with pytest.raises(ValidationError) as error:
            custodian_grant(actor=personas.erin, user=olga, password=PASSWORD)
        assert "otp_code" in error.value.message_dict
        custodian_grant(
            actor=personas.erin, user=olga, password=PASSWORD, otp_code=fresh_code(device)
        )
        assert holds(olga)

    def test_only_an_active_admin_can_hold_it(self, personas):
        for who in (personas.alice, personas.sam, personas.dana):
            with pytest.raises(ValidationError) as error:
                custodian_grant(actor=personas.erin, user=who, password=PASSWORD)
            assert error.value.message_dict["user"] == [NOT_AN_ADMIN]
        olga = second_admin(personas)
        olga.is_active = False
        olga.save(update_fields=["is_active"])
        with pytest.raises(ValidationError):
            custodian_grant(actor=personas.erin, user=olga, password=PASSWORD)

    def test_the_only_admin_may_grant_it_to_themselves_and_it_is_marked(self, personas):
        custodian_grant(actor=personas.erin, user=personas.erin, password=PASSWORD)
        membership = Membership.objects.get(user=personas.erin)
        assert membership.custodian_self_granted
        event = AuditEvent.objects.get(action="user.custodian_grant")
        assert event.detail["self_granted"] is True

    def test_with_another_active_admin_a_self_grant_is_refused(self, personas):
        olga = second_admin(personas)
        with pytest.raises(ValidationError) as error:
            custodian_grant(actor=personas.erin, user=personas.erin, password=PASSWORD)
        assert error.value.message_dict["user"] == [SELF_GRANT_REFUSED]
        assert not holds(personas.erin)
        # The other admin grants it instead.
        custodian_grant(actor=olga, user=personas.erin, password=PASSWORD)
        assert holds(personas.erin)

    def test_another_practices_admin_cannot_grant_to_your_users(self, personas):
        outsider = services.user_create(
            actor=None,
            organization=personas.other_org,
            email="oscar@example.org",
            full_name="Oscar Example",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        with pytest.raises(PermissionDenied):
            custodian_grant(actor=outsider, user=personas.erin, password=PASSWORD)
        custodian_grant(actor=None, user=personas.erin)
        with pytest.raises(PermissionDenied):
            custodian_revoke(actor=outsider, user=personas.erin)
        assert holds(personas.erin)

    def test_a_clinician_cannot_grant(self, personas):
        for who in (personas.alice, personas.sam, personas.dana):
            with pytest.raises(PermissionDenied):
                custodian_grant(actor=who, user=personas.erin, password=PASSWORD)
        assert not holds(personas.erin)


class RevokeTests:
    def test_any_admin_revokes_it_and_it_is_audited(self, personas):
        olga = second_admin(personas)
        custodian_grant(actor=personas.erin, user=olga, password=PASSWORD)
        assert custodian_revoke(actor=personas.erin, user=olga)
        assert not holds(olga)
        event = AuditEvent.objects.get(action="user.custodian_revoke")
        assert (event.actor, event.object_id) == (personas.erin, olga.public_id)
        assert event.detail == {"reason": "revoked", "granted_by": personas.erin.public_id}
        # Revoking nothing writes nothing.
        assert not custodian_revoke(actor=personas.erin, user=olga)
        assert AuditEvent.objects.filter(action="user.custodian_revoke").count() == 1

    def test_a_custodian_revokes_their_own(self, personas):
        custodian_grant(actor=None, user=personas.erin)
        assert custodian_revoke(actor=personas.erin, user=personas.erin)
        assert not holds(personas.erin)

    def test_it_ends_with_the_admin_role(self, personas):
        olga = second_admin(personas)
        custodian_grant(actor=None, user=olga)
        services.user_update(
            actor=personas.erin,
            user=olga,
            full_name="Olga Example",
            credentials="",
            role=Role.CLINICIAN,
            is_active=True,
        )
        membership = Membership.objects.get(user=olga)
        assert membership.custodian_granted_at is None
        # Made an admin again, she does not get it back by the role.
        services.user_update(
            actor=personas.erin,
            user=olga,
            full_name="Olga Example",
            credentials="",
            role=Role.ADMIN,
            is_active=True,
        )
        assert not holds(olga)
        event = AuditEvent.objects.get(action="user.custodian_revoke")
        assert event.detail["reason"] == "role_changed"
        update = AuditEvent.objects.filter(action="user.update").first()
        assert update is not None
        assert "custodian_ended" in update.detail["fields"]

    def test_it_ends_when_the_admin_is_deactivated(self, personas):
        olga = second_admin(personas)
        custodian_grant(actor=None, user=olga)
        services.user_update(
            actor=personas.erin,
            user=olga,
            full_name="Olga Example",
            credentials="",
            role=Role.ADMIN,
            is_active=False,
        )
        assert Membership.objects.get(user=olga).custodian_granted_at is None
        event = AuditEvent.objects.get(action="user.custodian_revoke")
        assert event.detail["reason"] == "deactivated"


class PageTests:
    def test_the_edit_page_grants_it_after_step_up(self, personas, login_as):
        olga = second_admin(personas)
        http = login_as(personas.erin)
        page = http.get(edit_url(olga)).content.decode()
        assert f'action="{grant_url(olga)}"' in page
        response = http.post(grant_url(olga), {"password": "not it"})
        assert response.status_code == 200
        assert "That is not your password." in response.content.decode()
        assert not holds(olga)
        response = http.post(grant_url(olga), {"password": PASSWORD}, follow=True)
        assert "Olga Example is now a records custodian" in response.content.decode()
        assert "granted by Erin Example" in response.content.decode()
        assert holds(olga)
        users = http.get(reverse("accounts:users")).content.decode()
        assert users.count("Records custodian</span>") == 1

    def test_the_edit_page_revokes_it(self, personas, login_as):
        custodian_grant(actor=None, user=personas.erin)
        http = login_as(personas.erin)
        page = http.get(edit_url(personas.erin)).content.decode()
        assert f'action="{revoke_url(personas.erin)}"' in page
        assert http.get(revoke_url(personas.erin)).status_code == 405
        response = http.post(revoke_url(personas.erin), follow=True)
        assert "Erin Example is no longer a records custodian." in response.content.decode()
        assert not holds(personas.erin)

    def test_a_self_grant_is_shown_as_such(self, personas, login_as):
        http = login_as(personas.erin)
        page = http.get(edit_url(personas.erin)).content.decode()
        assert "You are the practice's only active admin" in page
        http.post(grant_url(personas.erin), {"password": PASSWORD})
        assert "self-granted" in http.get(edit_url(personas.erin)).content.decode()
        assert "Records custodian (self-granted)" in (
            http.get(reverse("accounts:users")).content.decode()
        )

    def test_with_another_admin_the_page_offers_no_self_grant(self, personas, login_as):
        second_admin(personas)
        page = login_as(personas.erin).get(edit_url(personas.erin)).content.decode()
        assert f'action="{grant_url(personas.erin)}"' not in page
        assert "Another admin of the practice must grant this to you" in page

    def test_a_clinician_is_offered_no_grant_and_a_post_is_refused_by_name(
        self, personas, login_as
    ):
        http = login_as(personas.erin)
        page = http.get(edit_url(personas.bob)).content.decode()
        assert f'action="{grant_url(personas.bob)}"' not in page
        response = http.post(grant_url(personas.bob), {"password": PASSWORD})
        assert response.status_code == 200
        assert "Only an active practice admin can be a records custodian." in (
            response.content.decode()
        )
        assert not holds(personas.bob)

    def test_another_practices_admin_gets_404_and_a_clinician_403(self, personas, login_as):
        outsider = services.user_create(
            actor=None,
            organization=personas.other_org,
            email="oscar@example.org",
            full_name="Oscar Example",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        response = login_as(outsider).post(grant_url(personas.erin), {"password": PASSWORD})
        assert response.status_code == 404
        response = login_as(personas.alice).post(grant_url(personas.erin), {"password": PASSWORD})
        assert response.status_code == 403
        assert not holds(personas.erin)
