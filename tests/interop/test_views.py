"""The FHIR download, the import page and the practice archive, end to end."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.interop.fhir.validation import validate_resource
from milepost.interop.models import PendingImport
from milepost.interop.pending import PENDING_MINUTES
from milepost.interop.step_up import LOCKOUT, MAX_FAILURES
from milepost.interop.uploads import BundleSizeLimit
from milepost.measures.models import Administration
from tests.accounts.test_mfa import fresh_code
from tests.base import PASSWORD, dana_note, dana_plan
from tests.interop.test_import import bundle_of, phq9_response
from tests.test_access_matrix import DANA_SECRETS

pytestmark = pytest.mark.django_db


def upload(payload, name="bundle.json"):
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


class DownloadTests:
    def test_the_care_team_downloads_the_bundle(self, personas, login_as):
        for who in (personas.alice, personas.bob, personas.sam):
            response = login_as(who).get(
                reverse("interop:client_fhir", args=[personas.dana_client.public_id])
            )
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/fhir+json")
            assert response["Cache-Control"] == "private, no-store"
            disposition = response["Content-Disposition"]
            assert disposition.startswith("attachment;")
            assert personas.dana_client.public_id in disposition
            assert "Quillfeather" not in disposition
            assert "Dana" not in disposition
            bundle = json.loads(
                b"".join(response.streaming_content if response.streaming else [response.content])
            )
            validate_resource(bundle)

    @pytest.mark.parametrize(
        ("who", "status"), [("frank", 404), ("charlie", 404), ("erin", 403), ("dana", 403)]
    )
    def test_others_cannot_download(self, personas, login_as, who, status):
        response = login_as(getattr(personas, who)).get(
            reverse("interop:client_fhir", args=[personas.dana_client.public_id])
        )
        assert response.status_code == status
        assert b"Quillfeather" not in response.content
        assert not AuditEvent.objects.filter(action="client.export_fhir").exists()

    def test_the_client_page_links_to_both(self, personas, login_as):
        page = login_as(personas.alice).get(
            reverse("clients:detail", args=[personas.dana_client.public_id])
        )
        assert (
            reverse("interop:client_fhir", args=[personas.dana_client.public_id]).encode()
            in page.content
        )
        assert (
            reverse("interop:client_fhir_import", args=[personas.dana_client.public_id]).encode()
            in page.content
        )


class ImportPageTests:
    def url(self, personas):
        return reverse("interop:client_fhir_import", args=[personas.dana_client.public_id])

    def test_it_imports_and_shows_the_summary(self, personas, login_as):
        before = Administration.objects.filter(client=personas.dana_client).count()
        response = login_as(personas.alice).post(
            self.url(personas), {"bundle": upload(bundle_of(phq9_response([1] * 8 + [0])))}
        )
        assert response.status_code == 200
        assert b"New administrations" in response.content
        assert Administration.objects.filter(client=personas.dana_client).count() == before + 1

    def test_errors_are_shown_in_the_form_and_nothing_is_saved(self, personas, login_as):
        before = Administration.objects.count()
        bad = phq9_response([0, 0, 9, 0, 0, 0, 0, 0, 0])
        response = login_as(personas.alice).post(
            self.url(personas), {"bundle": upload(bundle_of(bad))}
        )
        assert response.status_code == 200
        assert b"entry 0 (QuestionnaireResponse), item[2].answer[0]" in response.content
        assert Administration.objects.count() == before

    def test_not_json_is_a_message_not_a_500(self, personas, login_as):
        response = login_as(personas.alice).post(
            self.url(personas), {"bundle": upload(b"\xff\xfe nope")}
        )
        assert response.status_code == 200
        assert b"file" in response.content
        assert b"not UTF-8" in response.content

    def test_a_file_that_is_not_json_by_name_is_refused(self, personas, login_as):
        response = login_as(personas.alice).post(
            self.url(personas), {"bundle": upload(bundle_of(), name="bundle.xml")}
        )
        assert b"Choose a .json file." in response.content

    def test_a_request_that_says_it_is_too_big_is_refused_unread(self, personas, login_as):
        before = Administration.objects.count()
        response = login_as(personas.alice).post(
            self.url(personas),
            {"bundle": upload(bundle_of(phq9_response([0] * 9)))},
            CONTENT_LENGTH=str(6 * 1024 * 1024),
        )
        assert response.status_code == 200
        assert b"The file is larger than 5 MB." in response.content
        assert b'href="#id_bundle"' in response.content or b"id_bundle" in response.content
        assert Administration.objects.count() == before
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()

    def test_a_file_past_5_mb_stops_being_read_and_is_refused(self, personas, login_as):
        before = Administration.objects.count()
        payload = json.dumps(bundle_of(phq9_response([0] * 9))).encode()
        padded = payload[:-1] + b" " * (5 * 1024 * 1024) + b"}"
        response = login_as(personas.alice).post(self.url(personas), {"bundle": upload(padded)})
        assert response.status_code == 200
        assert b"The file is larger than 5 MB." in response.content
        assert Administration.objects.count() == before

    def test_the_upload_handler_stops_the_request_at_the_limit(self, rf):
        from django.core.files.uploadhandler import MemoryFileUploadHandler
        from django.http.multipartparser import MultiPartParser
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        body = encode_multipart(BOUNDARY, {"note": "kept", "bundle": upload(b"x" * 5000)})
        meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
        limit = BundleSizeLimit(limit=1000)
        parser = MultiPartParser(
            meta, io.BytesIO(body), [limit, MemoryFileUploadHandler()], "utf-8"
        )
        post, files = parser.parse()
        assert limit.exceeded
        assert "bundle" not in files
        assert post["note"] == "kept"

    def test_the_import_still_checks_the_csrf_token(self, personas):
        from django.test import Client as HttpClient

        http = HttpClient(enforce_csrf_checks=True)
        http.force_login(personas.alice)
        response = http.post(
            self.url(personas), {"bundle": upload(bundle_of(phq9_response([0] * 9)))}
        )
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()

    def test_the_summary_names_the_bundles_patient(self, personas, login_as):
        bundle = bundle_of(
            {
                "resourceType": "Patient",
                "id": "p1",
                "name": [{"family": "Quillfeather", "given": ["Dana"]}],
                "birthDate": "1990-04-01",
            },
            {**phq9_response([0] * 9), "subject": {"reference": "Patient/p1"}},
        )
        response = login_as(personas.alice).post(self.url(personas), {"bundle": upload(bundle)})
        assert b"Whose data:" in response.content
        assert b"<strong>Dana Quillfeather</strong>" in response.content
        assert b"<strong>1990-04-01</strong>" in response.content

    def test_outsiders_cannot_import(self, personas, login_as):
        for who, status in ((personas.frank, 404), (personas.charlie, 404), (personas.erin, 403)):
            response = login_as(who).post(
                self.url(personas), {"bundle": upload(bundle_of(phq9_response([0] * 9)))}
            )
            assert response.status_code == status
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()


def read_zip(response):
    data = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(data))


class ArchiveViewTests:
    url = staticmethod(lambda: reverse("portability:archive"))
    clinical = staticmethod(lambda: reverse("portability:clinical_archive"))

    def test_only_the_practice_admin_downloads_an_archive(self, personas, login_as):
        for who in (personas.alice, personas.sam, personas.charlie, personas.dana):
            for url in (self.url(), self.clinical()):
                response = login_as(who).post(url, {"password": PASSWORD})
                assert response.status_code == 403
        response = login_as(personas.erin).post(self.url(), {"password": PASSWORD})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Cache-Control"] == "private, no-store"
        assert personas.org.public_id in response["Content-Disposition"]
        assert "milepost-practice-" in response["Content-Disposition"]
        names = read_zip(response).namelist()
        assert "staff.csv" in names
        assert not [n for n in names if n.startswith("clients/")]
        event = AuditEvent.objects.get(action="organization.export")
        assert event.actor == personas.erin
        assert event.detail["kind"] == "non_clinical"
        assert event.detail["client_count"] == 1
        assert "clients" not in event.detail

    def test_the_archive_needs_the_admins_password(self, personas, login_as):
        http = login_as(personas.erin)
        assert http.get(self.url()).status_code == 200
        response = http.post(self.url(), {"password": "not it"})
        assert response.status_code == 200
        assert b"That is not your password." in response.content
        assert b"Quillfeather" not in response.content
        assert not AuditEvent.objects.filter(action="organization.export").exists()

    def test_an_admin_without_the_grant_gets_no_clinical_text(self, record, login_as):
        """README: the practice admin never sees a clinical record. The archive Erin may
        download holds none of Dana's record, her notes, goals or formulation."""
        p = record.p
        note = dana_note(p)
        http = login_as(p.erin)
        page = http.get(self.url()).content
        archive = read_zip(http.post(self.url(), {"password": PASSWORD}))
        everything = b"".join(archive.read(name) for name in archive.namelist())
        for secret in (
            *DANA_SECRETS,
            note.narrative.encode(),
            dana_plan(p).goal.statement.encode(),
            p.dana_client.public_id.encode(),
        ):
            assert secret not in everything
            assert secret not in page
        assert not AuditEvent.objects.filter(action="client.export_archive").exists()


