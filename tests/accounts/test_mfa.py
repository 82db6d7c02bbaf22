"""Two-factor sign-in: set-up, the second step, recovery codes, step-up, admin unlock.

Codes are computed the way an authenticator app computes them, from the device's key
(django_otp.oath.totp), never read from the server's own checks.
"""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from milepost.accounts import services
from milepost.accounts.models import Organization, Role
from milepost.accounts.stepup import check_step_up
from milepost.audit.models import AuditEvent
from tests.base import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:mfa_setup")
VERIFY = reverse("accounts:mfa_verify")
RECOVERY = reverse("accounts:mfa_recovery_codes")
CASELOAD = reverse("reports:caseload")


def fresh_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, or in the next step when this step's code
    was used already (a code is accepted once; the device tolerates one step ahead)."""
    device.refresh_from_db()
    now_t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    ahead = max(0, device.last_t + 1 - now_t)
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{value:0{device.digits}d}"


def code_at(device: TOTPDevice, when: float) -> str:
    """The code an authenticator app whose clock reads `when` shows."""
    app = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    app.time = when
    return f"{app.token():0{device.digits}d}"


class TotpClock:
    """The server's clock as django-otp reads it, held still; `advance` moves it on."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, steps: int = 1) -> None:
        self.now += 30 * steps


