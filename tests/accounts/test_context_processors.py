"""The suggestion to set up two-factor sign-in, for staff whose practice does not require
it (docs/decisions/0605-mfa-passkeys.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.test_mfa import enrol, require_mfa, verified

pytestmark = pytest.mark.django_db

SUGGESTION = "Protect your account:"


def _home(http) -> str:
    return http.get(reverse("home"), follow=True).content.decode()


@pytest.mark.parametrize("who", ["alice", "sam", "erin"])
def test_staff_without_two_factor_are_asked_to_set_it_up(personas, login_as, who):
    page = _home(login_as(getattr(personas, who)))
    assert SUGGESTION in page
    assert f'<a href="{reverse("accounts:mfa")}">set up two-factor sign-in</a>' in page


def test_clients_are_not_asked(personas, login_as):
    assert SUGGESTION not in _home(login_as(personas.dana))


def test_staff_with_two_factor_are_not_asked(personas):
    enrol(personas.alice)
    assert SUGGESTION not in _home(verified(personas.alice))


def test_where_the_practice_requires_it_the_set_up_page_asks_instead(personas, login_as):
    require_mfa(personas.org)
    http = login_as(personas.alice)
    page = http.get(reverse("accounts:mfa_setup")).content.decode()
    assert SUGGESTION not in page
    assert "Your practice asks everyone on its staff" in page


def test_not_now_puts_it_away_for_the_session(personas, login_as):
    http = login_as(personas.alice)
    caseload = reverse("reports:caseload")
    response = http.post(reverse("accounts:mfa_banner_dismiss"), {"next": caseload})
    assert response.status_code == 302
    assert response["Location"] == caseload
    assert SUGGESTION not in _home(http)
    assert SUGGESTION in _home(login_as(personas.alice))  # a new session asks again


def test_not_now_goes_nowhere_else(personas, login_as):
    http = login_as(personas.alice)
    response = http.post(reverse("accounts:mfa_banner_dismiss"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    assert http.get(reverse("accounts:mfa_banner_dismiss")).status_code == 405


def test_not_on_the_two_factor_pages(personas, login_as):
    http = login_as(personas.alice)
    for name in ("accounts:mfa", "accounts:mfa_setup"):
        assert SUGGESTION not in http.get(reverse(name)).content.decode()