def custodian_session(p):
    """Erin as a records custodian, in a session verified with her authenticator.

    The session is marked verified as django-otp's own login does, so that no code is used
    up before the step-up's (a code is good once, and the device accepts one step ahead).
    """
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY

    from milepost.accounts.custodian import custodian_grant
    from tests.accounts.test_mfa import enrol

    custodian_grant(actor=None, user=p.erin)
    device, _ = enrol(p.erin)
    http = HttpClient()
    http.force_login(p.erin)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http, device


class ClinicalArchiveTests:
    """The clinical archive: a records custodian, with two-factor, after step-up
    (decision 0606); anyone else is refused with the reason, never a 500."""

    url = staticmethod(lambda: reverse("portability:clinical_archive"))
    page = staticmethod(lambda: reverse("portability:archive"))

    def test_an_admin_without_the_grant_is_refused(self, personas, login_as):
        http = login_as(personas.erin)
        page = http.get(self.page()).content.decode()
        assert "Only a records custodian may export the clinical archive" in page
        assert f'action="{self.url()}"' not in page  # no form to post
        response = http.post(self.url(), {"password": PASSWORD})
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")
        assert "Only a records custodian may export the clinical archive" in (
            response.content.decode()
        )
        assert not AuditEvent.objects.filter(action="organization.export").exists()
        refused = AuditEvent.objects.get(action="organization.export_refused")
        assert refused.actor == personas.erin
        assert refused.detail == {"reason": "not_custodian", "kind": "clinical"}

    def test_two_factor_does_not_stand_in_for_the_grant(self, personas):
        from tests.accounts.test_mfa import enrol, fresh_code, verified

        device, _ = enrol(personas.erin)
        http = verified(personas.erin)
        response = http.post(self.url(), {"password": PASSWORD, "otp_code": fresh_code(device)})
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="organization.export").exists()

    def test_a_custodian_without_two_factor_is_told_to_set_it_up(self, personas, login_as):
        from milepost.accounts.custodian import custodian_grant

        custodian_grant(actor=None, user=personas.erin)
        http = login_as(personas.erin)
        page = http.get(self.page()).content.decode()
        assert "The clinical archive needs two-factor sign-in" in page
        assert reverse("accounts:mfa_setup") in page
        response = http.post(self.url(), {"password": PASSWORD})
        assert response.status_code == 403
        assert "set up an authenticator app first" in response.content.decode()
        assert not AuditEvent.objects.filter(action="organization.export").exists()
        refused = AuditEvent.objects.get(action="organization.export_refused")
        assert refused.detail["reason"] == "no_authenticator"

    def test_a_custodian_with_two_factor_and_step_up_gets_it(self, record):
        p = record.p
        note = dana_note(p)
        http, device = custodian_session(p)
        page = http.get(self.page()).content.decode()
        assert f'action="{self.url()}"' in page
        assert "Erin Example</strong> (granted by the system" in page
        # The password alone is not enough: a fresh code too.
        response = http.post(self.url(), {"password": PASSWORD})
        assert response.status_code == 200
        assert "Code from your authenticator app: This field is required." in (
            response.content.decode()
        )
        assert not AuditEvent.objects.filter(action="organization.export").exists()
        response = http.post(self.url(), {"password": PASSWORD, "otp_code": fresh_code(device)})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Cache-Control"] == "private, no-store"
        archive = read_zip(response)
        folder = f"clients/{p.dana_client.public_id}"
        assert f"{folder}/fhir.json" in archive.namelist()
        notes = json.loads(archive.read(f"{folder}/session-notes.json"))
        assert note.narrative in [n["narrative"] for n in notes]
        # Who exported what: the kind, the number of clients, and one disclosure per client.
        event = AuditEvent.objects.get(action="organization.export")
        assert event.actor == p.erin
        assert event.detail["kind"] == "clinical"
        assert event.detail["client_count"] == 1
        assert event.detail["clients"] == [p.dana_client.public_id]
        disclosure = AuditEvent.objects.get(action="client.export_archive")
        assert (disclosure.actor, disclosure.client) == (p.erin, p.dana_client)
        assert disclosure.detail["kind"] == "clinical"

    def test_a_wrong_password_counts_toward_the_shared_lockout(self, personas):
        http, device = custodian_session(personas)
        response = http.post(self.url(), {"password": "not it", "otp_code": "000000"})
        assert response.status_code == 200
        assert b"That is not your password." in response.content
        event = AuditEvent.objects.get(action="organization.export_refused")
        assert event.detail == {"reason": "wrong_password", "failures": 1, "kind": "clinical"}
        # The two archives share one count: guessing at the other one does not start anew.
        for _ in range(MAX_FAILURES - 1):
            http.post(self.page(), {"password": "not it", "otp_code": "000000"})
        response = http.post(self.url(), {"password": PASSWORD, "otp_code": fresh_code(device)})
        assert response.status_code == 200
        assert b"the archive is locked for this session" in response.content
        assert not AuditEvent.objects.filter(action="organization.export").exists()

    def test_a_session_that_gave_no_code_is_refused_by_the_view_too(self, personas, rf):
        """The middleware sends such a session to enter its code first; the view does not
        rely on it."""
        from django.contrib.sessions.backends.db import SessionStore

        from milepost.accounts.custodian import custodian_grant
        from milepost.interop import views
        from tests.accounts.test_mfa import enrol

        custodian_grant(actor=None, user=personas.erin)
        enrol(personas.erin)
        request = rf.post(self.url(), {"password": PASSWORD})
        request.user = personas.erin
        request.user.is_verified = lambda: False
        request.session = SessionStore()
        request._dont_enforce_csrf_checks = True
        response = views.clinical_archive(request)
        assert response.status_code == 403
        assert b"this session has given the password only" in getattr(response, "content", b"")
        refused = AuditEvent.objects.get(action="organization.export_refused")
        assert refused.detail["reason"] == "session_not_verified"

    def test_a_revoked_custodian_is_refused(self, personas):
        from milepost.accounts.custodian import custodian_revoke

        http, device = custodian_session(personas)
        custodian_revoke(actor=personas.erin, user=personas.erin)
        response = http.post(self.url(), {"password": PASSWORD, "otp_code": fresh_code(device)})
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="organization.export").exists()


