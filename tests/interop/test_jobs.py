"""Large Bundles import in the background (decision 0902): the request stores the upload and
queues it, the real worker (`db_worker --batch`) runs it, and the page shows progress, then
what was saved, skipped and refused. The task is given an id only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from milepost.audit.models import AuditEvent
from milepost.interop.jobs import BACKGROUND_BYTES
from milepost.interop.models import ImportJob, ImportJobStatus
from milepost.interop.uploads import MAX_BUNDLE_BYTES
from milepost.measures.models import Administration
from tests.interop.test_import import bundle_of, phq9_response
from tests.interop.test_views import upload

pytestmark = pytest.mark.django_db

LOINC = "http://loinc.org"
ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7"]
ITEMS += ["44258-2", "44252-5", "44253-3", "44260-8"]
ANSWERS = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # As tests/portal/test_tasks.py: the worker would close the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _work() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def large_bundle(n: int) -> dict:
    """`n` US Core-style PHQ-9 responses, an hour apart, as another system sends them."""
    start = dt.datetime(2020, 1, 6, 9, 0, tzinfo=dt.UTC)
    entries = []
    for i in range(n):
        answers = [(i + k) % 3 for k in range(8)] + [0]
        entries.append(
            {
                "resource": {
                    "resourceType": "QuestionnaireResponse",
                    "identifier": {"system": "https://ehr.example.org/qr", "value": f"qr-{i}"},
                    "questionnaire": "http://loinc.org/q/44249-1",
                    "status": "completed",
                    "authored": (start + dt.timedelta(hours=i)).isoformat(),
                    "item": [
                        {
                            "linkId": f"/{code}",
                            "answer": [{"valueCoding": {"code": ANSWERS[value]}}],
                        }
                        for code, value in zip(ITEMS, answers, strict=True)
                    ],
                },
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def post(browser, personas, payload, on_commit):
    """Upload as the page does; the request's on_commit work (the enqueue) runs as it
    would after a real request's transaction."""
    with on_commit(execute=True):
        return browser.post(url(personas), {"bundle": upload(payload)})


def url(personas):
    return reverse("interop:client_fhir_import", args=[personas.dana_client.public_id])


def test_five_thousand_responses_import_in_the_background(
    personas, login_as, django_capture_on_commit_callbacks
):
    client = personas.dana_client
    before = Administration.objects.filter(client=client).count()
    payload = json.dumps(large_bundle(5000), separators=(",", ":")).encode()
    assert BACKGROUND_BYTES < len(payload) <= MAX_BUNDLE_BYTES  # about 3.6 MB
    browser = login_as(personas.alice)

    response = post(browser, personas, payload, django_capture_on_commit_callbacks)
    # The request stored the file and queued it; it saved nothing and did not wait for the
    # import (no timing here: speed is measured in bench/, and the worker runs below).
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse(
        "interop:client_fhir_import_job", args=[client.public_id, job.public_id]
    )
    assert job.status == ImportJobStatus.QUEUED
    assert Administration.objects.filter(client=client).count() == before
    # The task carries the job's id only: no file, no name, nothing about the client.
    (task,) = DBTaskResult.objects.all()
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}

    page = browser.get(response["Location"])
    assert b'http-equiv="refresh"' in page.content
    assert b"Waiting for the worker" in page.content

    _work()

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE, job.result
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert Administration.objects.filter(client=client).count() == before + 5000
    assert len(job.result["saved"]) == 5000
    assert job.result["skipped"] == []
    assert job.content == b""  # the file is not kept once imported
    assert (job.stage, job.total) == ("saving", 5000)
    page = browser.get(response["Location"])
    assert b'http-equiv="refresh"' not in page.content
    assert b"Imported: 5000 new administrations" in page.content
    assert b"Already recorded (duplicates)" in page.content
    event = AuditEvent.objects.get(action="client.import_fhir")
    assert event.detail["created"] == 5000
    stored = json.dumps([(r.args_kwargs, r.return_value) for r in DBTaskResult.objects.all()])
    for secret in ("Dana", "Quillfeather", "PHQ", "phq9", client.public_id):
        assert secret not in stored


def test_a_refused_large_bundle_lists_its_problems_and_saves_nothing(
    personas, login_as, django_capture_on_commit_callbacks
):
    client = personas.dana_client
    bundle = large_bundle(400)
    bundle["entry"][7]["resource"]["authored"] = "2020-13"
    before = Administration.objects.filter(client=client).count()
    browser = login_as(personas.alice)
    response = post(browser, personas, bundle, django_capture_on_commit_callbacks)
    _work()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.REFUSED
    assert Administration.objects.filter(client=client).count() == before
    page = browser.get(response["Location"])
    assert b"Refused: nothing was saved" in page.content
    assert b"entry 7 (QuestionnaireResponse), authored" in page.content


def test_a_large_bundle_of_someone_else_is_held_until_confirmed(
    personas, login_as, django_capture_on_commit_callbacks
):
    client = personas.dana_client
    bundle = large_bundle(300)
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Patient",
                "name": [{"family": "Someone", "given": ["Else"]}],
                "birthDate": "1950-01-01",
            }
        }
    )
    before = Administration.objects.filter(client=client).count()
    browser = login_as(personas.alice)
    response = post(browser, personas, bundle, django_capture_on_commit_callbacks)
    _work()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.MISMATCH
    assert job.content  # kept for the confirmation
    page = browser.get(response["Location"])
    assert b"This file names someone else" in page.content
    refused = browser.post(response["Location"], {"reason": "too short"})
    assert refused.status_code == 200
    assert ImportJob.objects.get().status == ImportJobStatus.MISMATCH
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = browser.post(
            response["Location"],
            {"confirm": "on", "reason": "Her records moved here; the other system has old details"},
        )
    assert confirmed.status_code == 302
    _work()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert Administration.objects.filter(client=client).count() == before + 300
    assert AuditEvent.objects.get(action="client.import_fhir").detail["patient"] == (
        "confirmed_mismatch"
    )


def test_only_the_uploader_sees_the_job(personas, login_as):
    response = login_as(personas.alice).post(url(personas), {"bundle": upload(large_bundle(300))})
    assert response.status_code == 302
    assert login_as(personas.bob).get(response["Location"]).status_code == 404
    job_url = reverse(
        "interop:client_fhir_import_job", args=[personas.dana_client.public_id, "nope"]
    )
    assert login_as(personas.alice).get(job_url).status_code == 404


def test_a_small_upload_is_imported_while_the_page_waits(personas, login_as):
    response = login_as(personas.alice).post(
        url(personas), {"bundle": upload(bundle_of(phq9_response([1] * 8 + [0])))}
    )
    assert response.status_code == 200
    assert b"Imported: 1 new administration" in response.content
    assert not ImportJob.objects.exists()


def test_nothing_saved_never_says_imported(personas, login_as):
    total = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "44261-6"}]},
        "valueInteger": 3,
    }
    response = login_as(personas.alice).post(url(personas), {"bundle": upload(bundle_of(total))})
    assert b"Nothing was saved" in response.content
    assert b"Imported" not in response.content
    assert b"Entry 0: a PHQ-9 total without its item answers" in response.content
