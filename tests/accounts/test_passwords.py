"""Password change for everyone signed in, and reset by e-mail with single-use, expiring
links, one answer for known and unknown addresses, a rate limit, and no sign-in that skips
the second factor (milepost/accounts/password_views.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from milepost.audit.models import AuditEvent
from tests.accounts.test_mfa import enrol
from tests.base import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a brand new long passphrase 42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def _can_sign_in(email: str, password: str) -> bool:
    response = HttpClient().post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302


def _reset_link(email: str) -> str:
    before = len(mail.outbox)
    HttpClient().post(reverse("password_reset"), {"email": email})
    assert len(mail.outbox) == before + 1
    match = LINK.search(str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.mark.parametrize("who", ["alice", "erin", "dana"])
def test_every_signed_in_person_changes_their_own_password(personas, login_as, who):
    user = getattr(personas, who)
    http = login_as(user)
    page = http.get(reverse("password_change"))
    assert page.status_code == 200
    response = http.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert http.get(reverse("password_change_done")).status_code == 200  # still signed in
    assert _can_sign_in(user.email, NEW)
    assert not _can_sign_in(user.email, PASSWORD)
    assert AuditEvent.objects.filter(action="password.change", object_id=user.public_id).exists()


def test_a_wrong_old_password_or_a_weak_new_one_is_named_and_changes_nothing(personas, login_as):
    http = login_as(personas.alice)
    wrong = http.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200
    assert b"old password" in wrong.content.lower()
    weak = http.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 200
    assert b"too short" in weak.content.lower()
    assert _can_sign_in(personas.alice.email, PASSWORD)


def test_anonymous_visitors_are_sent_to_sign_in_to_change_a_password():
    response = HttpClient().get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_sign_in_page_offers_the_reset_and_the_menu_the_change(personas, login_as):
    assert reverse("password_reset").encode() in HttpClient().get(reverse("login")).content
    page = login_as(personas.alice).get(reverse("reports:caseload"))
    assert reverse("password_change").encode() in page.content


def test_known_and_unknown_addresses_get_the_same_answer(personas):
    known = HttpClient().post(reverse("password_reset"), {"email": personas.alice.email})
    unknown = HttpClient().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [personas.alice.email]


def test_a_reset_link_sets_the_password_once_and_signs_nobody_in(personas):
    link = _reset_link(personas.bob.email)
    http = HttpClient()
    form = http.get(link, follow=True)
    assert form.status_code == 200
    assert b"Set a new password" in form.content
    set_url = form.redirect_chain[-1][0]
    done = http.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    # Not signed in by the reset: the caseload asks for a sign-in.
    assert http.get(reverse("reports:caseload")).status_code == 302
    assert _can_sign_in(personas.bob.email, NEW)
    assert AuditEvent.objects.filter(action="password.reset", object_id=personas.bob.public_id)
    # The same link again: refused.
    again = HttpClient().get(link, follow=True)
    assert b"This link no longer works" in again.content


def test_a_reset_link_expires_after_an_hour(personas):
    link = _reset_link(personas.bob.email)
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        response = HttpClient().get(link, follow=True)
    assert b"This link no longer works" in response.content


def test_a_reset_never_skips_the_second_factor(personas):
    enrol(personas.alice)
    link = _reset_link(personas.alice.email)
    http = HttpClient()
    form = http.get(link, follow=True)
    http.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    signed = HttpClient()
    signed.post(reverse("login"), {"username": personas.alice.email, "password": NEW})
    response = signed.get(reverse("reports:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


@override_settings(PASSWORD_RESET_PER_EMAIL=2, PASSWORD_RESET_PER_ADDRESS=50)
def test_requests_for_one_address_are_limited_and_the_answer_stays_the_same(personas):
    answers = [
        HttpClient().post(reverse("password_reset"), {"email": personas.alice.email})
        for _ in range(4)
    ]
    assert {a["Location"] for a in answers} == {reverse("password_reset_sent")}
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="password.reset_throttled").count() == 2


@override_settings(PASSWORD_RESET_PER_EMAIL=50, PASSWORD_RESET_PER_ADDRESS=3)
def test_requests_from_one_network_address_are_limited(personas):
    for n in range(5):
        HttpClient().post(reverse("password_reset"), {"email": f"someone{n}@example.org"})
    HttpClient().post(reverse("password_reset"), {"email": personas.alice.email})
    assert len(mail.outbox) == 0
    assert AuditEvent.objects.filter(action="password.reset_throttled").count() == 3


def test_the_reset_e_mail_names_no_client_and_the_audit_no_address(personas):
    _reset_link(personas.dana.email)
    body = mail.outbox[-1].body
    assert "Quillfeather" not in body
    for event in AuditEvent.objects.filter(action__startswith="password."):
        assert personas.dana.email not in str(event.detail)
