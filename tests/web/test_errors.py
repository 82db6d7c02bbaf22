from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from milepost.web.views import server_error


@pytest.mark.django_db
class ErrorPageTests:
    def test_an_unknown_address_gets_the_friendly_404(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert b"Page not found" in response.content

    def test_the_500_page_stands_alone_and_promises_no_client_data_in_logs(self):
        response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        assert b"Something went wrong on our side" in response.content

    def test_an_expired_form_explains_that_nothing_was_saved(self, personas):
        http = HttpClient(enforce_csrf_checks=True)
        response = http.post(reverse("login"), {"username": "alice@example.org", "password": "x"})
        assert response.status_code == 403
        assert b"This form has expired" in response.content

    def test_a_user_without_a_practice_is_told_so(self, db, client):
        from milepost.accounts.models import User

        user = User.objects.create_user("loose@example.org", "a long enough password")
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 403
        assert b"Your account has no practice" in response.content
