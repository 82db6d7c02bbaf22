"""The accept page and the care team's invitation controls, through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from milepost.accounts.models import User
from milepost.invites import services
from milepost.invites.models import Invitation, InvitationState
from tests.base import PERSONA_NAMES
from tests.invites.helpers import NEW_PASSWORD, new_client, token_from_outbox
from tests.test_access_matrix import EXPECTED_FOR_CLIENT_RECORD, _outcome

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.invites.urls")]

MADE_UP = "made-up-invitation-token-0000000000000000000"


def invite_url(client) -> str:
    return reverse("invites_clinician:invite", kwargs={"client_id": client.public_id})


def accept_url(token: str) -> str:
    return reverse("invites:accept", kwargs={"token": token})


def send_as(login_as, user, client, email="eli.client@example.net"):
    return login_as(user).post(invite_url(client), {"email": email})


class ClientPageTests:
    def test_the_client_page_offers_an_invitation_prefilled_with_the_clients_email(
        self, personas, login_as
    ):
        client = new_client(personas)
        page = login_as(personas.alice).get(
            reverse("clients:detail", kwargs={"client_id": client.public_id})
        )
        html = page.content.decode()
        assert "Portal invitation" in html
        assert "Not invited yet" in html
        assert 'value="eli.client@example.net"' in html
        assert f'action="{invite_url(client)}"' in html
        assert "Send invitation" in html

    def test_it_shows_the_state_after_sending_then_after_revoking(self, personas, login_as):
        client = new_client(personas)
        http = login_as(personas.alice)
        response = send_as(login_as, personas.alice, client)
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "clients:detail", kwargs={"client_id": client.public_id}
        )
        detail = http.get(response["Location"]).content.decode()
        invitation = Invitation.objects.get(client=client)
        assert "Sent to eli.client@example.net on" in detail
        assert f"{invitation.expires_at:%-d %B %Y}" in detail
        assert "Resend invitation" in detail
        assert "Revoke invitation" in detail
        revoked = http.post(
            reverse("invites_clinician:revoke", kwargs={"client_id": client.public_id})
        )
        assert revoked.status_code == 302
        detail = http.get(revoked["Location"]).content.decode()
        assert "was revoked on" in detail
        assert "Revoke invitation" not in detail

    def test_the_client_page_of_a_portal_user_says_so(self, personas, login_as):
        page = login_as(personas.alice).get(
            reverse("clients:detail", kwargs={"client_id": personas.dana_client.public_id})
        )
        html = page.content.decode()
        assert "The client has a portal login" in html
        assert "Send invitation" not in html

    @pytest.mark.urls("tests.invites.urls_without_clinician")
    def test_without_the_clinician_routes_the_client_page_still_renders(self, personas, login_as):
        page = login_as(personas.alice).get(
            reverse("clients:detail", kwargs={"client_id": personas.dana_client.public_id})
        )
        assert page.status_code == 200
        assert b"Portal invitation" not in page.content


class InviteViewTests:
    def test_a_bad_address_is_shown_on_the_field(self, personas, login_as):
        client = new_client(personas)
        response = send_as(login_as, personas.alice, client, email="not an address")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Client&#x27;s e-mail address: Enter a valid email address." in html
        assert 'aria-invalid="true"' in html
        assert mail.outbox == []

    def test_a_client_with_a_login_cannot_be_invited(self, personas, login_as):
        response = send_as(login_as, personas.alice, personas.dana_client, email="d@example.net")
        assert response.status_code == 200
        assert b"already has a portal login" in response.content
        assert mail.outbox == []

    def test_the_get_page_shows_the_state(self, personas, login_as):
        client = new_client(personas)
        page = login_as(personas.bob).get(invite_url(client))
        assert page.status_code == 200
        assert b"Not invited yet" in page.content

    @pytest.mark.parametrize("persona", PERSONA_NAMES)
    @pytest.mark.parametrize("route", ["invites_clinician:invite", "invites_clinician:revoke"])
    def test_only_the_care_team_reaches_the_routes(self, personas, login_as, persona, route):
        # dana's record, as in tests/test_access_matrix.py (config/urls.py may not
        # include these routes yet; this test covers them either way).
        url = reverse(route, kwargs={"client_id": personas.dana_client.public_id})
        response = login_as(personas.by_name(persona)).post(url, {"email": "x@example.net"})
        assert _outcome(response) == EXPECTED_FOR_CLIENT_RECORD[persona]

    @pytest.mark.parametrize("name", ["frank", "charlie", "erin", "dana"])
    def test_outsiders_send_nothing_and_revoke_nothing(self, personas, login_as, name):
        client = new_client(personas)
        send_as(login_as, personas.alice, client)
        mail.outbox.clear()
        user = getattr(personas, name)
        assert send_as(login_as, user, client).status_code in (403, 404)
        revoke = reverse("invites_clinician:revoke", kwargs={"client_id": client.public_id})
        assert login_as(user).post(revoke).status_code in (403, 404)
        assert mail.outbox == []
        assert Invitation.objects.get(client=client).state() == InvitationState.OPEN


class AcceptViewTests:
    def _invited(self, personas, login_as) -> str:
        send_as(login_as, personas.alice, new_client(personas))
        return token_from_outbox()

    def test_the_page_asks_for_a_password_and_never_sends_its_path_as_referrer(
        self, personas, login_as
    ):
        token = self._invited(personas, login_as)
        page = login_as(None).get(accept_url(token))
        assert page.status_code == 200
        assert page["Referrer-Policy"] == "strict-origin"
        assert "no-store" in page["Cache-Control"]
        html = page.content.decode()
        assert '<label for="id_password">Choose a password' in html
        assert '<label for="id_password_again">Type the password again' in html
        assert 'autocomplete="new-password"' in html
        assert "eli.client@example.net" in html
        assert "Brackenridge" not in html  # the link may be forwarded: no name on the page

    def test_accepting_creates_the_login_signs_in_and_opens_the_portal(self, personas, login_as):
        token = self._invited(personas, login_as)
        http = login_as(None)
        response = http.post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:home")
        assert response["Referrer-Policy"] == "strict-origin"
        portal = http.get(response["Location"])
        assert portal.status_code == 200
        assert b"Hello, Eli" in portal.content
        user = User.objects.get(email="eli.client@example.net")
        assert int(http.session["_auth_user_id"]) == user.pk
        # The link is spent.
        again = login_as(None).get(accept_url(token))
        assert again.status_code == 410

    def test_a_weak_password_is_shown_on_the_field_and_the_link_still_works(
        self, personas, login_as
    ):
        token = self._invited(personas, login_as)
        http = login_as(None)
        response = http.post(accept_url(token), {"password": "short", "password_again": "short"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'role="alert"' in html
        assert "Choose a password: This password is too short." in html
        assert 'aria-invalid="true"' in html
        assert not User.objects.filter(email="eli.client@example.net").exists()
        response = http.post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": "different"}
        )
        assert "Type the password again: The two passwords do not match." in (
            response.content.decode()
        )
        response = http.post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert response.status_code == 302

    def test_a_missing_password_names_the_field(self, personas, login_as):
        token = self._invited(personas, login_as)
        response = login_as(None).post(accept_url(token), {})
        assert response.status_code == 200
        assert b"Choose a password: This field is required." in response.content

    @pytest.mark.parametrize("persona", PERSONA_NAMES)
    def test_a_made_up_token_answers_the_expired_page_for_everyone(
        self, personas, login_as, persona
    ):
        http = login_as(personas.by_name(persona))
        for response in (http.get(accept_url(MADE_UP)), http.post(accept_url(MADE_UP), {})):
            assert response.status_code == 410
            assert response["Referrer-Policy"] == "strict-origin"
            assert services.GONE_MESSAGE.encode() in response.content

    def test_expired_and_revoked_links_answer_the_same_page(self, personas, login_as):
        client = new_client(personas)
        send_as(login_as, personas.alice, client)
        expired = token_from_outbox()
        Invitation.objects.filter(client=client).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        send_as(login_as, personas.alice, client)  # revokes the expired one too
        revoked = token_from_outbox()
        login_as(personas.alice).post(
            reverse("invites_clinician:revoke", kwargs={"client_id": client.public_id})
        )
        bodies = set()
        for token in (expired, revoked, MADE_UP):
            response = login_as(None).post(
                accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
            )
            assert response.status_code == 410
            main = response.content.decode().split("<main", 1)[1].split("</main>")[0]
            bodies.add(main)
        assert len(bodies) == 1
        assert not User.objects.filter(email="eli.client@example.net").exists()
