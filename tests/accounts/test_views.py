from __future__ import annotations

import pytest
from django.urls import reverse


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

    def test_a_user_of_another_practice_is_not_found(self, personas, login_as):
        url = reverse("accounts:user_edit", args=[personas.charlie.public_id])
        assert login_as(personas.erin).get(url).status_code == 404
