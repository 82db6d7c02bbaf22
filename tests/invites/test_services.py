"""Sending, revoking and accepting portal invitations (milepost/invites/services.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import smtplib
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from milepost.accounts.models import Role, User
from milepost.audit.models import AuditEvent
from milepost.invites import services
from milepost.invites.models import Invitation, InvitationState
from tests.invites.helpers import NEW_PASSWORD, new_client, token_from_outbox

BASE = "http://testserver/"


def send(p, client, actor=None, email="eli.client@example.net"):
    return services.invitation_send(
        actor=actor or p.alice, client=client, email=email, fallback_base_url=BASE
    )


def accept(token, password=NEW_PASSWORD, again=None):
    return services.invitation_accept(
        token=token, password=password, password_again=password if again is None else again
    )


@pytest.mark.django_db
class InvitationSendTests:
    def test_it_mails_a_one_time_link_with_a_subject_that_names_no_one(self, personas):
        client = new_client(personas)
        invitation = send(personas, client)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.subject == "Your invitation to Milepost"
        for word in ("Eli", "Brackenridge", "therapy", "Riverbend"):
            assert word.lower() not in message.subject.lower()
        assert message.to == ["eli.client@example.net"]
        token = token_from_outbox()
        assert f"http://testserver/invite/{token}/" in message.body
        assert len(token) >= 40
        assert invitation.state() == InvitationState.OPEN

    def test_the_token_is_stored_only_as_its_sha256_hash(self, personas):
        invitation = send(personas, new_client(personas))
        token = token_from_outbox()
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        row = Invitation.objects.filter(pk=invitation.pk).values().get()
        assert token not in json.dumps(row, default=str)

    def test_the_link_uses_portal_base_url_when_set(self, personas, settings):
        settings.PORTAL_BASE_URL = "https://portal.example.org/"
        send(personas, new_client(personas))
        token = token_from_outbox()
        assert f"https://portal.example.org/invite/{token}/" in mail.outbox[0].body

    def test_it_expires_after_invitation_days(self, personas, settings):
        settings.INVITATION_DAYS = 2
        before = timezone.now()
        invitation = send(personas, new_client(personas))
        assert (
            before + dt.timedelta(days=2)
            <= invitation.expires_at
            <= timezone.now() + dt.timedelta(days=2)
        )

    def test_the_default_is_seven_days(self, personas):
        invitation = send(personas, new_client(personas))
        assert invitation.expires_at - invitation.created_at == pytest.approx(
            dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
        )

    def test_the_care_team_and_its_supervisor_may_invite(self, personas):
        client = new_client(personas)
        for actor in (personas.alice, personas.bob, personas.sam):
            send(personas, client, actor=actor)
        assert len(mail.outbox) == 3

    @pytest.mark.parametrize("name", ["frank", "charlie", "erin", "dana"])
    def test_no_one_else_may_invite(self, personas, name):
        client = new_client(personas)
        with pytest.raises(PermissionDenied):
            send(personas, client, actor=getattr(personas, name))
        assert mail.outbox == []
        assert not Invitation.objects.exists()

    def test_it_refuses_a_client_who_already_has_a_portal_login(self, personas):
        with pytest.raises(ValidationError) as caught:
            send(personas, personas.dana_client, email="someone@example.net")
        assert caught.value.messages == ["This client already has a portal login."]
        assert mail.outbox == []

    def test_it_refuses_an_address_that_already_has_an_account(self, personas):
        with pytest.raises(ValidationError) as caught:
            send(personas, new_client(personas), email="Bob@Example.org")
        assert "email" in caught.value.message_dict

    @pytest.mark.parametrize("email", ["", "not-an-address", "x@" + "a" * 260 + ".org", None])
    def test_a_bad_address_names_the_email_field(self, personas, email):
        with pytest.raises(ValidationError) as caught:
            send(personas, new_client(personas), email=email)
        assert list(caught.value.message_dict) == ["email"]

    def test_a_new_invitation_revokes_the_old_one(self, personas):
        client = new_client(personas)
        first = send(personas, client)
        old_token = token_from_outbox()
        second = send(personas, client)
        new_token = token_from_outbox()
        first.refresh_from_db()
        assert first.state() == InvitationState.REVOKED
        assert second.state() == InvitationState.OPEN
        assert Invitation.objects.filter(client=client, revoked_at__isnull=True).count() == 1
        with pytest.raises(services.InvitationGone):
            accept(old_token)
        assert accept(new_token).email == "eli.client@example.net"

    def test_a_mail_server_failure_names_the_field_and_leaves_no_open_invitation(self, personas):
        client = new_client(personas)
        with (
            mock.patch(
                "django.core.mail.EmailMessage.send",
                side_effect=smtplib.SMTPServerDisconnected("gone"),
            ),
            pytest.raises(ValidationError) as caught,
        ):
            send(personas, client)
        assert "could not be sent" in caught.value.message_dict["email"][0]
        assert not Invitation.objects.filter(client=client, revoked_at__isnull=True).exists()


@pytest.mark.django_db
class InvitationAcceptTests:
    def test_it_creates_exactly_one_client_user_linked_to_the_record(self, personas):
        client = new_client(personas)
        invitation = send(personas, client)
        users_before = User.objects.count()
        user = accept(token_from_outbox())
        assert User.objects.count() == users_before + 1
        assert user.email == "eli.client@example.net"
        assert user.check_password(NEW_PASSWORD)
        assert user.membership.role == Role.CLIENT
        assert user.membership.organization == personas.org
        client.refresh_from_db()
        assert client.portal_user == user
        invitation.refresh_from_db()
        assert invitation.state() == InvitationState.ACCEPTED

    def test_a_token_works_only_once(self, personas):
        send(personas, new_client(personas))
        token = token_from_outbox()
        accept(token)
        with pytest.raises(services.InvitationGone) as caught:
            accept(token, password="another long passphrase 7")
        assert str(caught.value) == services.GONE_MESSAGE
        assert User.objects.filter(email="eli.client@example.net").count() == 1

    def test_an_expired_token_is_refused(self, personas):
        invitation = send(personas, new_client(personas))
        token = token_from_outbox()
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        with pytest.raises(services.InvitationGone):
            accept(token)
        assert not User.objects.filter(email="eli.client@example.net").exists()

    def test_a_revoked_token_is_refused(self, personas):
        invitation = send(personas, new_client(personas))
        token = token_from_outbox()
        services.invitation_revoke(actor=personas.bob, invitation=invitation)
        with pytest.raises(services.InvitationGone):
            accept(token)

    def test_only_the_care_team_may_revoke(self, personas):
        invitation = send(personas, new_client(personas))
        with pytest.raises(PermissionDenied):
            services.invitation_revoke(actor=personas.frank, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.state() == InvitationState.OPEN

    @pytest.mark.parametrize(
        "token", ["", "x" * 43, "short", "\x00" * 43, "é" * 43, "a/b" * 15, None, 12]
    )
    def test_an_unknown_token_is_refused_the_same_way(self, personas, token):
        send(personas, new_client(personas))
        with pytest.raises(services.InvitationGone) as caught:
            accept(token)
        assert str(caught.value) == services.GONE_MESSAGE

    def test_a_weak_password_names_the_field_and_keeps_the_token_usable(self, personas):
        send(personas, new_client(personas))
        token = token_from_outbox()
        for weak in ("short", "password1234", "123456789012345", "eli.client@example.net"):
            with pytest.raises(ValidationError) as caught:
                accept(token, password=weak)
            assert list(caught.value.message_dict) == ["password"], weak
        assert not User.objects.filter(email="eli.client@example.net").exists()
        assert accept(token).email == "eli.client@example.net"

    def test_a_mismatched_confirmation_names_its_field(self, personas):
        send(personas, new_client(personas))
        token = token_from_outbox()
        with pytest.raises(ValidationError) as caught:
            accept(token, again=NEW_PASSWORD + "x")
        assert list(caught.value.message_dict) == ["password_again"]
        assert accept(token).membership.role == Role.CLIENT

    def test_the_length_rule_is_the_projects(self, personas, settings):
        settings.AUTH_PASSWORD_VALIDATORS = [
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 30},
            }
        ]
        send(personas, new_client(personas))
        with pytest.raises(ValidationError) as caught:
            accept(token_from_outbox())
        assert "30" in caught.value.message_dict["password"][0]


@pytest.mark.django_db
class InvitationAuditTests:
    def test_each_step_is_audited_without_the_token(self, personas):
        client = new_client(personas)
        first = send(personas, client)
        first_token = token_from_outbox()
        second = send(personas, client)
        token = token_from_outbox()
        with pytest.raises(services.InvitationGone):
            accept(first_token)
        user = accept(token)
        events = list(AuditEvent.objects.filter(object_type="invitation"))
        summary = [(e.action, e.object_id, e.actor_id, e.client_id) for e in events]
        alice, cid = personas.alice.pk, client.pk
        assert summary == [
            ("invitation.send", first.public_id, alice, cid),
            ("invitation.revoke", first.public_id, alice, cid),
            ("invitation.send", second.public_id, alice, cid),
            ("invitation.accept_refused", first.public_id, None, cid),
            ("invitation.accept", second.public_id, user.pk, cid),
        ]
        assert events[1].detail == {"superseded": True}
        assert events[3].detail == {"state": "revoked"}
        assert AuditEvent.objects.filter(action="client.portal_link", client=client).exists()
        secrets_ = {
            first_token,
            token,
            hashlib.sha256(first_token.encode()).hexdigest(),
            hashlib.sha256(token.encode()).hexdigest(),
        }
        for event in AuditEvent.objects.all():
            text = json.dumps(
                [event.action, event.object_id, event.detail, event.user_agent], default=str
            )
            assert not any(s in text for s in secrets_), event.action


@pytest.mark.django_db(transaction=True)
def test_two_accepts_of_one_token_at_once_make_exactly_one_account(personas):
    client = new_client(personas)
    send(personas, client)
    token = token_from_outbox()
    start = threading.Barrier(2)
    outcomes: list[str] = []
    real_link = services.clients.client_portal_link

    def slow_link(**kwargs):
        # Hold the winner's transaction open while the other request arrives.
        time.sleep(0.3)
        return real_link(**kwargs)

    def attempt() -> None:
        try:
            start.wait()
            accept(token)
            outcomes.append("created")
        except services.InvitationGone:
            outcomes.append("gone")
        except Exception as error:  # any other failure is what this test must catch
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    with mock.patch.object(services.clients, "client_portal_link", slow_link):
        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(outcomes) == ["created", "gone"]
    assert User.objects.filter(email="eli.client@example.net").count() == 1
    client.refresh_from_db()
    assert client.portal_user is not None


FAILING = "tests.invites.helpers.FailingMailBackend"


@pytest.mark.django_db
class ReviewFixesTests:
    def test_an_address_with_an_account_anywhere_gets_one_neutral_answer(self, personas):
        # bob is of this practice, charlie of another: the clinician learns neither.
        answers = set()
        for email in ("bob@example.org", "charlie@example.org"):
            with pytest.raises(ValidationError) as caught:
                send(personas, new_client(personas), email=email)
            answers.add(tuple(caught.value.message_dict["email"]))
        assert answers == {(services.ADDRESS_UNUSABLE,)}
        assert "account" not in services.ADDRESS_UNUSABLE.lower()
        assert "belongs" not in services.ADDRESS_UNUSABLE.lower()

    def test_an_account_made_meanwhile_gets_the_same_answer_at_accept(self, personas):
        client = new_client(personas)
        send(personas, client, email="late@example.net")
        token = token_from_outbox()
        User.objects.filter(pk=personas.frank.pk).update(email="late@example.net")
        with pytest.raises(ValidationError) as caught:
            accept(token)
        assert caught.value.messages == [services.ADDRESS_UNUSABLE]

    def test_a_failed_resend_keeps_the_old_link_working(self, personas, settings):
        client = new_client(personas)
        first = send(personas, client)
        old_token = token_from_outbox()
        settings.MAILERS = {"default": {"BACKEND": FAILING}}
        with pytest.raises(ValidationError) as caught:
            send(personas, client, email="eli.new@example.net")
        assert "could not be sent" in caught.value.message_dict["email"][0]
        first.refresh_from_db()
        assert first.state() == InvitationState.OPEN
        [open_one] = Invitation.objects.filter(client=client, revoked_at__isnull=True)
        assert open_one.pk == first.pk
        actions = list(
            AuditEvent.objects.filter(object_id=first.public_id)
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions[-2:] == ["invitation.revoke", "invitation.reopen"]
        assert accept(old_token).email == "eli.client@example.net"

    def test_a_failed_first_send_leaves_nothing_open(self, personas, settings):
        client = new_client(personas)
        settings.MAILERS = {"default": {"BACKEND": FAILING}}
        with pytest.raises(ValidationError):
            send(personas, client)
        assert not Invitation.objects.filter(client=client, revoked_at__isnull=True).exists()

    def test_an_expired_old_invitation_is_not_reopened(self, personas, settings):
        client = new_client(personas)
        first = send(personas, client)
        Invitation.objects.filter(pk=first.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        settings.MAILERS = {"default": {"BACKEND": FAILING}}
        with pytest.raises(ValidationError):
            send(personas, client)
        assert not Invitation.objects.filter(client=client, revoked_at__isnull=True).exists()

    def test_accepting_locks_the_invitation_row_only(self, personas):
        from django.test.utils import CaptureQueriesContext

        client = new_client(personas)
        send(personas, client)
        token = token_from_outbox()
        with CaptureQueriesContext(connection) as captured:
            accept(token)
        locking = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
        finding = [q for q in locking if '"invites_invitation"' in q and "JOIN" in q]
        if connection.features.has_select_for_update_of:
            assert finding, locking
            assert all('FOR UPDATE OF "invites_invitation"' in q for q in finding)
        else:  # SQLite: no row locks at all
            assert locking == []
