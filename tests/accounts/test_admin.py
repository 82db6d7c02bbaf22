"""The Django admin neither takes nor shows another person's password (decision 0705)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, reverse

from milepost.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(personas) -> HttpClient:
    superuser = User.objects.create_superuser("root@example.org", "a long admin password")
    http = HttpClient()
    http.force_login(superuser)
    return http


def test_the_add_form_takes_no_password_and_makes_an_account_without_one(root):
    url = reverse("admin:accounts_user_add")
    page = root.get(url).content.decode()
    assert 'name="email"' in page
    assert 'type="password"' not in page
    assert "password1" not in page
    assert "usable_password" not in page
    assert "Practice users" in page  # where the invitation is sent from
    response = root.post(url, {"email": "Hana@Example.org", "full_name": "Hana Example"})
    assert response.status_code == 302
    hana = User.objects.get(email="hana@example.org")
    assert not hana.has_usable_password()


def test_the_add_form_refuses_a_taken_address_by_name(root):
    response = root.post(
        reverse("admin:accounts_user_add"), {"email": "ALICE@example.org", "full_name": "A"}
    )
    assert response.status_code == 200
    assert b"A user with this email address already exists." in response.content


def test_the_change_form_neither_shows_nor_takes_a_password(root, personas):
    url = reverse("admin:accounts_user_change", args=[personas.alice.pk])
    page = root.get(url).content.decode()
    assert 'name="email"' in page
    assert "argon2" not in page
    assert personas.alice.password not in page
    assert "password/" not in page
    data = {
        "email": "alice@example.org",
        "full_name": "Alice Example",
        "credentials": "LCSW",
        "is_active": "on",
        "password": "typed by the superuser",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-id": str(personas.alice.membership.pk),
        "membership-0-user": str(personas.alice.pk),
        "membership-0-organization": str(personas.org.pk),
        "membership-0-role": "clinician",
        "membership-0-created_at_0": "2026-01-01",
        "membership-0-created_at_1": "09:00:00",
    }
    root.post(url, data)
    alice = User.objects.get(pk=personas.alice.pk)
    assert not alice.check_password("typed by the superuser")
    assert alice.password == personas.alice.password


def test_there_is_no_page_to_set_someone_elses_password(root, personas):
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_user_password_change", args=[personas.alice.pk])
    response = root.get(f"/django-admin/accounts/user/{personas.alice.pk}/password/")
    assert response.status_code in (302, 404)  # the admin's catch-all: not a password form
    assert b'type="password"' not in root.get(response.get("Location", "/django-admin/")).content


def test_the_first_admin_of_a_fresh_install_comes_from_createsuperuser(monkeypatch):
    # A fresh install has nobody to invite it: the operator makes their own account (their
    # own password) with Django's createsuperuser (docs/operations.md).
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "the operator's own passphrase")
    call_command(
        "createsuperuser",
        interactive=False,
        email="owner@example.org",
        full_name="Owner Example",
        verbosity=0,
    )
    owner = User.objects.get(email="owner@example.org")
    assert owner.is_superuser
    assert owner.check_password("the operator's own passphrase")
