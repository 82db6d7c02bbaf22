from __future__ import annotations

import pytest
from django.urls import reverse

from milepost.audit.models import AuditEvent
from milepost.clients.models import Client, Coverage

GOOD = {
    "given_name": "Eli",
    "family_name": "Stone",
    "date_of_birth": "1999-09-09",
    "status": "active",
}


@pytest.mark.django_db
class ClientCreateViewTests:
    def test_a_valid_form_creates_the_client(self, personas, login_as):
        response = login_as(personas.alice).post(reverse("clients:create"), GOOD)
        client = Client.objects.get(family_name="Stone")
        assert response.status_code == 302
        assert response["Location"] == reverse("clients:detail", args=[client.public_id])
        # The URL carries the opaque id, never the name.
        assert "Stone" not in response["Location"]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("given_name", "", b"Given name: This field is required."),
            ("date_of_birth", "31/02/2020", b"Date of birth: Enter a valid date."),
            (
                "date_of_birth",
                "2999-01-01",
                b"Date of birth: The date of birth cannot be in the future.",
            ),
            ("email", "nope", b"Email: Enter a valid email address."),
            ("status", "gone", b"Status: Select a valid choice."),
            ("given_name", "x" * 101, b"Given name: Ensure this value has at most 100 characters"),
            ("sex", "f", b"Sex (for insurance): Select a valid choice."),
            ("state", "XX", b"State: Enter the two-letter US state code, e.g. NY."),
            ("postal_code", "1234", b"ZIP code: Enter a ZIP code of 5 digits"),
        ],
    )
    def test_bad_input_names_the_field_and_keeps_the_rest(
        self, personas, login_as, field, value, message
    ):
        data = {**GOOD, "phone": "555-0100", field: value}
        response = login_as(personas.alice).post(reverse("clients:create"), data)
        assert response.status_code == 200
        assert message in response.content
        assert b'value="555-0100"' in response.content
        assert not Client.objects.filter(family_name="Stone").exists()


@pytest.mark.django_db
class ClientEditViewTests:
    def test_it_saves_changes(self, personas, login_as):
        url = reverse("clients:edit", args=[personas.dana_client.public_id])
        data = {**GOOD, "given_name": "Dana", "family_name": "Quillfeather", "pronouns": "she/they"}
        response = login_as(personas.bob).post(url, data)
        assert response.status_code == 302
        personas.dana_client.refresh_from_db()
        assert personas.dana_client.pronouns == "she/they"

    def test_an_outsider_cannot_edit(self, personas, login_as):
        url = reverse("clients:edit", args=[personas.dana_client.public_id])
        response = login_as(personas.charlie).post(url, {**GOOD, "given_name": "Hacked"})
        assert response.status_code == 404
        personas.dana_client.refresh_from_db()
        assert personas.dana_client.given_name == "Dana"

    def test_demographics_are_saved_audited_and_shown(self, personas, login_as):
        url = reverse("clients:edit", args=[personas.dana_client.public_id])
        data = {
            **GOOD,
            "given_name": "Dana",
            "family_name": "Quillfeather",
            "sex": "female",
            "gender_identity": "Woman",
            "pronouns": "she/her",
            "phone": "(212) 555-0143",
            "address_line": "12 Elm Street",
            "city": "Albany",
            "state": "ny",
            "postal_code": "12207",
        }
        http = login_as(personas.alice)
        assert http.post(url, data).status_code == 302
        client = Client.objects.get(pk=personas.dana_client.pk)
        assert (client.sex, client.state, client.postal_code) == ("female", "NY", "12207")
        event = AuditEvent.objects.filter(action="client.update").latest("id")
        assert {"sex", "gender_identity", "address_line", "state"} <= set(event.detail["fields"])
        page = http.get(reverse("clients:detail", args=[client.public_id])).content.decode()
        assert "Woman" in page
        assert "12 Elm Street, Albany, NY 12207" in page
        assert "<dd>Female</dd>" in page

    def test_a_bad_phone_number_names_the_field(self, personas, login_as):
        url = reverse("clients:edit", args=[personas.dana_client.public_id])
        data = {**GOOD, "given_name": "Dana", "family_name": "Quillfeather", "phone": "12"}
        response = login_as(personas.alice).post(url, data)
        assert b"Phone: A phone number has 7 to 15 digits; this one has 2." in response.content
        assert b'value="12"' in response.content


