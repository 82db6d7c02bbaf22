"""The practice archive: every client's bundle, the CSVs and the PDFs, with a manifest that
matches; never a record of another organization."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from milepost.accounts import custodian
from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.interop.access import organization_records_for_admin, practice_summary_for_admin
from milepost.interop.fhir.validation import validate_resource
from milepost.interop.portability import archive_write, practice_archive_write
from milepost.measures import services as measures
from milepost.measures.models import Administration
from milepost.notes import services as notes
from milepost.plans import versions
from milepost.plans.models import Observation, TreatmentPlan
from tests.interop.conftest import make_custodian

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def erin_is_a_custodian(request):
    """The clinical archive is read by a records custodian: Erin is one here (the tests of
    who may be one are in tests/accounts/test_custodian.py and tests/interop/test_views.py)."""
    if "personas" in request.fixturenames:
        make_custodian(request.getfixturevalue("personas"))


def fake_pdf(plan, user):
    return f"%PDF plan {plan.public_id} v{plan.version}".encode()


def fake_progress(plan, user):
    return f"%PDF progress {plan.public_id} v{plan.version}".encode()


def write(records, **kwargs):
    if "render_pdf" in kwargs:
        kwargs.setdefault("render_progress_pdf", fake_progress)
    out = io.BytesIO()
    manifest = archive_write(records, out, **kwargs)
    out.seek(0)
    return manifest, zipfile.ZipFile(out)


def rows(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


@pytest.fixture
def two_orgs(record):
    """Dana's full record in Riverbend, a second Riverbend client, and Chris (Elsewhere
    Clinic) with a questionnaire of his own."""
    p = record.p
    second = clients.client_create(
        actor=p.alice,
        given_name="Eli",
        family_name="Second",
        date_of_birth=p.dana_client.date_of_birth,
    )
    measures.administration_submit(
        actor=p.charlie, client=p.chris_client, instrument_code="gad7", answers=[1] * 7
    )
    return record, second


class ArchiveTests:
    def test_it_holds_every_clients_bundle_the_csvs_and_the_pdfs(self, two_orgs):
        record, second = two_orgs
        p = record.p
        records = organization_records_for_admin(p.erin)
        manifest, archive = write(records, user=p.erin, render_pdf=fake_pdf)
        names = set(archive.namelist())
        for client in (p.dana_client, second):
            bundle = json.loads(archive.read(f"clients/{client.public_id}/fhir.json"))
            validate_resource(bundle)
            patient = bundle["entry"][0]["resource"]
            assert patient["id"] == client.public_id
        for plan in TreatmentPlan.objects.filter(client=p.dana_client):
            assert archive.read(f"clients/{p.dana_client.public_id}/plan-v{plan.version}.pdf") == (
                fake_pdf(plan, None)
            )
        assert {
            "README.md",
            "manifest.json",
            "scores.csv",
            "observations.csv",
            "clients.csv",
        } <= names
        scores = rows(archive, "scores.csv")
        dana = Administration.objects.filter(client=p.dana_client).order_by("administered_at", "id")
        assert [r["administration_id"] for r in scores] == [a.public_id for a in dana]
        first = scores[0]
        a = dana[0]
        assert (first["instrument"], first["total"], first["band_code"]) == (
            a.instrument_code,
            str(a.total),
            a.band_code,
        )
        assert [first[f"item_{n}"] for n in range(1, 10)] == [str(v) for v in a.answers]
        assert first["item_10"] == ""
        observations = rows(archive, "observations.csv")
        assert len(observations) == Observation.objects.filter(client=p.dana_client).count() == 4
        assert manifest["counts"]["clients"] == 2
        assert manifest["counts"]["plan_pdfs"] == 2

    def test_the_manifest_matches_every_file(self, two_orgs):
        record, _ = two_orgs
        records = organization_records_for_admin(record.p.erin)
        manifest, archive = write(records, user=record.p.erin, render_pdf=fake_pdf)
        assert json.loads(archive.read("manifest.json")) == manifest
        listed = {f["path"]: f for f in manifest["files"]}
        assert set(listed) == set(archive.namelist()) - {"manifest.json"}
        for path, entry in listed.items():
            data = archive.read(path)
            assert entry["bytes"] == len(data)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        counts = manifest["counts"]
        assert (
            counts["administrations"]
            == Administration.objects.filter(organization=record.p.org).count()
        )

    def test_no_name_appears_in_a_file_name(self, two_orgs):
        record, _second = two_orgs
        records = organization_records_for_admin(record.p.erin)
        _, archive = write(records, user=record.p.erin, render_pdf=fake_pdf)
        for name in archive.namelist():
            for word in ("Dana", "Quillfeather", "Eli", "Second", "Riverbend"):
                assert word.lower() not in name.lower()

    def test_the_archive_of_one_organisation_never_holds_the_other(self, two_orgs):
        record, _ = two_orgs
        p = record.p
        records = organization_records_for_admin(p.erin)
        _, archive = write(records, user=p.erin, render_pdf=fake_pdf)
        everything = b"".join(archive.read(n) for n in archive.namelist())
        assert p.chris_client.public_id.encode() not in everything
        assert b"Farshore" not in everything
        chris_scores = Administration.objects.filter(client=p.chris_client)
        assert chris_scores.exists()
        for a in chris_scores:
            assert a.public_id.encode() not in everything

    def test_reading_the_organisation_is_an_audited_export_by_an_admin_only(self, two_orgs):
        record, second = two_orgs
        p = record.p
        from django.core.exceptions import PermissionDenied

        for who in (p.alice, p.sam, p.dana):
            with pytest.raises(PermissionDenied):
                organization_records_for_admin(who)
        last = AuditEvent.objects.order_by("-id").first()
        assert last is not None
        organization_records_for_admin(p.erin)
        events = list(AuditEvent.objects.filter(id__gt=last.id).order_by("id"))
        assert {e.actor for e in events} == {p.erin}
        (export,) = [e for e in events if e.action == "organization.export"]
        assert export.client is None
        assert set(export.detail["clients"]) == {p.dana_client.public_id, second.public_id}
        assert (export.detail["kind"], export.detail["client_count"]) == ("clinical", 2)
        # One event per client, so that each client's own access history shows the read.
        per_client = [e for e in events if e.action == "client.export_archive"]
        assert [e.client for e in per_client] == [p.dana_client, second]
        assert per_client[0].detail["plans"] == [record.v1.public_id, record.v2.public_id]
        assert {e.detail["kind"] for e in per_client} == {"clinical"}
        # The notes and the formulation are read through their apps' access functions.
        assert {"session_note.list", "formulation.view"} <= {e.action for e in events}
        assert {e.client for e in events if e.action != "organization.export"} == {
            p.dana_client,
            second,
        }

    def test_the_archive_shows_in_the_clients_own_access_history(self, two_orgs):
        from milepost.reports.audit_trail import AuditFilters, audit_events_for_admin

        record, _ = two_orgs
        p = record.p
        organization_records_for_admin(p.erin)
        history = audit_events_for_admin(p.erin, AuditFilters(client_id=p.dana_client.public_id))
        assert history.filter(action="client.export_archive", actor=p.erin).count() == 1

    def test_rows_are_grouped_by_their_clients_organisation(self, two_orgs):
        """An administration, observation or alert whose own organization is not its
        client's is read with its client, never a KeyError."""
        record, _ = two_orgs
        p = record.p
        chris = Administration.objects.filter(client=p.chris_client)
        chris.update(organization=p.org)
        Observation.objects.filter(client=p.dana_client).update(organization=p.other_org)
        records = organization_records_for_admin(p.erin)
        dana = next(r for r in records.clients if r.client == p.dana_client)
        assert len(dana.observations) == 4
        everything = [a.public_id for r in records.clients for a in r.administrations]
        assert not set(everything) & {a.public_id for a in chris}

    def test_the_real_plan_pdf_is_rendered(self, record):
        records = organization_records_for_admin(record.p.erin)
        _, archive = write(records, user=record.p.erin)
        pdf = archive.read(f"clients/{record.p.dana_client.public_id}/plan-v1.pdf")
        assert pdf.startswith(b"%PDF")
        progress = archive.read(f"clients/{record.p.dana_client.public_id}/plan-v2-progress.pdf")
        assert progress.startswith(b"%PDF")


