"""The practice admin's New user form (no password), the users list's invitation state and
Resend invitation, and the accept page for a new staff member, through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.models import Organization, Role, User
from milepost.invites import services
from milepost.invites.models import InvitationState, StaffInvitation
from tests.invites.helpers import NEW_PASSWORD, token_from_outbox

pytestmark = pytest.mark.django_db

NEW = {
    "full_name": "Gwen Example",
    "email": "gwen@example.org",
    "credentials": "LPC",
    "role": "clinician",
}


def create_url() -> str:
    return reverse("staff_invites:user_create")


def resend_url(user) -> str:
    return reverse("staff_invites:resend", kwargs={"user_id": user.public_id})


def accept_url(token: str) -> str:
    return reverse("invites:accept", kwargs={"token": token})


def add_gwen(login_as, personas, **changes):
    return login_as(personas.erin).post(create_url(), {**NEW, **changes})


class NewUserFormTests:
    def test_the_form_has_no_password_field(self, personas, login_as):
        page = login_as(personas.erin).get(create_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert 'name="email"' in html
        assert 'name="role"' in html
        assert 'type="password"' not in html
        assert 'name="password' not in html
        assert "choose their own password" in html

    def test_adding_a_user_sends_one_email_whose_link_sets_the_password_and_signs_in(
        self, personas, login_as
    ):
        response = add_gwen(login_as, personas)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:users")
        gwen = User.objects.get(email="gwen@example.org")
        assert gwen.membership.role == Role.CLINICIAN
        assert not gwen.has_usable_password()
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["gwen@example.org"]
        token = token_from_outbox()

        http = login_as(None)
        page = http.get(accept_url(token))
        assert page.status_code == 200
        assert page["Referrer-Policy"] == "strict-origin"
        html = page.content.decode()
        assert "Your practice admin added you to Milepost" in html
        assert 'value="gwen@example.org"' in html
        response = http.post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert int(http.session["_auth_user_id"]) == gwen.pk
        assert http.get(reverse("home")).status_code in (200, 302)
        gwen.refresh_from_db()
        assert gwen.check_password(NEW_PASSWORD)
        # Single use: the link now answers the dead-link page.
        again = login_as(None).get(accept_url(token))
        assert again.status_code == 410
        assert services.GONE_MESSAGE.encode() in again.content

    def test_when_the_practice_requires_two_factor_the_new_member_is_sent_to_set_up(
        self, personas, login_as
    ):
        add_gwen(login_as, personas)
        # Turned on after the admin's post (the admin's own session has no second factor).
        Organization.objects.filter(pk=personas.org.pk).update(mfa_required=True)
        http = login_as(None)
        token = token_from_outbox()
        response = http.post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        home = http.get(response["Location"])
        assert home.status_code == 302
        assert home["Location"].startswith(reverse("accounts:mfa_setup"))
        assert http.get(home["Location"]).status_code == 200

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            (
                "email",
                "alice@example.org",
                b"Email: A user with this email address already exists.",
            ),
            ("email", "bad", b"Email: Enter a valid email address."),
            ("email", "", b"Email: This field is required."),
            ("role", "client", b"Role: Select a valid choice."),
            ("full_name", "", b"Full name: This field is required."),
            ("credentials", "x" * 61, b"Credentials: Ensure this value has at most 60"),
        ],
    )
    def test_bad_input_names_the_field_and_keeps_what_was_typed(
        self, personas, login_as, field, value, message
    ):
        response = add_gwen(login_as, personas, **{field: value})
        assert response.status_code == 200
        assert message in response.content
        assert b'aria-invalid="true"' in response.content
        assert b'value="Gwen Example"' in response.content or field == "full_name"
        assert mail.outbox == []
        assert not User.objects.filter(email="gwen@example.org").exists()

    @pytest.mark.parametrize("name", ["alice", "sam", "dana", "charlie"])
    def test_only_a_practice_admin_may_invite(self, personas, login_as, name):
        response = login_as(personas.by_name(name)).post(create_url(), NEW)
        assert response.status_code == 403
        assert mail.outbox == []
        assert not User.objects.filter(email="gwen@example.org").exists()

    def test_a_failed_email_keeps_the_account_and_says_to_resend(
        self, personas, login_as, settings
    ):
        settings.MAILERS = {"default": {"BACKEND": "tests.invites.helpers.FailingMailBackend"}}
        http = login_as(personas.erin)
        response = http.post(create_url(), NEW)
        assert response.status_code == 302
        page = http.get(response["Location"]).content.decode()
        assert "the invitation e-mail could not be sent" in page
        assert "Resend invitation" in page


class UsersListTests:
    def test_it_shows_the_pending_invitation_with_its_expiry_and_a_resend_button(
        self, personas, login_as
    ):
        add_gwen(login_as, personas)
        invitation = StaffInvitation.objects.get(user__email="gwen@example.org")
        page = login_as(personas.erin).get(reverse("accounts:users")).content.decode()
        assert "Invited — not yet accepted" in page
        assert f"Link expires {timezone.localtime(invitation.expires_at):%-d %B %Y}" in page
        assert f'action="{resend_url(invitation.user)}"' in page
        assert "Resend invitation" in page
        # Nobody else in the practice is pending.
        assert page.count("Invited — not yet accepted") == 1

    def test_once_accepted_the_person_is_no_longer_pending(self, personas, login_as):
        add_gwen(login_as, personas)
        services.invitation_accept(
            token=token_from_outbox(), password=NEW_PASSWORD, password_again=NEW_PASSWORD
        )
        page = login_as(personas.erin).get(reverse("accounts:users")).content.decode()
        assert "Invited — not yet accepted" not in page
        assert "Resend invitation" not in page

    def test_an_expired_link_is_shown_as_expired(self, personas, login_as):
        add_gwen(login_as, personas)
        StaffInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(hours=1))
        page = login_as(personas.erin).get(reverse("accounts:users")).content.decode()
        assert "Link expired" in page
        assert "Resend invitation" in page

    def test_an_account_made_without_a_password_can_be_sent_an_invitation(self, personas, login_as):
        # As the Django admin's add form or the system makes it: no password, no invitation.
        hana = accounts.user_create(
            actor=None,
            organization=personas.org,
            email="hana@example.org",
            full_name="Hana Example",
            role=Role.SUPERVISOR,
        )
        http = login_as(personas.erin)
        page = http.get(reverse("accounts:users")).content.decode()
        assert "No password yet" in page
        assert "Send invitation" in page
        response = http.post(resend_url(hana))
        assert response.status_code == 302
        assert mail.outbox[-1].to == ["hana@example.org"]
        assert (
            services.invitation_accept(
                token=token_from_outbox(), password=NEW_PASSWORD, password_again=NEW_PASSWORD
            )
            == hana
        )


class ResendViewTests:
    def test_resend_revokes_the_old_link_and_mails_a_new_one(self, personas, login_as):
        add_gwen(login_as, personas)
        old = token_from_outbox()
        gwen = User.objects.get(email="gwen@example.org")
        http = login_as(personas.erin)
        response = http.post(resend_url(gwen))
        assert response.status_code == 302
        assert "a new invitation" in http.get(response["Location"]).content.decode()
        assert len(mail.outbox) == 2
        new = token_from_outbox()
        assert login_as(None).get(accept_url(old)).status_code == 410
        assert login_as(None).get(accept_url(new)).status_code == 200
        states = sorted(str(i.state()) for i in StaffInvitation.objects.filter(user=gwen))
        assert states == [InvitationState.OPEN, InvitationState.REVOKED]

    def test_a_get_sends_nothing(self, personas, login_as):
        add_gwen(login_as, personas)
        gwen = User.objects.get(email="gwen@example.org")
        assert login_as(personas.erin).get(resend_url(gwen)).status_code == 405
        assert len(mail.outbox) == 1

    def test_another_practices_admin_cannot_resend(self, personas, login_as):
        add_gwen(login_as, personas)
        gwen = User.objects.get(email="gwen@example.org")
        olga = accounts.user_create(
            actor=None,
            organization=personas.other_org,
            email="olga@example.org",
            full_name="Olga Example",
            role=Role.ADMIN,
        )
        assert login_as(olga).post(resend_url(gwen)).status_code == 404
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize("name", ["alice", "sam", "dana", "charlie"])
    def test_only_the_practice_admin_may_resend(self, personas, login_as, name):
        add_gwen(login_as, personas)
        gwen = User.objects.get(email="gwen@example.org")
        assert login_as(personas.by_name(name)).post(resend_url(gwen)).status_code == 403
        assert len(mail.outbox) == 1

    def test_someone_who_has_a_password_is_told_so(self, personas, login_as):
        http = login_as(personas.erin)
        response = http.post(resend_url(personas.alice))
        assert response.status_code == 302
        page = http.get(response["Location"]).content.decode()
        assert "already chosen a password" in page
        assert mail.outbox == []