class ArchiveThrottleTests:
    url = staticmethod(lambda: reverse("portability:archive"))

    def test_each_wrong_password_is_audited(self, personas, login_as):
        http = login_as(personas.erin)
        http.post(self.url(), {"password": "not it"})
        event = AuditEvent.objects.get(action="organization.export_refused")
        assert event.actor == personas.erin
        assert event.organization == personas.org
        assert event.detail == {"reason": "wrong_password", "failures": 1, "kind": "non_clinical"}

    def test_five_wrong_passwords_lock_the_archive_for_15_minutes(self, personas, login_as):
        http = login_as(personas.erin)
        for _ in range(MAX_FAILURES):
            response = http.post(self.url(), {"password": "not it"})
            assert response.status_code == 200
        assert b"locked for this session" in response.content
        # The right password, now: refused all the same, and audited.
        response = http.post(self.url(), {"password": PASSWORD})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert b"5 wrong passwords: the archive is locked for this session." in response.content
        assert b"Try again in 15 minutes." in response.content
        assert not AuditEvent.objects.filter(action="organization.export").exists()
        refused = AuditEvent.objects.filter(action="organization.export_refused")
        assert [e.detail["reason"] for e in refused.order_by("id")] == [
            *["wrong_password"] * MAX_FAILURES,
            "locked",
        ]
        later = timezone.now() + LOCKOUT + dt.timedelta(seconds=1)
        with mock.patch("milepost.interop.step_up._now", return_value=later):
            response = http.post(self.url(), {"password": PASSWORD})
        assert response["Content-Type"] == "application/zip"

    def test_a_blank_password_is_not_a_failure(self, personas, login_as):
        http = login_as(personas.erin)
        for _ in range(MAX_FAILURES + 1):
            http.post(self.url(), {"password": ""})
        assert not AuditEvent.objects.filter(action="organization.export_refused").exists()
        response = http.post(self.url(), {"password": PASSWORD})
        assert response["Content-Type"] == "application/zip"