COVERAGE = {
    "payer": "Aetna",
    "plan_name": "Choice POS II",
    "member_id": "W123456789",
    "group_id": "0012345",
    "relationship": "self",
}


@pytest.mark.django_db
class CoverageViewTests:
    def test_coverage_is_saved_audited_without_values_and_shown(self, personas, login_as):
        client = personas.dana_client
        http = login_as(personas.alice)
        response = http.post(reverse("clients:coverage", args=[client.public_id]), COVERAGE)
        assert response.status_code == 302
        coverage = Coverage.objects.get(client=client)
        assert (coverage.payer, coverage.member_id) == ("Aetna", "W123456789")
        event = AuditEvent.objects.filter(action="client.coverage_update").latest("id")
        assert "member_id" in event.detail["fields"]
        assert "W123456789" not in str(event.detail)
        page = http.get(reverse("clients:detail", args=[client.public_id])).content.decode()
        assert "<dd>W123456789</dd>" in page
        assert "<dd>0012345</dd>" in page

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"member_id": ""}, "Member id: This field is required."),
            ({"member_id": "W12*34"}, "Member id: Use the letters, digits and dashes"),
            ({"relationship": "child"}, "Subscriber name: Enter the subscriber&#x27;s name"),
            ({"relationship": "cousin"}, "Select a valid choice."),
        ],
    )
    def test_bad_coverage_names_the_field_and_keeps_the_rest(
        self, personas, login_as, change, message
    ):
        client = personas.dana_client
        http = login_as(personas.alice)
        url = reverse("clients:coverage", args=[client.public_id])
        response = http.post(url, {**COVERAGE, **change})
        body = response.content.decode()
        assert response.status_code == 200
        assert message in body
        assert 'value="Choice POS II"' in body
        assert not Coverage.objects.filter(client=client).exists()

    def test_an_outsider_cannot_see_or_set_coverage(self, personas, login_as):
        url = reverse("clients:coverage", args=[personas.dana_client.public_id])
        assert login_as(personas.charlie).post(url, COVERAGE).status_code == 404
        assert not Coverage.objects.exists()


@pytest.mark.django_db
class CareTeamViewTests:
    def test_a_colleague_is_added(self, personas, login_as):
        url = reverse("clients:care_team_add", args=[personas.dana_client.public_id])
        response = login_as(personas.alice).post(url, {"clinician": personas.frank.public_id})
        assert response.status_code == 302
        assert personas.dana_client.care_team.filter(clinician=personas.frank).exists()

    def test_a_clinician_of_another_practice_is_refused_with_a_message(self, personas, login_as):
        url = reverse("clients:care_team_add", args=[personas.dana_client.public_id])
        http = login_as(personas.alice)
        response = http.post(url, {"clinician": personas.charlie.public_id}, follow=True)
        assert b"Care team: Select a valid choice." in response.content
        assert not personas.dana_client.care_team.filter(clinician=personas.charlie).exists()

    def test_removing_the_last_clinician_explains_why_not(self, personas, login_as):
        http = login_as(personas.alice)
        url = reverse("clients:care_team_remove", args=[personas.dana_client.public_id])
        http.post(url, {"clinician": personas.bob.public_id})
        response = http.post(url, {"clinician": personas.alice.public_id}, follow=True)
        assert b"at least one clinician" in response.content
        assert personas.dana_client.care_team.filter(clinician=personas.alice).exists()

    def test_removing_a_stranger_is_a_clear_error(self, personas, login_as):
        url = reverse("clients:care_team_remove", args=[personas.dana_client.public_id])
        response = login_as(personas.alice).post(url, {"clinician": "nobody"}, follow=True)
        assert b"not on this client" in response.content

    def test_care_team_changes_need_a_post(self, personas, login_as):
        url = reverse("clients:care_team_add", args=[personas.dana_client.public_id])
        assert login_as(personas.alice).get(url).status_code == 405
