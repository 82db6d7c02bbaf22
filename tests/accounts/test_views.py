from __future__ import annotations

import pytest
from django.urls import reverse

from milepost.accounts.models import User
from milepost.audit.models import AuditEvent


@pytest.mark.django_db
class UserListViewTests:
    def test_the_admin_sees_the_practice_and_no_other(self, personas, login_as):
        response = login_as(personas.erin).get(reverse("accounts:users"))
        assert response.status_code == 200
        assert b"alice@example.org" in response.content
        assert b"charlie@example.org" not in response.content

    def test_it_shows_no_clinical_content(self, personas, login_as):
        response = login_as(personas.erin).get(reverse("accounts:users"))
        assert b"Quillfeather" not in response.content.replace(b"Dana Example", b"")
        assert b"Low mood" not in response.content


# Adding a user (by invitation, without a password) is tested in
# tests/invites/test_staff_views.py: the form and its routes are the invites app's.


@pytest.mark.django_db
class UserEditViewTests:
    def test_it_deactivates_a_user(self, personas, login_as):
        url = reverse("accounts:user_edit", args=[personas.frank.public_id])
        data = {"full_name": "Frank Example", "credentials": "", "role": "clinician"}
        response = login_as(personas.erin).post(url, data)
        assert response.status_code == 302
        personas.frank.refresh_from_db()
        assert not personas.frank.is_active

    def test_self_demotion_is_explained(self, personas, login_as):
        url = reverse("accounts:user_edit", args=[personas.erin.public_id])
        data = {"full_name": "Erin", "role": "clinician", "is_active": "on"}
        response = login_as(personas.erin).post(url, data)
        assert response.status_code == 200
        assert b"You cannot remove your own admin role" in response.content

    def test_a_clinicians_npi_and_licence_are_saved_and_audited(self, personas, login_as):
        url = reverse("accounts:user_edit", args=[personas.frank.public_id])
        data = {
            "full_name": "Frank Example",
            "credentials": "LMHC",
            "role": "clinician",
            "is_active": "on",
            "npi": "1234567893",
            "license_state": "ny",
            "license_type": "LMHC",
            "license_number": "012345",
        }
        assert login_as(personas.erin).post(url, data).status_code == 302
        frank = User.objects.get(pk=personas.frank.pk)
        assert (frank.npi, frank.license_state, frank.license_number) == (
            "1234567893",
            "NY",
            "012345",
        )
        event = AuditEvent.objects.filter(action="user.update").latest("id")
        assert {"npi", "license_state", "license_type", "license_number"} <= set(
            event.detail["fields"]
        )

    @pytest.mark.parametrize(
        ("npi", "message"),
        [
            ("1234567890", "1234567890 is not a valid NPI: its last digit does not match"),
            ("12345", "An NPI is 10 digits"),
        ],
    )
    def test_a_wrong_npi_is_refused_with_a_clear_message(self, personas, login_as, npi, message):
        url = reverse("accounts:user_edit", args=[personas.frank.public_id])
        data = {"full_name": "Frank Example", "role": "clinician", "is_active": "on", "npi": npi}
        response = login_as(personas.erin).post(url, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert f"NPI: {message}" in body
        assert f'value="{npi}"' in body
        assert User.objects.get(pk=personas.frank.pk).npi == ""

    def test_a_user_of_another_practice_is_not_found(self, personas, login_as):
        url = reverse("accounts:user_edit", args=[personas.charlie.public_id])
        assert login_as(personas.erin).get(url).status_code == 404