class HostileInputTests:
    """The shared hostile-input test covers these routes too; this is its quick loop."""

    def test_no_interop_route_fails_on_hostile_input(self, personas, login_as):
        from tests.test_access_matrix import _url, project_routes
        from tests.test_hostile_input import FIELDS, HOSTILE, WHO

        routes = [r for r in project_routes() if r.namespace in ("interop", "portability")]
        assert len(routes) == 5
        for route in routes:
            url = _url(route, personas)
            for name in WHO:
                http = login_as(getattr(personas, name))
                for value in HOSTILE[::2]:
                    data = dict.fromkeys((*FIELDS, "bundle"), value)
                    for response in (http.get(url, data), http.post(url, data)):
                        assert response.status_code < 500, f"{name} {route.name}"
                        if not response.streaming:
                            assert b"<script>alert(1)</script>" not in response.content


def other_patient_bundle(born="1971-01-01"):
    """A Bundle naming someone other than Dana Quillfeather (born 1990-04-01)."""
    return bundle_of(
        {
            "resourceType": "Patient",
            "id": "p1",
            "name": [{"family": "Quillfeather", "given": ["Dana"]}],
            "birthDate": born,
        },
        {**phq9_response([2, 1, 1, 1, 1, 1, 1, 1, 0]), "subject": {"reference": "Patient/p1"}},
    )