@pytest.fixture
def full_record(record):
    """Dana's record with a session note, a review and her formulation (tests/base.py
    gives her a maintaining factor and a PHQ-9 with an open risk alert)."""
    p = record.p
    objective = record.v2.goals.get().objectives.first()
    note = notes.note_create(
        actor=p.alice,
        client=p.dana_client,
        held_on=timezone.localdate(),
        started_at=dt.time(10, 0),
        ended_at=dt.time(10, 50),
        type="individual",
        setting="in_person",
        narrative="Planned three walks with her sister; slept better twice.",
        objectives=[(objective, "progressing", "Two of five activities done")],
    )
    goal = record.v2.goals.get()
    review = versions.review_record(
        actor=p.alice,
        plan=record.v2,
        held_on=timezone.localdate(),
        participants="Dana and Alice",
        summary="Mood lifting; keep the plan.",
        decisions={goal.public_id: ("continue", "On track for week 16")},
    )
    return record, note, review


class ArchiveContentTests:
    """Leaving Milepost never loses data: what the FHIR Bundle cannot carry is in the
    archive too."""

    def test_notes_reviews_formulation_and_alerts_are_in_the_archive(self, full_record):
        record, note, review = full_record
        p = record.p
        records = organization_records_for_admin(p.erin)
        manifest, archive = write(records, user=p.erin, render_pdf=fake_pdf)
        folder = f"clients/{p.dana_client.public_id}"

        (saved,) = json.loads(archive.read(f"{folder}/session-notes.json"))
        assert saved["note_id"] == note.public_id
        assert saved["narrative"] == "Planned three walks with her sister; slept better twice."
        assert saved["objectives"][0]["comment"] == "Two of five activities done"
        assert saved["minutes"] == 50

        (reviewed,) = json.loads(archive.read(f"{folder}/reviews.json"))
        assert reviewed["review_id"] == review.public_id
        assert reviewed["summary"] == "Mood lifting; keep the plan."
        assert reviewed["plan_version"] == 2
        assert reviewed["goals"][0]["decision"] == "continue"
        assert reviewed["goals"][0]["note"] == "On track for week 16"
        assert len(reviewed["objectives"]) == 2

        formulation = json.loads(archive.read(f"{folder}/formulation.json"))
        assert [f["text"] for f in formulation["factors"]] == [
            "Stays in bed when low, so fewer rewarding activities"
        ]
        assert formulation["factors"][0]["kind"] == "perpetuating"

        (alert,) = json.loads(archive.read(f"{folder}/risk-alerts.json"))
        assert alert["alert_id"] == p.dana_alert.public_id
        assert alert["administration_id"] == p.dana_phq9.public_id
        assert alert["acknowledged_at"] == ""

        for plan in (record.v1, record.v2):
            assert archive.read(f"{folder}/plan-v{plan.version}-progress.pdf") == (
                fake_progress(plan, None)
            )
        counts = manifest["counts"]
        assert (counts["session_notes"], counts["reviews"], counts["risk_alerts"]) == (1, 1, 1)
        assert (counts["formulations"], counts["progress_pdfs"]) == (1, 2)
        dana = next(
            r for r in rows(archive, "clients.csv") if r["client_id"] == p.dana_client.public_id
        )
        assert (dana["session_notes"], dana["reviews"], dana["formulation"]) == ("1", "1", "yes")

    def test_what_the_client_wrote_in_the_portal_is_in_the_archive(self, personas):
        from milepost.portal import services as portal
        from tests.portal_fixtures import dana_journal_entry, dana_log_entry, dana_proposal

        proposal = dana_proposal(personas)
        entry = dana_log_entry(personas)
        shared = dana_journal_entry(personas)
        portal.journal_entry_share(actor=personas.dana, entry=shared, shared=True)
        portal.journal_entry_add(
            actor=personas.dana, client=personas.dana_client, text="Only for me: a hard night."
        )
        records = organization_records_for_admin(personas.erin)
        _, archive = write(records, user=personas.erin, render_pdf=fake_pdf)
        saved = json.loads(archive.read(f"clients/{personas.dana_client.public_id}/portal.json"))
        assert [p["text"] for p in saved["goal_proposals"]] == [proposal.text]
        assert [e["id"] for e in saved["log_entries"]] == [entry.public_id]
        assert [j["text"] for j in saved["shared_journal_entries"]] == [shared.text]
        assert b"Only for me" not in b"".join(archive.read(n) for n in archive.namelist())

    def test_a_client_with_none_of_them_has_empty_files(self, two_orgs):
        record, second = two_orgs
        records = organization_records_for_admin(record.p.erin)
        _, archive = write(records, user=record.p.erin, render_pdf=fake_pdf)
        folder = f"clients/{second.public_id}"
        assert json.loads(archive.read(f"{folder}/session-notes.json")) == []
        assert json.loads(archive.read(f"{folder}/reviews.json")) == []
        assert json.loads(archive.read(f"{folder}/risk-alerts.json")) == []
        assert json.loads(archive.read(f"{folder}/formulation.json")) is None

    def test_the_readme_names_every_kind_of_file(self, two_orgs):
        record, _ = two_orgs
        records = organization_records_for_admin(record.p.erin)
        _, archive = write(records, user=record.p.erin, render_pdf=fake_pdf)
        readme = archive.read("README.md").decode()
        kinds = {n.rsplit("/", 1)[-1] for n in archive.namelist()}
        kinds = {re.sub(r"plan-v\d+", "plan-v<n>", k) for k in kinds} - {"README.md"}
        for kind in kinds:
            assert kind in readme, kind


