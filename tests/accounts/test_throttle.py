"""Sign-in throttling: per account and address, plus a delay per account (decision 0006)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from milepost.accounts.throttle import delay_for, wait_before_attempt
from tests.base import PASSWORD

HOME = "198.51.100.7"  # where Bob usually signs in
ELSEWHERE = "203.0.113.9"
NEW_PLACE = "192.0.2.44"


def _post(client, address: str, password: str, username: str = "bob@example.org"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _sign_in_once_from(client, address: str) -> None:
    assert _post(client, address, PASSWORD).status_code == 302
    client.post(reverse("logout"))


class DelayTests:
    CAP = timedelta(minutes=15)

    def test_no_delay_below_the_threshold(self):
        assert delay_for(9, after=10, cap=self.CAP) == timedelta(0)

    def test_the_delay_starts_at_one_second_at_the_threshold(self):
        assert delay_for(10, after=10, cap=self.CAP) == timedelta(seconds=1)

    def test_the_delay_doubles_with_each_failure(self):
        assert delay_for(11, after=10, cap=self.CAP) == timedelta(seconds=2)
        assert delay_for(15, after=10, cap=self.CAP) == timedelta(seconds=32)

    def test_the_delay_stops_at_the_cap(self):
        assert delay_for(19, after=10, cap=self.CAP) == timedelta(seconds=512)
        assert delay_for(20, after=10, cap=self.CAP) == self.CAP
        assert delay_for(10_000, after=10, cap=self.CAP) == self.CAP


@pytest.mark.django_db
class PerAddressLockoutTests:
    def test_failures_elsewhere_do_not_lock_the_owner_out_at_home(self, personas, client):
        _sign_in_once_from(client, HOME)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _post(client, ELSEWHERE, "wrong password")
        assert _post(client, ELSEWHERE, PASSWORD).status_code == 429
        assert _post(client, HOME, PASSWORD).status_code == 302

    def test_failures_elsewhere_do_not_lock_a_new_place_either(self, personas, client):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _post(client, ELSEWHERE, "wrong password")
        assert _post(client, NEW_PLACE, PASSWORD).status_code == 302

    def test_the_owner_locks_themselves_out_at_their_own_address(self, personas, client):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _post(client, HOME, "wrong password")
        response = _post(client, HOME, PASSWORD)
        assert response.status_code == 429
        assert b"paused" in response.content

    def test_the_admin_sees_an_account_locked_at_one_address(self, personas, client, login_as):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _post(client, ELSEWHERE, "wrong password")
        page = login_as(personas.erin).get(reverse("accounts:users"))
        assert b"Locked out" in page.content


@pytest.mark.django_db
class AccountDelayTests:
    def _spread_failures(self, client, count: int) -> None:
        """Failures from many addresses, never enough at one of them for axes' lockout."""
        for n in range(count):
            _post(client, f"203.0.113.{100 + n}", "wrong password")

    def test_guessing_from_many_addresses_meets_a_delay(self, personas, client):
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER)
        response = _post(client, NEW_PLACE, PASSWORD)
        assert response.status_code == 429
        assert b"Try again in" in response.content

    def test_a_delayed_attempt_is_not_counted_as_a_failure(self, personas, client):
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER)
        before = sum(a.failures_since_start for a in AccessAttempt.objects.all())
        _post(client, NEW_PLACE, "wrong password")
        after = sum(a.failures_since_start for a in AccessAttempt.objects.all())
        assert after == before

    def test_the_usual_address_is_never_delayed(self, personas, client):
        _sign_in_once_from(client, HOME)
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER + 5)
        assert _post(client, HOME, PASSWORD).status_code == 302

    def test_fewer_spread_failures_than_the_threshold_cause_no_delay(self, personas, client):
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER - 1)
        assert _post(client, NEW_PLACE, PASSWORD).status_code == 302

    def test_once_the_delay_has_passed_a_new_place_may_try(self, personas, client):
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=2))
        assert _post(client, NEW_PLACE, PASSWORD).status_code == 302

    def test_the_wait_is_measured_from_the_last_failure(self, personas, client):
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER)
        # Three more failures at one of those addresses: 13 in all, a wait of 8 s.
        one = AccessAttempt.objects.order_by("pk").first()
        AccessAttempt.objects.filter(pk=one.pk).update(failures_since_start=4)
        now = timezone.now()
        AccessAttempt.objects.update(attempt_time=now - timedelta(seconds=5))
        wait = wait_before_attempt("bob@example.org", NEW_PLACE, now=now)
        assert wait == timedelta(seconds=3)
        assert wait_before_attempt("bob@example.org", NEW_PLACE, now=now + wait) is None

    def test_other_accounts_are_not_delayed(self, personas, client):
        self._spread_failures(client, settings.LOGIN_ACCOUNT_DELAY_AFTER + 5)
        assert _post(client, NEW_PLACE, PASSWORD, username="alice@example.org").status_code == 302


@pytest.mark.django_db
class BehindAProxyTests:
    PROXY = "10.0.0.2"

    def _via_proxy(self, client, address: str, password: str):
        return client.post(
            reverse("login"),
            {"username": "bob@example.org", "password": password},
            REMOTE_ADDR=self.PROXY,
            HTTP_X_FORWARDED_FOR=address,
        )

    def test_the_lockout_follows_the_address_the_proxy_saw(self, personas, client, settings):
        settings.AUDIT_TRUST_X_FORWARDED_FOR = True
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self._via_proxy(client, ELSEWHERE, "wrong password")
        assert self._via_proxy(client, ELSEWHERE, PASSWORD).status_code == 429
        assert self._via_proxy(client, HOME, PASSWORD).status_code == 302