REASON = "The other clinic recorded her birth date wrongly; confirmed with her today"


class ImportMismatchTests:
    """Another patient's Bundle: nothing saved, the differences shown, an explicit
    confirmation with a reason imports the file kept from the upload (decision 0521)."""

    def url(self, personas):
        return reverse("interop:client_fhir_import", args=[personas.dana_client.public_id])

    def count(self, personas):
        return Administration.objects.filter(client=personas.dana_client).count()

    def upload_mismatch(self, personas, http):
        response = http.post(self.url(personas), {"bundle": upload(other_patient_bundle())})
        assert response.status_code == 200
        return response, response.context["confirm_form"].initial["pending"]

    def test_another_birth_date_is_shown_and_nothing_is_saved(self, personas, login_as):
        before = self.count(personas)
        response, token = self.upload_mismatch(personas, login_as(personas.alice))
        content = response.content.decode()
        assert "nothing was imported" in content
        assert "Birth date: the file says 1971-01-01; this client&#x27;s is 1990-04-01" in content
        assert "Import into this client anyway" in content
        assert f'value="{token}"' in content
        assert self.count(personas) == before
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()
        refused = AuditEvent.objects.get(action="client.import_fhir_refused")
        assert refused.detail["fields"] == ["birth_date"]
        assert PendingImport.objects.filter(user=personas.alice).count() == 1
        assert token not in PendingImport.objects.get().token_hash

    def test_the_confirmation_imports_the_kept_file_and_audits_it(self, personas, login_as):
        http = login_as(personas.alice)
        before = self.count(personas)
        _, token = self.upload_mismatch(personas, http)
        response = http.post(
            self.url(personas), {"pending": token, "confirm": "on", "reason": REASON}
        )
        assert response.status_code == 200
        assert b"New administrations" in response.content
        assert b"Imported although the file" in response.content
        assert self.count(personas) == before + 1
        newest = Administration.objects.filter(client=personas.dana_client).latest("id")
        assert newest.answers == [2, 1, 1, 1, 1, 1, 1, 1, 0]
        event = AuditEvent.objects.get(action="client.import_fhir")
        assert event.detail["mismatch_fields"] == ["birth_date"]
        assert event.detail["mismatch_reason"] == REASON
        assert not PendingImport.objects.exists()
        # Used once: the same token again finds nothing.
        again = http.post(self.url(personas), {"pending": token, "confirm": "on", "reason": REASON})
        assert b"is no longer kept" in again.content
        assert self.count(personas) == before + 1

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"confirm": "on", "reason": ""},
                b"Why this file belongs to this client: This field is required.",
            ),
            (
                {"confirm": "on", "reason": "ok"},
                b"Why this file belongs to this client: Say why in a sentence",
            ),
            ({"reason": REASON}, b"Import into this client anyway: Tick this box"),
        ],
        ids=["no reason", "a word for a reason", "no tick"],
    )
    def test_a_confirmation_without_tick_or_reason_is_refused_by_name(
        self, personas, login_as, data, message
    ):
        http = login_as(personas.alice)
        before = self.count(personas)
        _, token = self.upload_mismatch(personas, http)
        response = http.post(self.url(personas), {"pending": token, **data})
        assert response.status_code == 200
        assert message in response.content
        # Asked again, with the differences and what was typed; the file is still kept.
        assert b"Birth date: the file says 1971-01-01" in response.content
        assert response.context["confirm_form"]["reason"].value() == data["reason"]
        assert self.count(personas) == before
        assert PendingImport.objects.count() == 1
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()

    @pytest.mark.parametrize(
        "token",
        ["", "tampered", "x" * 500, "<script>alert(1)</script>"],
    )
    def test_a_tampered_token_names_the_file_field(self, personas, login_as, token):
        http = login_as(personas.alice)
        before = self.count(personas)
        self.upload_mismatch(personas, http)
        response = http.post(
            self.url(personas), {"pending": token, "confirm": "on", "reason": REASON}
        )
        assert response.status_code == 200
        assert b"FHIR Bundle (.json): The file you chose before is no longer kept" in (
            response.content
        )
        assert b"<script>alert(1)</script>" not in response.content
        assert self.count(personas) == before

    def test_another_user_cannot_use_the_kept_file(self, personas, login_as):
        _, token = self.upload_mismatch(personas, login_as(personas.alice))
        before = self.count(personas)
        # Bob is on Dana's care team too, and has the token (say, read over a shoulder).
        response = login_as(personas.bob).post(
            self.url(personas), {"pending": token, "confirm": "on", "reason": REASON}
        )
        assert b"is no longer kept" in response.content
        assert b"Birth date: the file says" not in response.content
        assert self.count(personas) == before
        assert PendingImport.objects.count() == 1

    def test_the_kept_file_expires(self, personas, login_as):
        http = login_as(personas.alice)
        _, token = self.upload_mismatch(personas, http)
        later = timezone.now() + dt.timedelta(minutes=PENDING_MINUTES, seconds=1)
        with mock.patch("milepost.interop.pending.timezone.now", return_value=later):
            response = http.post(
                self.url(personas), {"pending": token, "confirm": "on", "reason": REASON}
            )
        assert b"is no longer kept" in response.content

    def test_a_new_upload_replaces_the_kept_file(self, personas, login_as):
        http = login_as(personas.alice)
        _, first = self.upload_mismatch(personas, http)
        _, second = self.upload_mismatch(personas, http)
        assert PendingImport.objects.count() == 1
        stale = http.post(self.url(personas), {"pending": first, "confirm": "on", "reason": REASON})
        assert b"is no longer kept" in stale.content
        fresh = http.post(
            self.url(personas), {"pending": second, "confirm": "on", "reason": REASON}
        )
        assert b"New administrations" in fresh.content

    def test_the_token_is_never_in_a_url(self, personas, login_as):
        response, token = self.upload_mismatch(personas, login_as(personas.alice))
        assert f"?pending={token}".encode() not in response.content
        assert b'<form method="post" class="mp-form" novalidate>' in response.content
