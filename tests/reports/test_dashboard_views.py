"""The caseload page: filters posted and kept in the session, never in the URL."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
class CaseloadViewTests:
    def test_it_lists_the_clinicians_clients(self, personas, login_as):
        response = login_as(personas.alice).get(reverse("reports:caseload"))
        assert response.status_code == 200
        assert b"Quillfeather" in response.content
        assert b"Farshore" not in response.content

    def test_strange_filters_are_reported_not_run(self, personas, login_as):
        http = login_as(personas.alice)
        for data in ({"status": "nonsense"}, {"q": "x" * 5000}, {"q": "a\x00b"}):
            response = http.post(reverse("reports:caseload"), data)
            assert response.status_code == 200
            assert b"mp-error-summary" in response.content
        quoted = http.post(reverse("reports:caseload"), {"q": "%_\\'\""}, follow=True)
        assert quoted.status_code == 200

    def test_the_name_search_never_travels_in_the_url(self, personas, login_as):
        http = login_as(personas.alice)
        response = http.post(reverse("reports:caseload"), {"q": "Quill", "status": "all"})
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:caseload")
        page = http.get(reverse("reports:caseload")).content
        assert b"Quillfeather" in page
        assert b'value="Quill"' in page
        row_link = f'href="{reverse("clients:detail", args=[personas.dana_client.public_id])}"'
        assert row_link.encode() in page
        none = http.post(reverse("reports:caseload"), {"q": "Nobody"}, follow=True).content
        assert row_link.encode() not in none
        assert b"No clients match." in none

    def test_the_page_has_no_inline_script_or_style(self, personas, login_as):
        response = login_as(personas.alice).get(reverse("reports:caseload"))
        html = response.content.decode()
        assert 'style="' not in html
        assert "<script>" not in html
        assert "script-src" in response["Content-Security-Policy"]
