"""Practice settings: an admin chooses the payer profile the compliance linter applies."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from milepost.accounts.models import Organization
from milepost.accounts.services import practice_details_set, practice_profile_set
from milepost.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts:practice_settings")


class PracticeSettingsTests:
    def test_it_starts_on_the_default_profile_and_lists_them_all(self, personas, login_as):
        assert personas.org.payer_profile == "default"
        body = login_as(personas.erin).get(URL).content.decode()
        for name in ("Medicare outpatient psychotherapy", "Medicaid (90-day review)", "CARF"):
            assert name in body

    def test_an_admin_changes_the_profile_and_it_is_audited(self, personas, login_as):
        response = login_as(personas.erin).post(URL, {"payer_profile": "medicaid-90"}, follow=True)
        assert "Saved the practice settings." in response.content.decode()
        assert Organization.objects.get(pk=personas.org.pk).payer_profile == "medicaid-90"
        event = AuditEvent.objects.get(action="organization.update")
        assert event.detail == {"payer_profile": ["default", "medicaid-90"]}
        assert event.actor == personas.erin

    @pytest.mark.parametrize("value", ["medicaid-30", "", "<script>"])
    def test_an_unknown_profile_names_the_field(self, personas, login_as, value):
        response = login_as(personas.erin).post(URL, {"payer_profile": value})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Payer profile" in body
        assert "<script>" not in body
        assert Organization.objects.get(pk=personas.org.pk).payer_profile == "default"

    @pytest.mark.parametrize("who", ["alice", "sam", "dana"])
    def test_only_admins_open_it(self, personas, login_as, who):
        assert login_as(getattr(personas, who)).get(URL).status_code == 403


class PracticeProfileSetTests:
    def test_an_admin_of_another_practice_is_refused(self, personas):
        with pytest.raises(PermissionDenied):
            practice_profile_set(
                actor=personas.erin, organization=personas.other_org, payer_profile="carf"
            )

    def test_a_clinician_is_refused(self, personas):
        with pytest.raises(PermissionDenied):
            practice_profile_set(
                actor=personas.alice, organization=personas.org, payer_profile="carf"
            )

    def test_an_unknown_profile_is_refused_by_name(self, personas):
        with pytest.raises(ValidationError) as caught:
            practice_profile_set(actor=personas.erin, organization=personas.org, payer_profile="x")
        assert "payer_profile" in caught.value.error_dict


class PracticeDetailsTests:
    DETAILS = {
        "payer_profile": "default",
        "practice-address_line": "200 Main Street, Suite 4",
        "practice-city": "Albany",
        "practice-state": "ny",
        "practice-postal_code": "12207",
        "practice-phone": "(518) 555-0100",
        "practice-tax_id": "123456789",
        "practice-time_zone": "America/Chicago",
    }

    def test_an_admin_sets_the_address_tax_id_and_time_zone(self, personas, login_as):
        response = login_as(personas.erin).post(URL, self.DETAILS)
        assert response.status_code == 302
        org = Organization.objects.get(pk=personas.org.pk)
        assert (org.state, org.tax_id, org.time_zone) == ("NY", "12-3456789", "America/Chicago")
        event = AuditEvent.objects.get(action="organization.update")
        assert set(event.detail["fields"]) == {
            "address_line",
            "city",
            "state",
            "postal_code",
            "phone",
            "tax_id",
            "time_zone",
        }

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("tax_id", "12-34567", "Tax id (EIN): An EIN is nine digits, written 12-3456789."),
            ("time_zone", "Mars/Olympus", "Time zone: Select a valid choice."),
            ("state", "ZZ", "State: Enter the two-letter US state code, e.g. NY."),
        ],
    )
    def test_a_bad_value_names_the_field_and_keeps_the_rest(
        self, personas, login_as, field, value, message
    ):
        data = {**self.DETAILS, f"practice-{field}": value}
        response = login_as(personas.erin).post(URL, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert message in body
        assert 'value="200 Main Street, Suite 4"' in body
        assert Organization.objects.get(pk=personas.org.pk).tax_id == ""


class WeekStartTests:
    def test_a_practice_starts_its_weeks_on_monday(self, personas, login_as):
        assert personas.org.week_start == 1
        body = login_as(personas.erin).get(URL).content.decode()
        assert "Week begins on" in body
        assert '<option value="1" selected>Monday (ISO 8601)</option>' in body

    def test_an_admin_chooses_sunday_and_it_is_audited(self, personas, login_as):
        data = {"payer_profile": "default", "practice-week_start": "7"}
        response = login_as(personas.erin).post(URL, data)
        assert response.status_code == 302
        assert Organization.objects.get(pk=personas.org.pk).week_start == 7
        event = AuditEvent.objects.get(action="organization.update")
        assert event.detail == {"fields": ["week_start"]}
        assert event.actor == personas.erin

    def test_left_out_it_is_unchanged(self, personas, login_as):
        Organization.objects.filter(pk=personas.org.pk).update(week_start=7)
        response = login_as(personas.erin).post(URL, {"payer_profile": "default"})
        assert response.status_code == 302
        assert Organization.objects.get(pk=personas.org.pk).week_start == 7

    @pytest.mark.parametrize("value", ["0", "8", "monday", "<b>"])
    def test_a_day_not_on_the_list_names_the_field(self, personas, login_as, value):
        data = {
            "payer_profile": "default",
            "practice-city": "Albany",
            "practice-week_start": value,
        }
        response = login_as(personas.erin).post(URL, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Week begins on: Select a valid choice." in body
        assert 'value="Albany"' in body
        assert Organization.objects.get(pk=personas.org.pk).week_start == 1

    @pytest.mark.parametrize("value", ["0", "8", "x", ""])
    def test_the_service_refuses_a_day_not_from_1_to_7(self, personas, value):
        with pytest.raises(ValidationError) as caught:
            practice_details_set(actor=personas.erin, organization=personas.org, week_start=value)
        assert caught.value.message_dict == {
            "week_start": ["Choose the day the practice's week begins on."]
        }

    def test_a_clinician_cannot_set_it(self, personas):
        with pytest.raises(PermissionDenied):
            practice_details_set(actor=personas.alice, organization=personas.org, week_start="7")
