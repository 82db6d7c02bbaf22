"""A clinician uploads another patient's Bundle: nothing is imported until they confirm,
and the confirmation does not ask for the file again."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from milepost.measures.models import Administration
from tests.browser.axe import assert_accessible
from tests.browser.test_pages import _sign_in
from tests.interop.test_views import other_patient_bundle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_another_patients_bundle_is_held_until_confirmed_with_a_reason(
    live_server, personas, page: Page, tmp_path
):
    client = personas.dana_client
    before = Administration.objects.filter(client=client).count()
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(other_patient_bundle()), encoding="utf-8")
    _sign_in(page, live_server.url, "alice@example.org")
    page.goto(f"{live_server.url}/clients/{client.public_id}/fhir/import/")
    page.get_by_label("FHIR Bundle (.json)").set_input_files(str(bundle))
    page.get_by_role("button", name="Import", exact=True).click()

    held = page.get_by_role("alert").filter(has_text="nothing was imported")
    expect(held).to_contain_text(
        "Birth date: the file says 1971-01-01; this client's is 1990-04-01"
    )
    assert "pending" not in page.url
    assert_accessible(page)
    assert Administration.objects.filter(client=client).count() == before

    confirm = page.get_by_role("button", name="Import into this client anyway")
    confirm.click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Import into this client anyway: Tick this box"
    )
    page.get_by_label("Import into this client anyway").check()
    page.get_by_label("Why this file belongs to this client").fill(
        "The other clinic recorded her birth date wrongly; checked with her today"
    )
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text("Imported although the file")
    assert Administration.objects.filter(client=client).count() == before + 1
