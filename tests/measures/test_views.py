from __future__ import annotations

import pytest
from django.urls import reverse

from milepost.measures.models import Administration


def _items(answers):
    return {f"item_{n}": "" if v is None else str(v) for n, v in enumerate(answers, start=1)}


@pytest.mark.django_db
class AdministerViewTests:
    def _url(self, personas, code="phq9"):
        return reverse("measures:administer", args=[personas.dana_client.public_id, code])

    def test_the_form_is_generated_from_the_instrument_data(self, personas, login_as):
        response = login_as(personas.alice).get(self._url(personas, "gad7"))
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count("<fieldset") == 7
        assert "Feeling nervous, anxious" in html
        assert 'type="radio"' in html
        assert "Nearly every day" in html

    def test_a_completed_form_is_saved_and_summarised(self, personas, login_as):
        data = {"administered_on": "2026-01-05", **_items([1, 1, 1, 1, 1, 1, 1, 1, 0])}
        response = login_as(personas.alice).post(self._url(personas), data, follow=True)
        assert b"PHQ-9 saved: 8 (Mild)." in response.content
        saved = Administration.objects.filter(client=personas.dana_client).order_by("id").last()
        assert saved is not None
        assert saved.administered_at.date().isoformat() == "2026-01-05"

    def test_an_urgent_flag_is_shown_at_once(self, personas, login_as):
        data = {"administered_on": "2026-01-05", **_items([0, 0, 0, 0, 0, 0, 0, 0, 3])}
        response = login_as(personas.alice).post(self._url(personas), data, follow=True)
        assert b"Urgent: Item 9" in response.content
        assert b"need action" in response.content

    def test_a_value_outside_the_options_names_the_item(self, personas, login_as):
        data = {"administered_on": "2026-01-05", **_items([0, 0, 7, 0, 0, 0, 0, 0, 0])}
        response = login_as(personas.alice).post(self._url(personas), data)
        assert response.status_code == 200
        assert b"Select a valid choice. 7 is not one of the available choices." in response.content
        assert b"3. " in response.content

    def test_a_future_date_names_the_date_field(self, personas, login_as):
        data = {"administered_on": "2999-01-01", **_items([0] * 9)}
        response = login_as(personas.alice).post(self._url(personas), data)
        assert response.status_code == 200
        assert b"Date completed: The date cannot be in the future." in response.content

    def test_an_unknown_instrument_is_not_found(self, personas, login_as):
        assert login_as(personas.alice).get(self._url(personas, "bdi-ii")).status_code == 404


@pytest.mark.django_db
class MeasuresPageTests:
    def test_it_shows_the_chart_the_change_in_words_and_the_alert(self, personas, login_as):
        from milepost.measures import services

        services.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="phq9",
            answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
        )
        url = reverse("measures:client_measures", args=[personas.dana_client.public_id])
        html = login_as(personas.bob).get(url).content.decode()
        assert (
            "Reliable improvement: −9 points (threshold 6); no longer in the clinical range" in html
        )
        assert reverse("measures:chart", args=[personas.dana_client.public_id, "phq9"]) in html
        assert "1 urgent risk alert needs action" in html

    def test_the_chart_is_an_svg_of_the_scores(self, personas, login_as):
        url = reverse("measures:chart", args=[personas.dana_client.public_id, "phq9"])
        response = login_as(personas.alice).get(url)
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<?xml")
        assert b"PHQ-9" in response.content
        assert b">17<" in response.content  # the point's label
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
class RiskAlertViewTests:
    def _url(self, personas):
        return reverse(
            "measures:alert", args=[personas.dana_client.public_id, personas.dana_alert.public_id]
        )

    def test_the_alert_is_on_the_caseload_and_the_client_page(self, personas, login_as):
        http = login_as(personas.alice)
        caseload = http.get(reverse("reports:caseload")).content.decode()
        assert 'role="alert"' in caseload
        assert self._url(personas) in caseload
        detail = http.get(reverse("clients:detail", args=[personas.dana_client.public_id]))
        assert self._url(personas) in detail.content.decode()

    def test_the_supervisor_sees_it_too(self, personas, login_as):
        caseload = login_as(personas.sam).get(reverse("reports:caseload")).content.decode()
        assert self._url(personas) in caseload

    def test_acknowledging_without_an_action_explains_and_keeps_it_open(self, personas, login_as):
        response = login_as(personas.alice).post(self._url(personas), {"note": "Called her."})
        assert response.status_code == 200
        assert b"What did you do?: This field is required." in response.content
        personas.dana_alert.refresh_from_db()
        assert personas.dana_alert.is_open

    def test_acknowledging_with_an_action_clears_the_banner(self, personas, login_as):
        http = login_as(personas.alice)
        response = http.post(
            self._url(personas), {"action": "contacted", "note": "Called; safe; plan reviewed."}
        )
        assert response.status_code == 302
        caseload = http.get(reverse("reports:caseload")).content.decode()
        assert self._url(personas) not in caseload
        page = http.get(self._url(personas)).content.decode()
        assert "Contacted the client and assessed risk" in page

    def test_an_alert_of_another_client_is_not_found(self, personas, login_as):
        url = reverse(
            "measures:alert", args=[personas.chris_client.public_id, personas.dana_alert.public_id]
        )
        assert login_as(personas.charlie).get(url).status_code == 404