class CustodianOnlyTests:
    """The clinical records are read for a records custodian with an authenticator only
    (decision 0606); the view checks the session's second factor on top."""

    def test_an_admin_without_the_grant_reads_no_clinical_record(self, record):
        from django.core.exceptions import PermissionDenied

        p = record.p
        custodian.custodian_revoke(actor=p.erin, user=p.erin)
        with pytest.raises(PermissionDenied):
            organization_records_for_admin(p.erin)
        assert not AuditEvent.objects.filter(action="organization.export").exists()
        assert not AuditEvent.objects.filter(action="client.export_archive").exists()

    def test_a_custodian_without_an_authenticator_reads_none_either(self, record):
        from django.core.exceptions import PermissionDenied
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=record.p.erin).delete()
        with pytest.raises(PermissionDenied):
            organization_records_for_admin(record.p.erin)


def practice_zip(summary):
    out = io.BytesIO()
    manifest = practice_archive_write(summary, out)
    out.seek(0)
    return manifest, zipfile.ZipFile(out)


class PracticeArchiveTests:
    """The archive any practice admin may export: the practice's configuration and counts,
    with no client's name, id or clinical text."""

    def test_it_holds_the_settings_the_staff_and_the_counts(self, two_orgs):
        record, _ = two_orgs
        p = record.p
        custodian.custodian_revoke(actor=p.erin, user=p.erin)  # no grant needed
        manifest, archive = practice_zip(practice_summary_for_admin(p.erin))
        assert sorted(archive.namelist()) == [
            "README.md",
            "manifest.json",
            "practice.json",
            "staff.csv",
            "supervisions.csv",
        ]
        assert manifest["format"] == "milepost-practice-archive"
        assert manifest["clinical"] is False
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
        practice = json.loads(archive.read("practice.json"))
        assert practice["organization_id"] == p.org.public_id
        assert practice["settings"]["mfa_required"] is False
        counts = practice["counts"]
        assert (counts["clients"], counts["clients_active"], counts["plan_versions"]) == (2, 2, 2)
        assert counts["client_portal_accounts"] == 1
        staff = {r["email"]: r for r in rows(archive, "staff.csv")}
        # Staff of this practice only: never a client's portal account, nor another practice.
        assert set(staff) == {f"{n}@example.org" for n in ("alice", "bob", "sam", "erin", "frank")}
        assert staff["erin@example.org"]["records_custodian"] == "no"
        assert staff["erin@example.org"]["two_factor"] == "yes"
        supervised = {(r["supervisor"], r["clinician"]) for r in rows(archive, "supervisions.csv")}
        assert supervised == {("Sam Example", "Alice Example"), ("Sam Example", "Bob Example")}

    def test_it_holds_no_clinical_text_and_names_no_client(self, full_record):
        record, note, review = full_record
        p = record.p
        custodian.custodian_revoke(actor=p.erin, user=p.erin)
        goal = record.v2.goals.get()
        secrets = [
            p.dana_client.public_id,
            p.chris_client.public_id,
            "Quillfeather",
            "Dana",
            "Farshore",
            "dana@example.org",
            "Low mood since spring",
            goal.statement,
            "I want to feel like myself again",
            "Stays in bed when low",
            note.narrative,
            review.summary,
            record.v2.public_id,
            p.dana_phq9.public_id,
        ]
        # Not in the clinical archive either: another practice's client, Dana's portal
        # login, and the referral reason (the archive does not carry it).
        elsewhere = {
            p.chris_client.public_id,
            "Farshore",
            "dana@example.org",
            "Low mood since spring",
        }
        _, practice = practice_zip(practice_summary_for_admin(p.erin))
        everything = b"".join(practice.read(n) for n in practice.namelist()).decode()
        for secret in secrets:
            assert secret not in everything, secret
        # The same search finds every one of them in the clinical archive (it can fail).
        custodian.custodian_grant(actor=None, user=p.erin)
        _, clinical = write(organization_records_for_admin(p.erin), user=p.erin, pdfs=False)
        clinical_text = b"".join(clinical.read(n) for n in clinical.namelist()).decode()
        for secret in secrets:
            if secret not in elsewhere:
                assert secret in clinical_text, secret

    def test_it_is_one_audited_export_and_no_clients_disclosure(self, two_orgs):
        record, _ = two_orgs
        p = record.p
        last = AuditEvent.objects.order_by("-id").first()
        assert last is not None
        practice_summary_for_admin(p.erin)
        events = list(AuditEvent.objects.filter(id__gt=last.id))
        assert [e.action for e in events] == ["organization.export"]
        assert events[0].actor == p.erin
        assert events[0].client is None
        assert events[0].detail == {
            "via": "web",
            "kind": "non_clinical",
            "client_count": 2,
            "staff": 5,
        }

    def test_only_a_practice_admin_exports_it(self, personas):
        from django.core.exceptions import PermissionDenied

        for who in (personas.alice, personas.sam, personas.dana, personas.charlie):
            with pytest.raises(PermissionDenied):
                practice_summary_for_admin(who)


