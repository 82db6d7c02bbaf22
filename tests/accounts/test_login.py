from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.urls import reverse

from tests.base import PASSWORD


@pytest.mark.django_db
class LoginTests:
    def test_the_login_page_renders(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert b'name="username"' in response.content
        assert b"Sign in" in response.content

    def test_a_clinician_lands_on_the_caseload(self, personas, client):
        response = client.post(
            reverse("login"), {"username": "alice@example.org", "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("reports:caseload")
        assert b"Quillfeather" in response.content

    def test_the_email_is_not_case_sensitive(self, personas, client):
        response = client.post(
            reverse("login"), {"username": "Alice@Example.org", "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_an_admin_lands_on_the_user_list(self, personas, client):
        response = client.post(
            reverse("login"), {"username": "erin@example.org", "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("accounts:users")

    def test_a_portal_client_lands_on_the_portal(self, personas, client):
        response = client.post(
            reverse("login"), {"username": "dana@example.org", "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("portal:home")

    def test_a_wrong_password_gets_a_clear_message(self, personas, client):
        response = client.post(
            reverse("login"), {"username": "alice@example.org", "password": "nope"}
        )
        assert response.status_code == 200
        assert b"do not match an account" in response.content

    def test_a_malformed_email_names_the_field(self, personas, client):
        response = client.post(reverse("login"), {"username": "not an email", "password": "x"})
        assert response.status_code == 200
        assert b"Email: Enter a valid email address." in response.content

    def test_logout_needs_a_post(self, personas, login_as):
        http = login_as(personas.alice)
        assert http.get(reverse("logout")).status_code == 405
        response = http.post(reverse("logout"))
        assert response.status_code == 302
        assert http.get(reverse("reports:caseload")).status_code == 302


@pytest.mark.django_db
class LockoutTests:
    def test_repeated_failures_lock_the_account(self, personas, client):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("login"), {"username": "bob@example.org", "password": "bad"})
        response = client.post(
            reverse("login"), {"username": "bob@example.org", "password": PASSWORD}
        )
        assert response.status_code == 429
        assert b"Too many failed sign-ins" in response.content

    def test_the_lockout_is_per_account(self, personas, client):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("login"), {"username": "bob@example.org", "password": "bad"})
        response = client.post(
            reverse("login"), {"username": "alice@example.org", "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_fewer_failures_than_the_limit_do_not_lock(self, personas, client):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(reverse("login"), {"username": "bob@example.org", "password": "bad"})
        response = client.post(
            reverse("login"), {"username": "bob@example.org", "password": PASSWORD}
        )
        assert response.status_code == 302


@pytest.mark.django_db
class IdleTimeoutTests:
    def _age_session(self, http, seconds: float) -> None:
        session = http.session
        session["milepost_last_seen"] = time.time() - seconds
        session.save()

    def test_an_idle_session_is_signed_out(self, personas, login_as):
        http = login_as(personas.alice)
        assert http.get(reverse("reports:caseload")).status_code == 200
        self._age_session(http, settings.SESSION_IDLE_TIMEOUT + 5)
        response = http.get(reverse("reports:caseload"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        # Signed out for good, not only redirected once.
        assert http.get(reverse("reports:caseload")).status_code == 302

    def test_a_recently_active_session_stays(self, personas, login_as):
        http = login_as(personas.alice)
        http.get(reverse("reports:caseload"))
        self._age_session(http, settings.SESSION_IDLE_TIMEOUT - 60)
        assert http.get(reverse("reports:caseload")).status_code == 200

    def test_the_last_seen_time_is_rewritten_at_most_every_30_seconds(self, personas, login_as):
        http = login_as(personas.alice)
        http.get(reverse("reports:caseload"))
        first = http.session["milepost_last_seen"]
        http.get(reverse("reports:caseload"))
        assert http.session["milepost_last_seen"] == first
        self._age_session(http, 45)
        http.get(reverse("reports:caseload"))
        assert http.session["milepost_last_seen"] > time.time() - 5

    def _signed_in_ago(self, http, seconds: float) -> None:
        session = http.session
        session["milepost_signed_in_at"] = time.time() - seconds
        session["milepost_last_seen"] = time.time()  # active a moment ago
        session.save()

    def test_an_active_session_ends_at_its_absolute_lifetime(self, personas, login_as):
        # SESSION_MAX_HOURS holds however busy the session is: the last-seen writes slide
        # Django's own expiry, the time of sign-in does not move.
        http = login_as(personas.alice)
        assert http.get(reverse("reports:caseload")).status_code == 200
        self._signed_in_ago(http, settings.SESSION_COOKIE_AGE + 5)
        response = http.get(reverse("reports:caseload"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert http.get(reverse("reports:caseload")).status_code == 302

    def test_an_active_session_within_its_lifetime_stays(self, personas, login_as):
        http = login_as(personas.alice)
        http.get(reverse("reports:caseload"))
        self._signed_in_ago(http, settings.SESSION_COOKIE_AGE - 60)
        assert http.get(reverse("reports:caseload")).status_code == 200

    def test_the_time_of_sign_in_is_stamped_once(self, personas, login_as):
        http = login_as(personas.alice)
        http.get(reverse("reports:caseload"))
        first = http.session["milepost_signed_in_at"]
        self._age_session(http, 45)  # a last-seen write happens on the next request
        http.get(reverse("reports:caseload"))
        assert http.session["milepost_signed_in_at"] == first

    def test_passwords_are_hashed_with_argon2_in_production(self):
        from config import settings as production

        assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
