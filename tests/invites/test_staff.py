"""New staff accounts by invitation (milepost/invites/staff.py; decision 0705): the admin
never types a password, the person chooses theirs from a single-use, expiring link."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from milepost.accounts.models import Role, User
from milepost.audit.models import AuditEvent
from milepost.invites import services, staff
from milepost.invites.models import InvitationState, StaffInvitation, token_hash
from tests.invites.helpers import NEW_PASSWORD, token_from_outbox

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"
FAILING = "tests.invites.helpers.FailingMailBackend"
GWEN = "gwen@example.org"


def invite(p, *, actor=None, email=GWEN, **changes) -> User:
    fields = {
        "full_name": "Gwen Example",
        "email": email,
        "role": Role.CLINICIAN,
        "credentials": "LPC",
        **changes,
    }
    return staff.staff_invite(
        actor=actor or p.erin, organization=p.org, fallback_base_url=BASE, **fields
    )


def accept(token: str, password: str = NEW_PASSWORD, again: str | None = None) -> User:
    return services.invitation_accept(
        token=token, password=password, password_again=password if again is None else again
    )


class StaffInviteTests:
    def test_it_makes_the_account_without_a_password_and_mails_one_link(self, personas):
        user = invite(personas)
        assert not user.has_usable_password()
        assert user.membership.organization == personas.org
        assert user.membership.role == Role.CLINICIAN
        assert user.credentials == "LPC"
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [GWEN]
        assert message.subject == "Your invitation to Milepost"
        token = token_from_outbox()
        assert "practice admin" in str(message.body)
        # Only the hash is stored.
        invitation = StaffInvitation.objects.get(user=user)
        assert invitation.token_hash == token_hash(token)
        assert token not in json.dumps(list(StaffInvitation.objects.values()), default=str)

    def test_accepting_sets_the_password_the_person_chose(self, personas):
        user = invite(personas)
        accepted = accept(token_from_outbox())
        assert accepted == user
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert StaffInvitation.objects.get(user=user).state() == InvitationState.ACCEPTED

    def test_a_link_works_once(self, personas):
        invite(personas)
        token = token_from_outbox()
        accept(token)
        with pytest.raises(services.InvitationGone):
            accept(token, "another good passphrase 7")
        with pytest.raises(services.InvitationGone):
            services.invitation_for_token(token)
        user = User.objects.get(email=GWEN)
        assert user.check_password(NEW_PASSWORD)

    def test_a_link_expires_after_invitation_days(self, personas, settings):
        settings.INVITATION_DAYS = 3
        user = invite(personas)
        invitation = StaffInvitation.objects.get(user=user)
        assert abs(
            invitation.expires_at - invitation.created_at - dt.timedelta(days=3)
        ) < dt.timedelta(seconds=5)
        StaffInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        with pytest.raises(services.InvitationGone):
            accept(token_from_outbox())
        user.refresh_from_db()
        assert not user.has_usable_password()

    def test_a_weak_password_names_the_field_and_keeps_the_link(self, personas):
        invite(personas)
        token = token_from_outbox()
        with pytest.raises(ValidationError) as caught:
            accept(token, "short")
        assert "password" in caught.value.error_dict
        with pytest.raises(ValidationError) as caught:
            accept(token, NEW_PASSWORD, "different")
        assert "password_again" in caught.value.error_dict
        # A password like the person's own name or address is refused (the project's
        # validators see the account).
        with pytest.raises(ValidationError) as caught:
            accept(token, "gwen@example.org")
        assert "password" in caught.value.error_dict
        assert accept(token).check_password(NEW_PASSWORD)

    def test_a_deactivated_account_cannot_accept(self, personas):
        user = invite(personas)
        User.objects.filter(pk=user.pk).update(is_active=False)
        with pytest.raises(services.InvitationGone):
            accept(token_from_outbox())

    def test_a_clinician_cannot_invite(self, personas):
        with pytest.raises(PermissionDenied):
            invite(personas, actor=personas.alice)
        assert not User.objects.filter(email=GWEN).exists()
        assert mail.outbox == []

    def test_an_admin_cannot_invite_into_another_practice(self, personas):
        with pytest.raises(PermissionDenied):
            staff.staff_invite(
                actor=personas.erin,
                organization=personas.other_org,
                full_name="Gwen Example",
                email=GWEN,
                role=Role.CLINICIAN,
                fallback_base_url=BASE,
            )
        assert mail.outbox == []

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("email", "not an address"),
            ("email", ""),
            ("email", "ALICE@example.org"),  # taken
            ("email", "x" * 250 + "@example.org"),
            ("full_name", ""),
            ("full_name", "Gwen\x00"),
            ("credentials", "x" * 61),
            ("role", Role.CLIENT),
            ("role", "overlord"),
        ],
    )
    def test_bad_input_names_the_field_and_makes_nothing(self, personas, field, value):
        before = User.objects.count()
        with pytest.raises(ValidationError) as caught:
            invite(personas, **{field: value})
        assert field in caught.value.error_dict
        assert User.objects.count() == before
        assert not StaffInvitation.objects.exists()
        assert mail.outbox == []

    def test_nobody_passes_a_password_for_someone_else(self, personas):
        with pytest.raises(TypeError):
            invite(personas, password="a password the admin knows")


class StaffResendTests:
    def test_a_resend_revokes_the_old_link(self, personas):
        user = invite(personas)
        old = token_from_outbox()
        staff.staff_invitation_send(actor=personas.erin, user=user, fallback_base_url=BASE)
        new = token_from_outbox()
        assert new != old
        assert len(mail.outbox) == 2
        with pytest.raises(services.InvitationGone):
            accept(old)
        assert accept(new).check_password(NEW_PASSWORD)

    def test_an_expired_invitation_can_be_sent_again(self, personas):
        user = invite(personas)
        StaffInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        staff.staff_invitation_send(actor=personas.erin, user=user, fallback_base_url=BASE)
        assert accept(token_from_outbox()) == user

    def test_another_practices_admin_cannot_resend(self, personas):
        from milepost.accounts import services as accounts

        other_admin = accounts.user_create(
            actor=None,
            organization=personas.other_org,
            email="olga@example.org",
            full_name="Olga Example",
            role=Role.ADMIN,
        )
        user = invite(personas)
        mail.outbox.clear()
        for actor in (other_admin, personas.alice, personas.sam):
            with pytest.raises(PermissionDenied):
                staff.staff_invitation_send(actor=actor, user=user, fallback_base_url=BASE)
        assert mail.outbox == []
        assert StaffInvitation.objects.get(user=user).is_usable()

    @pytest.mark.parametrize("name", ["alice", "dana"])
    def test_someone_with_a_password_gets_no_invitation(self, personas, name):
        with pytest.raises(ValidationError):
            staff.staff_invitation_send(
                actor=personas.erin, user=personas.by_name(name), fallback_base_url=BASE
            )
        assert mail.outbox == []

    def test_an_inactive_account_gets_no_invitation(self, personas):
        user = invite(personas)
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.refresh_from_db()
        with pytest.raises(ValidationError):
            staff.staff_invitation_send(actor=personas.erin, user=user, fallback_base_url=BASE)


class MailFailureTests:
    def test_a_failed_first_send_keeps_the_account_and_leaves_no_open_link(
        self, personas, settings
    ):
        settings.MAILERS = {"default": {"BACKEND": FAILING}}
        with pytest.raises(staff.InvitationNotSent) as caught:
            invite(personas)
        user = caught.value.user
        assert User.objects.filter(pk=user.pk).exists()
        assert StaffInvitation.objects.get(user=user).state() == InvitationState.REVOKED

    def test_a_failed_resend_keeps_the_old_link_working(self, personas, settings):
        user = invite(personas)
        old = token_from_outbox()
        settings.MAILERS = {"default": {"BACKEND": FAILING}}
        with pytest.raises(ValidationError):
            staff.staff_invitation_send(actor=personas.erin, user=user, fallback_base_url=BASE)
        assert accept(old) == user


class StaffAuditTests:
    def test_each_step_is_audited_without_the_address_or_the_token(self, personas):
        user = invite(personas)
        first = token_from_outbox()
        staff.staff_invitation_send(actor=personas.erin, user=user, fallback_base_url=BASE)
        token = token_from_outbox()
        accept(token)
        with pytest.raises(services.InvitationGone):
            accept(first)
        events = AuditEvent.objects.filter(object_type="user", object_id=user.public_id)
        actions = list(events.order_by("id").values_list("action", flat=True))
        assert actions == [
            "user.create",
            "user.invite",
            "user.invite_resend",
            "user.invite_accept",
            "user.invite_accept_refused",
        ]
        invite_event = events.get(action="user.invite")
        assert invite_event.actor == personas.erin
        assert invite_event.detail["role"] == "clinician"
        assert events.get(action="user.invite_resend").detail["superseded"] == 1
        assert events.get(action="user.invite_accept").actor == user
        dumped = json.dumps(list(AuditEvent.objects.values()), default=str)
        for secret in (GWEN, "gwen@", first, token, token_hash(token), token_hash(first)):
            assert secret not in dumped