class CommandTests:
    def test_it_writes_the_archive_of_the_named_organisation(self, two_orgs, tmp_path):
        record, _ = two_orgs
        out = tmp_path / "archive.zip"
        call_command(
            "export_archive", organization=record.p.org.public_id, output=str(out), no_pdfs=True
        )
        archive = zipfile.ZipFile(out)
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["organization"] == record.p.org.public_id
        assert manifest["counts"]["plan_pdfs"] == 0
        event = AuditEvent.objects.get(action="organization.export")
        assert event.actor is None
        assert event.detail["via"] == "command"
        assert event.detail["kind"] == "clinical"
        per_client = AuditEvent.objects.filter(action="client.export_archive")
        assert per_client.filter(client=record.p.dana_client, actor__isnull=True).count() == 1

    def test_the_operator_archive_renders_the_pdfs(self, record, tmp_path):
        out = tmp_path / "archive.zip"
        call_command("export_archive", organization=record.p.org.public_id, output=str(out))
        names = zipfile.ZipFile(out).namelist()
        assert f"clients/{record.p.dana_client.public_id}/plan-v2-progress.pdf" in names
        # The progress report's reads are audited with no actor, as the operator has none.
        reads = AuditEvent.objects.filter(action="administration.list", client=record.p.dana_client)
        assert reads.filter(actor__isnull=True).exists()

    def test_an_unknown_organisation_is_an_error_naming_the_option(self, db, tmp_path):
        with pytest.raises(CommandError, match="--organization"):
            call_command("export_archive", organization="nothing", output=str(tmp_path / "a.zip"))