@pytest.mark.django_db
class EnteredInErrorViewTests:
    def test_an_entry_is_struck_out_with_its_reason(self, personas, login_as):
        http = login_as(personas.alice)
        url = reverse(
            "measures:entered_in_error",
            args=[personas.dana_client.public_id, personas.dana_phq9.public_id],
        )
        response = http.post(url, {"reason": "Entered for the wrong client"}, follow=True)
        assert b"Marked as entered in error" in response.content
        assert b"Entered in error: Entered for the wrong client" in response.content

    def test_no_reason_is_a_clear_error(self, personas, login_as):
        url = reverse(
            "measures:entered_in_error",
            args=[personas.dana_client.public_id, personas.dana_phq9.public_id],
        )
        response = login_as(personas.alice).post(url, {"reason": ""}, follow=True)
        assert b"say why this entry is a mistake" in response.content


@pytest.mark.django_db
class AlertOnEveryClientPageTests:
    """Issue 16: the risk alert shows on every staff page of the client, with the answer given
    and the time it was given, in the practice's zone (decision 0813)."""

    @pytest.mark.parametrize(
        "route",
        ["plans:formulation", "plans:observations", "notes:list", "plans:current", "editor"],
    )
    def test_it_names_the_answer_and_its_time(self, personas, login_as, route):
        import datetime as dt

        from milepost.measures.models import Administration
        from tests.base import dana_plan

        given = dt.datetime(2026, 1, 5, 14, 30, tzinfo=dt.UTC)
        Administration.objects.filter(pk=personas.dana_phq9.pk).update(administered_at=given)
        client_id = personas.dana_client.public_id
        if route == "editor":
            url = reverse("plans:editor", args=[client_id, dana_plan(personas).plan.public_id])
        else:
            url = reverse(route, args=[client_id])
        # The practice's own time zone names the moment (decision 0813, the setting of 0802).
        organization = personas.dana_client.organization
        organization.time_zone = "America/New_York"
        organization.save(update_fields=["time_zone"])
        body = login_as(personas.alice).get(url, follow=True).content.decode()
        assert 'class="mp-risk" role="alert"' in body
        assert "Item 9 answered “Several days” (1 of 3)" in body
        assert "given 5 Jan 2026, 09:30 EST" in body
        alert_url = reverse("measures:alert", args=[client_id, personas.dana_alert.public_id])
        assert alert_url in body

    def test_an_acknowledged_alert_leaves_the_pages(self, personas, login_as):
        from milepost.measures import services

        services.risk_alert_acknowledge(
            actor=personas.alice, alert=personas.dana_alert, action="contacted", note="Safe."
        )
        url = reverse("plans:formulation", args=[personas.dana_client.public_id])
        assert 'class="mp-risk"' not in login_as(personas.alice).get(url).content.decode()