@pytest.fixture
def totp_clock(monkeypatch) -> TotpClock:
    # In the middle of a 30-second step, so that no step boundary falls inside a test.
    clock = TotpClock((int(time.time()) // 30) * 30 + 15.0)
    monkeypatch.setattr("django_otp.oath.time", clock.time)
    monkeypatch.setattr("django_otp.plugins.otp_totp.models.time", SimpleNamespace(time=clock.time))
    return clock


def wrong_code(device: TOTPDevice) -> str:
    right = fresh_code(device)
    return f"{(int(right) + 500_000) % 1_000_000:06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = services.mfa_setup_start(user=user)
    return services.mfa_enrol(user=user, code=fresh_code(device))


def require_mfa(org: Organization) -> None:
    Organization.objects.filter(pk=org.pk).update(mfa_required=True)


def sign_in(email: str) -> HttpClient:
    http = HttpClient()
    response = http.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return http


def verified(user) -> HttpClient:
    """A session that has given the password and a code."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    http = sign_in(user.email)
    response = http.post(VERIFY, {"otp_code": fresh_code(device)})
    assert response.status_code == 302
    return http


def errors_of(response) -> str:
    return response.content.decode()


class MfaRequiredTests:
    def test_staff_without_a_device_are_sent_to_set_up_from_every_page(self, personas, login_as):
        from tests.test_access_matrix import _url, project_routes

        require_mfa(personas.org)
        # The passkey's two JSON calls are the second step too (they verify nothing by
        # themselves: tests/accounts/test_passkey_views.py).
        passkey_steps = (
            reverse("accounts:passkey_verify_begin"),
            reverse("accounts:passkey_verify_complete"),
        )
        exempt = (SETUP, VERIFY, reverse("login"), reverse("logout"), "/invite/", *passkey_steps)
        checked = 0
        for who in (personas.alice, personas.sam, personas.erin):
            http = login_as(who)
            for route in project_routes():
                url = _url(route, personas)
                if url.startswith(exempt):
                    continue
                response = http.get(url)
                assert response.status_code == 302, f"{who.email} reached {route.name}"
                assert response["Location"].startswith(SETUP + "?next="), route.name
                checked += 1
        assert checked > 100

    def test_the_way_through_stays_open(self, personas, login_as):
        require_mfa(personas.org)
        http = login_as(personas.alice)
        assert http.get(SETUP).status_code == 200
        # Signed in already: the login page sends on to home (which then asks for set-up).
        assert http.get(reverse("login"))["Location"] == reverse("home")
        invite = reverse("invites:accept", kwargs={"token": "x" * 43})
        assert not http.get(invite).get("Location", "").startswith(SETUP)
        assert http.post(reverse("logout")).status_code == 302
        assert http.get(CASELOAD)["Location"].startswith(reverse("login"))

    def test_htmx_requests_get_hx_redirect(self, personas, login_as):
        require_mfa(personas.org)
        response = login_as(personas.alice).get(CASELOAD, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response["HX-Redirect"].startswith(SETUP)
        assert "Content-Security-Policy" in response
        assert response.content == b""

    def test_the_api_is_left_to_its_tokens(self, personas, login_as):
        require_mfa(personas.org)
        # The middleware sends no API request to the set-up page: the API answers for itself
        # (401 until two-factor is done: tests/api/test_two_factor_session.py).
        response = login_as(personas.alice).get("/api/v1/clients")
        assert not response.get("Location", "").startswith(SETUP)
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")

    def test_clients_are_not_forced(self, personas, login_as):
        require_mfa(personas.org)
        assert login_as(personas.dana).get(reverse("portal:home")).status_code == 200

    def test_with_the_setting_off_staff_are_not_forced(self, personas, login_as):
        assert not Organization.objects.get(pk=personas.org.pk).mfa_required
        assert login_as(personas.alice).get(CASELOAD).status_code == 200

    def test_new_practices_require_it_by_default(self):
        assert Organization(name="New practice").mfa_required is True


class EnrolmentTests:
    def test_the_setup_page_shows_a_qr_code_of_the_set_up_address(self, personas, login_as):
        import html

        import segno

        body = login_as(personas.alice).get(SETUP).content.decode()
        device = TOTPDevice.objects.get(user=personas.alice, confirmed=False)
        found = re.search(r'<img class="mp-qr" src="([^"]+)"', body)
        assert found is not None, "no QR code on the set-up page"
        src = html.unescape(found.group(1))
        assert src.startswith("data:image/svg+xml")  # in the page: no URL of the site holds it
        # segno is deterministic: the same address gives the same image, another does not.
        assert src == segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4)
        other = device.config_url.replace("secret=", "secret=A")
        assert src != segno.make(other, error="m").svg_data_uri(scale=4, border=4)

    def test_the_setup_page_shows_the_key_and_the_otpauth_address(self, personas, login_as):
        require_mfa(personas.org)
        body = login_as(personas.alice).get(SETUP).content.decode()
        device = TOTPDevice.objects.get(user=personas.alice, confirmed=False)
        key = re.search(r'<code id="mfa-key">([A-Z2-7 ]+)</code>', body)
        assert key is not None
        groups = key.group(1).split(" ")
        assert all(len(g) == 4 for g in groups[:-1])
        assert "otpauth://totp/Milepost%3Aalice%40example.org?secret=" in body
        assert "issuer=Milepost" in body
        # Strict CSP: no inline style, no script but the site's own files.
        assert "style=" not in body
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", body))
        # The same key until it is confirmed.
        login_as(personas.alice).get(SETUP)
        assert TOTPDevice.objects.filter(user=personas.alice).count() == 1
        assert device.key

    def test_a_real_code_turns_it_on_and_hands_out_recovery_codes(self, personas, login_as):
        require_mfa(personas.org)
        http = login_as(personas.alice)
        http.get(SETUP)
        device = TOTPDevice.objects.get(user=personas.alice)
        response = http.post(SETUP, {"otp_code": fresh_code(device), "next": CASELOAD})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
        assert len(shown) == settings.MFA_RECOVERY_CODES == 10
        stored = set(
            StaticToken.objects.filter(device__user=personas.alice).values_list("token", flat=True)
        )
        assert {c.replace("-", "") for c in shown} == stored
        device.refresh_from_db()
        assert device.confirmed
        # The session is verified: the caseload opens.
        assert http.get(CASELOAD).status_code == 200
        event = AuditEvent.objects.get(action="mfa.enrol")
        assert event.actor == personas.alice
        assert event.object_id == personas.alice.public_id
        # Shown once: the set-up page now leads to the recovery codes page, without codes.
        follow = http.get(SETUP, follow=True)
        assert follow.redirect_chain[-1][0] == RECOVERY
        assert not (
            set(re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", follow.content.decode())) & set(shown)
        )

    @pytest.mark.parametrize("typed", ["", "12345", "abcdef", "1234567"])
    def test_a_malformed_code_names_the_field(self, personas, login_as, typed):
        http = login_as(personas.alice)
        http.get(SETUP)
        response = http.post(SETUP, {"otp_code": typed})
        assert response.status_code == 200
        assert "Code from the app" in response.content.decode()
        assert 'aria-invalid="true"' in response.content.decode()
        assert not TOTPDevice.objects.filter(user=personas.alice, confirmed=True).exists()

    def test_a_wrong_code_is_refused_by_name(self, personas, login_as):
        http = login_as(personas.alice)
        http.get(SETUP)
        device = TOTPDevice.objects.get(user=personas.alice)
        response = http.post(SETUP, {"otp_code": wrong_code(device)})
        body = response.content.decode()
        assert "Code from the app: That code does not match." in body
        device.refresh_from_db()
        assert not device.confirmed
        assert not StaticDevice.objects.filter(user=personas.alice).exists()

    def test_a_client_may_enrol(self, personas, login_as):
        http = login_as(personas.dana)
        assert http.get(SETUP).status_code == 200
        device = TOTPDevice.objects.get(user=personas.dana)
        response = http.post(SETUP, {"otp_code": fresh_code(device)})
        assert response.status_code == 200
        assert TOTPDevice.objects.get(user=personas.dana).confirmed


class VerifyTests:
    def test_the_password_is_followed_by_the_code(self, personas):
        device, _ = enrol(personas.alice)
        http = sign_in("alice@example.org")
        response = http.get(CASELOAD)
        assert response.status_code == 302
        assert response["Location"] == VERIFY + "?next=" + CASELOAD.replace("/", "%2F")
        assert b"Quillfeather" not in http.get(CASELOAD, follow=True).content
        response = http.post(VERIFY, {"otp_code": fresh_code(device), "next": CASELOAD})
        assert response.status_code == 302
        assert response["Location"] == CASELOAD
        assert http.get(CASELOAD).status_code == 200
        event = AuditEvent.objects.filter(action="mfa.verify").get()
        assert event.detail == {"method": "totp"}

    def test_an_unverified_session_cannot_reach_a_client_page(self, personas):
        enrol(personas.alice)
        http = sign_in("alice@example.org")
        url = reverse("clients:detail", kwargs={"client_id": personas.dana_client.public_id})
        response = http.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
        post = http.post(url, {"given_name": "Changed"})
        assert post.status_code == 302
        assert post["Location"] == VERIFY  # a POST is not replayed after the code

    def test_a_recovery_code_works_once(self, personas):
        _, codes = enrol(personas.alice)
        http = sign_in("alice@example.org")
        response = http.post(VERIFY, {"otp_code": codes[0].upper()[:4] + "-" + codes[0][4:]})
        assert response.status_code == 302
        assert http.get(CASELOAD).status_code == 200
        assert StaticToken.objects.filter(device__user=personas.alice).count() == 9
        assert AuditEvent.objects.get(action="mfa.verify").detail == {"method": "recovery_code"}
        again = sign_in("alice@example.org")
        response = again.post(VERIFY, {"otp_code": codes[0]})
        assert response.status_code == 200
        assert "Code: That code does not match." in response.content.decode()
        assert again.get(CASELOAD).status_code == 302

    def test_a_wrong_code_names_the_field_and_is_audited(self, personas):
        device, _ = enrol(personas.alice)
        http = sign_in("alice@example.org")
        response = http.post(VERIFY, {"otp_code": wrong_code(device)})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Code: That code does not match." in body
        assert 'aria-invalid="true"' in body
        assert AuditEvent.objects.get(action="mfa.verify_failed").detail == {"method": "totp"}
        assert http.get(CASELOAD).status_code == 302

    def test_a_right_code_right_after_a_wrong_one_is_accepted(self, personas):
        device, _ = enrol(personas.alice)
        http = sign_in("alice@example.org")
        http.post(VERIFY, {"otp_code": wrong_code(device)})
        response = http.post(VERIFY, {"otp_code": fresh_code(device), "next": CASELOAD})
        assert response.status_code == 302, response.content.decode()
        assert http.get(CASELOAD).status_code == 200

    def test_after_the_free_tries_the_next_code_waits(self, personas):
        device, _ = enrol(personas.alice)
        http = sign_in("alice@example.org")
        for _ in range(settings.MFA_FREE_TRIES):
            http.post(VERIFY, {"otp_code": wrong_code(device)})
        response = http.post(VERIFY, {"otp_code": fresh_code(device)})
        assert "Too many wrong codes: wait 1 seconds" in response.content.decode()
        assert http.get(CASELOAD).status_code == 302

    def test_repeated_wrong_codes_lock_the_account(self, personas):
        device, _ = enrol(personas.alice)
        http = sign_in("alice@example.org")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert http.post(VERIFY, {"otp_code": wrong_code(device)}).status_code == 200
        response = http.post(VERIFY, {"otp_code": wrong_code(device)})
        assert response.status_code == 429
        assert b"Too many failed sign-ins" in response.content
        # Signed out, and the password alone no longer signs in.
        assert http.get(CASELOAD)["Location"].startswith(reverse("login"))
        again = HttpClient().post(
            reverse("login"), {"username": "alice@example.org", "password": PASSWORD}
        )
        assert again.status_code == 429

    def test_a_client_with_a_device_gives_a_code_too(self, personas):
        enrol(personas.dana)
        http = sign_in("dana@example.org")
        response = http.get(reverse("portal:home"))
        assert response["Location"].startswith(VERIFY)

    def test_the_verify_page_sends_on_who_has_nothing_to_verify(self, personas, login_as):
        response = login_as(personas.alice).get(VERIFY + "?next=https://evil.example/")
        assert response.status_code == 302
        assert response["Location"] == reverse("home")


class RecoveryCodesTests:
    def test_new_codes_need_a_current_code_and_replace_the_old(self, personas, totp_clock):
        device, old = enrol(personas.alice)
        http = verified(personas.alice)
        totp_clock.advance()  # a third code: the next step's
        page = http.get(RECOVERY).content.decode()
        assert "You have 10 unused recovery codes." in page
        refused = http.post(RECOVERY, {"otp_code": old[0]})
        assert "Code from the app: Enter the 6 digits" in refused.content.decode()
        response = http.post(RECOVERY, {"otp_code": fresh_code(device)})
        new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
        assert len(new) == 10
        stored = set(
            StaticToken.objects.filter(device__user=personas.alice).values_list("token", flat=True)
        )
        assert stored == {c.replace("-", "") for c in new}
        assert not stored & set(old)
        assert AuditEvent.objects.filter(action="mfa.recovery_codes").count() == 1
        assert http.get(CASELOAD).status_code == 200

    def test_it_needs_a_verified_session(self, personas):
        enrol(personas.alice)
        http = sign_in("alice@example.org")
        assert http.get(RECOVERY)["Location"].startswith(VERIFY)


class PracticeSettingTests:
    def test_an_admin_turns_it_on_and_it_is_audited(self, personas, login_as):
        url = reverse("accounts:practice_settings")
        http = login_as(personas.erin)
        response = http.post(url, {"payer_profile": "default", "mfa_required": "on"})
        assert response.status_code == 302
        assert Organization.objects.get(pk=personas.org.pk).mfa_required
        event = AuditEvent.objects.get(action="organization.update")
        assert event.detail == {"mfa_required": [False, True]}
        # The admin is the first to be asked to set it up.
        assert http.get(url)["Location"].startswith(SETUP)

    def test_another_practices_admin_cannot_change_it(self, personas):
        with pytest.raises(PermissionDenied):
            services.practice_mfa_set(
                actor=personas.erin, organization=personas.other_org, mfa_required=False
            )


class StepUpTests:
    def test_without_a_device_the_password_is_enough(self, personas):
        check_step_up(personas.alice, PASSWORD, None)
        with pytest.raises(ValidationError) as error:
            check_step_up(personas.alice, "not it", None)
        assert "password" in error.value.message_dict

    def test_with_a_device_a_fresh_code_is_needed(self, personas):
        device, _ = enrol(personas.alice)
        with pytest.raises(ValidationError) as error:
            check_step_up(personas.alice, PASSWORD, "")
        assert "otp_code" in error.value.message_dict
        code = fresh_code(device)
        check_step_up(personas.alice, PASSWORD, code)
        with pytest.raises(ValidationError) as error:
            check_step_up(personas.alice, PASSWORD, code)  # the same code, again
        assert "otp_code" in error.value.message_dict

    def test_the_practice_archive_asks_an_enrolled_admin_for_a_code(self, personas, totp_clock):
        device, _ = enrol(personas.erin)
        http = verified(personas.erin)
        totp_clock.advance()  # a third code: the next step's
        url = reverse("portability:archive")
        assert "Code from your authenticator app" in http.get(url).content.decode()
        response = http.post(url, {"password": PASSWORD})
        assert response.status_code == 200
        assert "Code from your authenticator app: This field is required." in (
            response.content.decode()
        )
        assert not AuditEvent.objects.filter(action="organization.export").exists()
        response = http.post(url, {"password": PASSWORD, "otp_code": fresh_code(device)})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"


class AdminUnlockTests:
    def _lock(self, email: str) -> None:
        http = HttpClient()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            http.post(reverse("login"), {"username": email, "password": "wrong password"})
        locked = http.post(reverse("login"), {"username": email, "password": PASSWORD})
        assert locked.status_code == 429

    def test_an_admin_sees_the_lockout_and_lifts_it(self, personas, login_as):
        self._lock("bob@example.org")
        http = login_as(personas.erin)
        page = http.get(reverse("accounts:users")).content.decode()
        assert "Locked out" in page
        unlock = reverse("accounts:user_unlock", kwargs={"user_id": personas.bob.public_id})
        assert f'action="{unlock}"' in page
        assert page.count("Locked out") == 1
        response = http.post(unlock, follow=True)
        assert "Bob Example can sign in again." in response.content.decode()
        assert "Locked out" not in response.content.decode()
        sign_in("bob@example.org")
        event = AuditEvent.objects.get(action="user.unlock")
        assert event.actor == personas.erin
        assert event.object_id == personas.bob.public_id
        assert event.detail["attempts"] >= 1

    def test_unlock_needs_a_post(self, personas, login_as):
        url = reverse("accounts:user_unlock", kwargs={"user_id": personas.bob.public_id})
        assert login_as(personas.erin).get(url).status_code == 405

    def test_another_practices_admin_cannot_unlock(self, personas, login_as):
        self._lock("bob@example.org")
        other_admin = services.user_create(
            actor=None,
            organization=personas.other_org,
            email="olga@example.org",
            full_name="Olga Example",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        url = reverse("accounts:user_unlock", kwargs={"user_id": personas.bob.public_id})
        assert login_as(other_admin).post(url).status_code == 404
        assert login_as(personas.alice).post(url).status_code == 403
        with pytest.raises(PermissionDenied):
            services.user_unlock(actor=other_admin, user=personas.bob)
        assert not AuditEvent.objects.filter(action="user.unlock").exists()
        locked = HttpClient().post(
            reverse("login"), {"username": "bob@example.org", "password": PASSWORD}
        )
        assert locked.status_code == 429

    def test_reset_two_factor_makes_the_user_enrol_again(self, personas, login_as):
        require_mfa(personas.org)
        enrol(personas.bob)
        enrol(personas.erin)
        http = verified(personas.erin)
        page = http.get(reverse("accounts:users")).content.decode()
        reset = reverse("accounts:user_mfa_reset", kwargs={"user_id": personas.bob.public_id})
        assert f'action="{reset}"' in page
        response = http.post(reset, follow=True)
        assert "Two-factor sign-in of Bob Example was reset" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=personas.bob).exists()
        assert not StaticDevice.objects.filter(user=personas.bob).exists()
        event = AuditEvent.objects.get(action="mfa.reset")
        assert event.actor == personas.erin
        assert event.detail == {"devices": 2}
        bob = sign_in("bob@example.org")
        assert bob.get(CASELOAD)["Location"].startswith(SETUP)

    def test_another_practices_admin_cannot_reset_two_factor(self, personas, login_as):
        enrol(personas.bob)
        other_admin = services.user_create(
            actor=None,
            organization=personas.other_org,
            email="olga@example.org",
            full_name="Olga Example",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        url = reverse("accounts:user_mfa_reset", kwargs={"user_id": personas.bob.public_id})
        assert login_as(other_admin).post(url).status_code == 404
        assert login_as(personas.frank).post(url).status_code == 403
        with pytest.raises(PermissionDenied):
            services.user_mfa_reset(actor=other_admin, user=personas.bob)
        assert TOTPDevice.objects.filter(user=personas.bob, confirmed=True).exists()


class HostileInputTests:
    """The shared hostile-input test covers these routes too; this is its quick loop,
    with the code field and an enrolled user included."""

    def test_no_account_route_fails_on_hostile_input(self, personas, login_as):
        from tests.test_access_matrix import _url, project_routes
        from tests.test_hostile_input import FIELDS, HOSTILE

        enrol(personas.sam)
        # Adding a user by invitation moved to the invites app (staff_invites) with decision 0705.
        routes = [r for r in project_routes() if r.namespace in ("accounts", "staff_invites")]
        assert len(routes) >= 10
        for route in routes:
            url = _url(route, personas)
            for who in ("alice", "sam", "erin", "dana"):
                http = login_as(getattr(personas, who))
                for value in HOSTILE[::2]:
                    data = dict.fromkeys((*FIELDS, "otp_code", "mfa_required"), value)
                    for response in (http.get(url, data), http.post(url, data)):
                        assert response.status_code < 500, f"{who} {route.name}"
                        assert b"<script>alert(1)</script>" not in response.content


def test_a_client_finds_optional_two_factor_from_the_portal(personas, login_as):
    http = login_as(personas.dana)
    home = http.get(reverse("portal:home")).content.decode()
    assert reverse("accounts:mfa_setup") in home
    assert http.get(reverse("accounts:mfa_setup")).status_code == 200


class ClockDriftTests:
    """A code from one 30-second step either side of the server's clock is accepted, two
    steps are not; always relative to the clock, whatever was accepted before."""

    @pytest.mark.parametrize(
        ("steps", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)]
    )
    def test_one_step_either_side_is_accepted_and_two_are_not(
        self, personas, totp_clock, steps, accepted
    ):
        device, _ = enrol(personas.alice)
        totp_clock.advance(5)  # well past the step of the enrolment code
        code = code_at(device, totp_clock.now + 30 * steps)
        if accepted:
            assert services.mfa_verify(user=personas.alice, code=code) == device
        else:
            with pytest.raises(ValidationError):
                services.mfa_verify(user=personas.alice, code=code)

    def test_a_late_code_does_not_move_the_window(self, personas, totp_clock):
        # django-otp's drift learning (OTP_TOTP_SYNC) moved the window a step back after a
        # late code, and then refused a phone running a step ahead.
        device, _ = enrol(personas.alice)
        totp_clock.advance(5)
        services.mfa_verify(user=personas.alice, code=code_at(device, totp_clock.now - 30))
        totp_clock.advance(1)
        code = code_at(device, totp_clock.now + 30)
        assert services.mfa_verify(user=personas.alice, code=code) == device
        device.refresh_from_db()
        assert device.drift == 0

    def test_a_drift_learnt_before_is_dropped(self, personas, totp_clock):
        device, _ = enrol(personas.alice)
        TOTPDevice.objects.filter(pk=device.pk).update(drift=-1)
        totp_clock.advance(5)
        code = code_at(device, totp_clock.now + 30)
        assert services.mfa_verify(user=personas.alice, code=code) == device

    def test_new_devices_tolerate_one_step(self, personas):
        assert services.mfa_setup_start(user=personas.alice).tolerance == 1


class WrongThenRightTests:
    """A typo costs nothing: the right code right after it is accepted. Guessing is still
    bounded: after MFA_FREE_TRIES wrong codes in a row on a device, each try waits twice as
    long as the one before, and the count survives signing in again with the password."""

    def test_a_right_code_right_after_a_wrong_one(self, personas, totp_clock):
        device, _ = enrol(personas.alice)
        totp_clock.advance(5)
        with pytest.raises(ValidationError):
            services.mfa_verify(user=personas.alice, code=code_at(device, totp_clock.now + 90))
        right = code_at(device, totp_clock.now)
        assert services.mfa_verify(user=personas.alice, code=right) == device
        device.refresh_from_db()
        assert device.throttling_failure_count == 0

    def test_a_right_recovery_code_right_after_a_wrong_one(self, personas):
        _, codes = enrol(personas.alice)
        with pytest.raises(ValidationError):
            services.mfa_verify(user=personas.alice, code="aaaabbbb")
        device = services.mfa_verify(user=personas.alice, code=codes[1])
        assert isinstance(device, StaticDevice)

    def test_recovery_codes_wait_after_the_free_tries_too(self, personas):
        _, codes = enrol(personas.alice)
        for _ in range(settings.MFA_FREE_TRIES):
            with pytest.raises(ValidationError):
                services.mfa_verify(user=personas.alice, code="aaaabbbb")
        with pytest.raises(ValidationError) as error:
            services.mfa_verify(user=personas.alice, code=codes[1])
        assert "Too many wrong codes" in str(error.value)

    def test_the_wait_doubles_and_survives_a_new_sign_in(self, personas, totp_clock):
        device, _ = enrol(personas.alice)
        totp_clock.advance(5)
        for _ in range(settings.MFA_FREE_TRIES + 2):
            TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
            with pytest.raises(ValidationError):
                services.mfa_verify(user=personas.alice, code=wrong_code(device))
        # Five wrong in a row: the next try waits 2 ** (5 - 3) = 4 seconds, in any session.
        http = sign_in("alice@example.org")
        response = http.post(VERIFY, {"otp_code": code_at(device, totp_clock.now)})
        assert "Too many wrong codes: wait 4 seconds" in response.content.decode()


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (0, None),
        (1, None),  # a typo
        (2, None),
        (3, 1),  # MFA_FREE_TRIES used up
        (4, 2),
        (10, 128),
    ],
)
def test_the_wait_after_wrong_codes(failures, wait):
    from datetime import UTC, datetime, timedelta

    from milepost.accounts.mfa import code_retry_at

    assert settings.MFA_FREE_TRIES == 3
    last = datetime(2026, 1, 1, tzinfo=UTC)
    expected = None if wait is None else last + timedelta(seconds=wait)
    assert code_retry_at(failures, last) == expected
    assert code_retry_at(failures, None) is None


class TwoFactorPageTests:
    """The account menu's "Two-factor sign-in": the state, and the way to each step."""

    MFA_PAGE = reverse("accounts:mfa")

    @pytest.mark.parametrize("who", ["alice", "sam", "erin", "dana"])
    def test_the_account_menu_links_to_it_for_everyone(self, personas, login_as, who):
        http = login_as(getattr(personas, who))
        home = http.get(reverse("home"), follow=True).content.decode()
        assert f'href="{self.MFA_PAGE}"' in home
        assert ">Two-factor sign-in</a>" in home

    def test_not_set_up_it_says_so_and_leads_to_set_up(self, personas, login_as):
        page = login_as(personas.alice).get(self.MFA_PAGE).content.decode()
        assert "Not set up" in page
        assert f'href="{SETUP}"' in page
        assert "passkey-register-button" not in page  # passkeys come after the app

    def test_set_up_it_shows_recovery_codes_and_passkeys(self, personas):
        enrol(personas.alice)
        page = verified(personas.alice).get(self.MFA_PAGE).content.decode()
        assert "You sign in with your password and then a code" in page
        assert "You have 10 unused recovery codes." in page
        assert f'href="{RECOVERY}"' in page
        assert 'id="passkey-register-button"' in page
        assert 'id="otp_webauthn_config"' in page
        # Strict CSP: the package's script from the site itself, with the page's nonce.
        scripts = re.findall(r"<script[^>]*>", page)
        assert any("django_otp_webauthn/otp_webauthn_register.js" in tag for tag in scripts)
        nonce = re.search(r'nonce="([^"]+)"', page)
        assert nonce is not None
        for tag in scripts:
            assert 'type="application/json"' in tag or f'nonce="{nonce.group(1)}"' in tag, tag
        assert "style=" not in page

    def test_an_unverified_session_is_asked_for_the_code_first(self, personas):
        enrol(personas.alice)
        http = sign_in("alice@example.org")
        assert http.get(self.MFA_PAGE)["Location"].startswith(VERIFY)
