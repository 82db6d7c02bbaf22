"""The compliance linter on real plans: the record built from the database, the editor's
findings under the practice's profile, signing blocked by a profile error, and the caseload
report (supervisors see their teams' clients, admins the organisation without clinical text)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.accounts.models import Organization, Role
from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.domain.compliance import get_profile
from milepost.measures import services as measures
from milepost.measures.models import Administration, Source
from milepost.notes.models import SessionNote
from milepost.plans import services, versions
from milepost.plans.models import Goal, Signature, TreatmentPlan
from milepost.reports.audit_trail import AuditFilters, audit_events_for_admin
from milepost.reports.compliance import (
    Inputs,
    caseload_compliance,
    compliance_for,
    record_for,
)
from tests.base import PASSWORD, dana_note, dana_plan
from tests.plans.test_versions import complete, signed
from tests.test_access_matrix import DANA_SECRETS

pytestmark = pytest.mark.django_db

REPORT = reverse("compliance:report")
REPORT_CSV = reverse("compliance:report_csv")


def _profile(org: Organization, key: str) -> None:
    Organization.objects.filter(pk=org.pk).update(payer_profile=key)


def _editor(p, plan):
    return reverse("plans:editor", args=[p.dana_client.public_id, plan.public_id])


def _codes(findings):
    return {f.code for f in findings}


def _credentials(user, credentials: str) -> None:
    type(user).objects.filter(pk=user.pk).update(credentials=credentials)
    user.credentials = credentials


class RecordTests:
    def test_the_record_holds_the_signatures_notes_and_measures_of_the_version(self, personas):
        dp = signed(personas)
        versions.plan_endorse_in_session(
            actor=personas.alice,
            plan=dp.plan,
            typed_name="Dana Quillfeather",
            read_together=True,
        )
        note = dana_note(personas)
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        inputs = Inputs(
            formulation=None,
            notes=[note],
            administrations=[personas.dana_phq9],
            reviews=[],
            first_version=plan,
        )
        record = record_for(plan, inputs)
        assert record.established_on == timezone.localdate(plan.signed_at)
        assert [s.role for s in record.signatures] == ["clinician", "client"]
        assert all(s.hash_matches for s in record.signatures)
        assert record.hash_matches is True
        assert record.client_endorsed
        [n] = record.notes
        assert (n.session_type, n.setting, n.has_times) == ("individual", "in_person", True)
        assert [c.objective_id for c in n.citations] == [dp.objective.public_id]
        assert [a.instrument for a in record.administrations] == ["phq9"]
        assert record.initial_plan_signed_on == timezone.localdate(plan.signed_at)
        # The note of yesterday is the earliest contact on record: it stands for intake.
        assert (
            record.intake_on == note.held_on < timezone.localdate(personas.dana_client.created_at)
        )
        assert record.sessions_before_initial_plan == 1

    def test_a_signed_version_altered_behind_the_apps_back_is_caught(self, personas):
        dp = signed(personas)
        Goal.objects.filter(pk=dp.goal.pk).update(statement="Something else entirely")
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        _, findings = compliance_for(plan, user=personas.alice)
        assert "signed-content-changed" in _codes(findings)

    def test_a_signed_version_shows_its_signature_findings(self, personas):
        dp = signed(personas)
        # A signature made before credentials were required (signing now asks for them).
        Signature.objects.filter(plan=dp.plan).update(credentials="")
        _, findings = compliance_for(dp.plan, user=personas.alice)
        found = _codes(findings)
        # Alice's account has no credentials and dana has not endorsed it yet.
        assert {"no-client-signature", "signature-no-credentials", "review-due"} <= found
        assert "review-date" not in found  # the linter's schedule replaces plan_checks'

    def test_reading_the_findings_is_audited(self, personas):
        dp = dana_plan(personas)
        before = AuditEvent.objects.count()
        compliance_for(dp.plan, user=personas.alice)
        actions = set(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
        assert {"session_note.list", "administration.list", "formulation.view"} <= actions


class EditorTests:
    def test_the_editor_names_the_profile_and_shows_its_findings_once(self, personas, login_as):
        dp = dana_plan(personas)
        services.plan_update(actor=personas.alice, plan=dp.plan, review_interval_days=120)
        _profile(personas.org, "medicaid-90")
        body = login_as(personas.alice).get(_editor(personas, dp.plan)).content.decode()
        assert 'Plan checks <span class="mp-muted">under Medicaid (90-day review)</span>' in body
        checks = body[body.index('id="checks"') : body.index('id="diagnoses"')]
        assert checks.count('data-code="review-interval-too-long"') == 1
        assert 'data-code="no-discharge-criteria"' in checks
        assert "(PL-14)" in checks
        # The per-element display still works: the objective's own findings sit by it.
        objective = body[body.index(f'id="objective-{dp.objective.public_id}"') :]
        assert 'data-code="objective-no-target"' in objective

    def test_under_the_default_profile_the_longer_interval_is_a_warning(self, personas, login_as):
        dp = dana_plan(personas)
        services.plan_update(actor=personas.alice, plan=dp.plan, review_interval_days=120)
        body = login_as(personas.alice).get(_editor(personas, dp.plan)).content.decode()
        assert "under Default (common rules)" in body
        assert 'mp-finding--warning" data-code="review-interval-too-long"' in body


class SigningTests:
    def test_a_profile_error_blocks_signing_until_a_reason_is_given(self, personas):
        dp = complete(personas)
        services.plan_update(actor=personas.alice, plan=dp.plan, review_interval_days=120)
        assert versions.plan_errors(dp.plan) == []  # a warning under the default profile
        _profile(personas.org, "medicaid-90")
        assert [f.code for f in versions.plan_errors(dp.plan)] == ["review-interval-too-long"]
        with pytest.raises(ValidationError) as caught:
            versions.plan_sign(actor=personas.alice, plan=dp.plan, password=PASSWORD)
        assert "found 1 error" in caught.value.error_dict["override_reason"][0].message
        signature = versions.plan_sign(
            actor=personas.alice,
            plan=dp.plan,
            password=PASSWORD,
            override_reason="The payer agreed a 120-day review for this client.",
        )
        assert signature.override_reason.startswith("The payer agreed")
        event = AuditEvent.objects.get(action="plan.sign")
        assert event.detail["overridden"] == ["review-interval-too-long"]

    def test_the_sign_page_lists_the_profiles_errors(self, personas, login_as):
        _credentials(personas.alice, "LCSW")
        dp = complete(personas)
        services.plan_update(actor=personas.alice, plan=dp.plan, review_interval_days=120)
        _profile(personas.org, "medicaid-90")
        url = reverse("plans:sign", args=[personas.dana_client.public_id, dp.plan.public_id])
        page = login_as(personas.alice).get(url).content.decode()
        assert "The plan checks found 1 error" in page
        assert "Medicaid (90-day review) requires a review at least every 90" in page


# --------------------------------------------------------------------------- the report


@pytest.fixture
def frank_client(personas):
    """A client of frank's, whose clinician sam does not supervise."""
    client = clients.client_create(
        actor=personas.frank,
        given_name="Fiona",
        family_name="Noteam",
        date_of_birth=dt.date(1980, 3, 3),
    )
    services.plan_create_draft(actor=personas.frank, client=client)
    return client


@pytest.fixture
def chris_plan(personas):
    return services.plan_create_draft(actor=personas.charlie, client=personas.chris_client)


class ReportTests:
    def test_a_supervisor_sees_their_teams_clients_only(
        self, personas, login_as, frank_client, chris_plan
    ):
        dp = dana_plan(personas)
        report = caseload_compliance(personas.sam)
        assert [r.plan for r in report.rows] == [dp.plan]
        assert not report.generic_only
        body = login_as(personas.sam).get(REPORT).content.decode()
        assert "Dana" in body
        assert "Fiona" not in body
        assert frank_client.public_id not in body
        assert (
            reverse("plans:editor", args=[personas.dana_client.public_id, dp.plan.public_id])
            in body
        )

    def test_an_admin_sees_the_organisation_without_clinical_text(
        self, personas, login_as, frank_client, chris_plan
    ):
        dp = dana_plan(personas)
        dana_note(personas)
        response = login_as(personas.erin).get(REPORT)
        assert response.status_code == 200
        body = response.content
        for secret in (*DANA_SECRETS, b"Dana", b"Fiona", b"Behavioural activation"):
            assert secret not in body, secret
        text = body.decode()
        assert personas.dana_client.public_id in text
        assert frank_client.public_id in text
        assert personas.chris_client.public_id not in text  # another organisation
        assert "The plan records discharge criteria." in text  # the generic wording
        assert "Stays in bed" not in text  # a factor's text is never shown to an admin
        assert f"v{dp.plan.version}" in text

    def test_the_csv_has_one_generic_row_per_finding(self, personas, login_as):
        dp = dana_plan(personas)
        response = login_as(personas.erin).get(REPORT_CSV)
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == [
            "client_id",
            "clinician",
            "plan_version",
            "plan_status",
            "severity",
            "code",
            "pl",
            "check",
        ]
        by_code = {r[5]: r for r in rows[1:]}
        assert by_code["no-discharge-criteria"] == [
            personas.dana_client.public_id,
            personas.alice.display_name,
            "1",
            "draft",
            "error",
            "no-discharge-criteria",
            "PL-16",
            "The plan records discharge criteria.",
        ]
        _, findings = compliance_for(dp.plan, user=personas.alice)
        assert len(rows) - 1 == len(findings)
        for secret in DANA_SECRETS:
            assert secret not in response.content

    def test_filters_narrow_by_severity_and_checklist_item(self, personas, login_as):
        dana_plan(personas)
        http = login_as(personas.sam)
        errors = list(
            csv.reader(io.StringIO(http.get(REPORT_CSV, {"severity": "error"}).content.decode()))
        )
        assert {r[4] for r in errors[1:]} == {"error"}
        pl16 = list(csv.reader(io.StringIO(http.get(REPORT_CSV, {"pl": "PL-16"}).content.decode())))
        assert [r[5] for r in pl16[1:]] == ["no-discharge-criteria"]
        page = http.get(REPORT, {"severity": "error", "pl": "PL-06"}).content.decode()
        assert 'data-code="objective-no-target"' in page
        assert 'data-code="no-discharge-criteria"' not in page

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"severity": "fatal"}, "severity"),
            ({"pl": "PL-99"}, "pl"),
            ({"pl": "<script>alert(1)</script>"}, "pl"),
            ({"severity": "\x00"}, "severity"),
        ],
    )
    def test_a_bad_filter_names_the_field(self, personas, login_as, query, field):
        for url in (REPORT, REPORT_CSV):
            response = login_as(personas.erin).get(url, query)
            assert response.status_code == 400
            body = response.content.decode()
            assert f'id="id_{field}"' in body
            assert "Select a valid choice" in body
            assert "<script>alert(1)</script>" not in body

    @pytest.mark.parametrize("who", ["alice", "bob", "frank", "charlie", "dana"])
    def test_clinicians_and_clients_cannot_open_it(self, personas, login_as, who):
        for url in (REPORT, REPORT_CSV):
            assert login_as(getattr(personas, who)).get(url).status_code == 403

    def test_an_admin_of_another_practice_sees_only_their_own(self, personas, login_as, chris_plan):
        dana_plan(personas)
        other_admin = accounts.user_create(
            actor=None,
            organization=personas.other_org,
            email="olga@example.org",
            full_name="Olga Example",
            role=Role.ADMIN,
            password=PASSWORD,
        )
        body = login_as(other_admin).get(REPORT).content.decode()
        assert personas.chris_client.public_id in body
        assert personas.dana_client.public_id not in body

    def test_the_report_is_audited_with_every_plan_it_read(self, personas, login_as):
        dp = dana_plan(personas)
        login_as(personas.erin).get(REPORT_CSV, {"severity": "error"})
        event = AuditEvent.objects.get(action="compliance.report")
        assert event.actor == personas.erin
        assert event.detail["plans"] == [dp.plan.public_id]
        assert (event.detail["format"], event.detail["severity"]) == ("csv", "error")

    def test_the_report_uses_the_practices_profile(self, personas, login_as):
        dp = signed(personas)
        _profile(personas.org, "medicaid-90")
        late = dt.date.today() + dt.timedelta(days=91)
        report = caseload_compliance(personas.sam, today=late)
        assert report.profile == get_profile("medicaid-90")
        [row] = report.rows
        assert row.plan == dp.plan
        found = _codes(row.findings)
        assert {"review-late", "no-client-signature"} <= found
        _profile(personas.org, "medicare-outpatient")
        found = _codes(caseload_compliance(personas.sam, today=late).rows[0].findings)
        assert "no-client-signature" not in found  # Medicare asks only for the provider's
        # The plan's own 90 days have passed (a warning), Medicare's 365 not (no error).
        assert "review-late-plan" in found
        assert "review-late" not in found

    def test_the_navigation_links_it_for_supervisors_and_admins_only(self, personas, login_as):
        home = reverse("reports:caseload")
        assert REPORT.encode() in login_as(personas.sam).get(home).content
        assert REPORT.encode() not in login_as(personas.alice).get(home).content
        assert REPORT.encode() in login_as(personas.erin).get(reverse("accounts:users")).content


def test_notes_entered_in_error_leave_the_record(personas):
    note = dana_note(personas)
    SessionNote.objects.filter(pk=note.pk).update(
        entered_in_error_at=note.created_at, entered_in_error_reason="Wrong client"
    )
    plan = TreatmentPlan.objects.get(pk=dana_plan(personas).plan.pk)
    record = record_for(
        plan,
        Inputs(
            formulation=None,
            notes=[SessionNote.objects.get(pk=note.pk)],
            administrations=[],
            reviews=[],
            first_version=plan,
        ),
    )
    assert record.notes == ()


def test_the_demo_practice_shows_findings_under_medicaid(login_as):
    from milepost.accounts.models import User
    from milepost.demo import data

    organization = data.load()
    assert organization.payer_profile == "medicaid-90"
    erin = User.objects.get(membership__organization=organization, membership__role=Role.ADMIN)
    report = caseload_compliance(erin)
    assert report.generic_only
    by_client = {r.client.given_name: _codes(r.findings) for r in report.rows}
    # Tom: signed a hundred days ago, never reviewed, never endorsed.
    assert {"review-late", "no-client-signature"} <= by_client["Tom"]
    body = login_as(erin).get(REPORT).content.decode()
    assert "Medicaid (90-day review)" in body
    assert 'data-code="review-late"' in body


# --------------------------------------------------------------------------- the fixes


def _inputs(plan, *, administrations=(), notes=(), reviews=()):
    return Inputs(
        formulation=None,
        notes=list(notes),
        administrations=list(administrations),
        reviews=list(reviews),
        first_version=plan,
    )


def test_an_imported_administration_is_no_contact_with_the_practice(personas):
    plan = TreatmentPlan.objects.get(pk=dana_plan(personas).plan.pk)
    years_ago = timezone.now() - dt.timedelta(days=800)
    imported = measures.administration_submit(
        actor=personas.alice,
        client=personas.dana_client,
        instrument_code="gad7",
        answers=[1] * 7,
        administered_at=years_ago,
        source=Source.IMPORT,
    )
    record = record_for(plan, _inputs(plan, administrations=[imported, personas.dana_phq9]))
    # Intake is the client record's creation (or a contact since), not another system's past.
    assert record.intake_on == timezone.localdate(personas.dana_client.created_at)
    # The imported result still counts as an administration of its instrument (PL-17).
    assert "gad7" in {a.instrument for a in record.administrations}
    # A result the clinician entered for that day is a contact and moves intake back.
    Administration.objects.filter(pk=imported.pk).update(source=Source.CLINICIAN)
    imported.refresh_from_db()
    record = record_for(plan, _inputs(plan, administrations=[imported]))
    assert record.intake_on == timezone.localdate(years_ago)


class SignerCredentialsTests:
    def test_a_signer_without_credentials_is_an_error_before_signing(self, personas):
        dp = complete(personas)
        _credentials(personas.alice, "")
        [finding] = versions.plan_errors(dp.plan, actor=personas.alice)
        assert (finding.code, finding.pl, finding.severity) == (
            "signer-no-credentials",
            "PL-12",
            "error",
        )
        _, findings = compliance_for(dp.plan, user=personas.alice)
        assert "signer-no-credentials" in _codes(findings)
        _credentials(personas.alice, "LCSW")
        assert versions.plan_errors(dp.plan, actor=personas.alice) == []

    def test_the_check_asks_about_the_signer_not_the_author(self, personas):
        dp = complete(personas)
        _credentials(personas.bob, "LMHC")  # on dana's care team
        assert versions.plan_errors(dp.plan, actor=personas.bob) == []

    def test_every_profile_makes_it_an_error(self, personas):
        dp = complete(personas)
        _credentials(personas.alice, "")
        for key in ("default", "medicare-outpatient", "medicaid-90", "carf"):
            _profile(personas.org, key)
            codes = [f.code for f in versions.plan_errors(dp.plan, actor=personas.alice)]
            assert codes == ["signer-no-credentials"], key


def _review_twice(dp, actor):
    for _ in range(2):
        versions.review_record(
            actor=actor,
            plan=dp.plan,
            held_on=timezone.localdate(),
            participants="Dana and Alice",
            decisions={dp.goal.public_id: ("continue", "")},
            new_version=False,
        )


class ReviewEvidenceTests:
    def test_reviews_without_data_report_neither_stall_nor_progress(self, personas):
        dp = signed(personas)
        # Only a PHQ-9 is on file: the objective's GAD-7 target has no data at either review.
        _review_twice(dp, personas.alice)
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        _, findings = compliance_for(plan, user=personas.alice)
        found = _codes(findings)
        assert "no-improvement" not in found
        # And the reviews recorded no progress on the objective: PL-15 says so.
        [incomplete, _] = [f for f in findings if f.code == "review-incomplete"]
        assert "no progress for objective 1.1" in incomplete.message

    def test_a_review_with_data_records_the_objectives_progress(self, personas):
        dp = signed(personas)
        measures.administration_submit(
            actor=personas.alice,
            client=personas.dana_client,
            instrument_code="gad7",
            answers=[2] * 7,
        )
        _review_twice(dp, personas.alice)
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        _, findings = compliance_for(plan, user=personas.alice)
        assert "review-incomplete" not in _codes(findings)
        # The GAD-7 of 14 is above the baseline of 12: two reviews of evidence, none
        # improving, the plan continued.
        assert "no-improvement" in _codes(findings)


def _caseload(personas, n):
    """`n` clients of alice's, each with a draft, a note, a factor and an administration."""
    made = []
    for i in range(n):
        client = clients.client_create(
            actor=personas.alice,
            given_name=f"Client{i}",
            family_name="Count",
            date_of_birth=dt.date(1980, 1, 1),
        )
        services.formulation_factor_add(
            actor=personas.alice, client=client, kind="perpetuating", text="Avoids"
        )
        plan = services.plan_create_draft(actor=personas.alice, client=client)
        measures.administration_submit(
            actor=personas.alice, client=client, instrument_code="gad7", answers=[1] * 7
        )
        SessionNote.objects.create(
            organization=personas.org,
            client=client,
            plan=plan,
            clinician=personas.alice,
            held_on=timezone.localdate(),
            started_at=dt.time(9),
            ended_at=dt.time(9, 50),
            type="individual",
            setting="in_person",
            narrative="A long clinical narrative the report never reads.",
        )
        made.append(client)
    return made


def _reading_queries(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        report = caseload_compliance(user)
    # The audit events (one per client, each with its savepoint) are writes, counted apart.
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if "audit_" not in q["sql"] and "SAVEPOINT" not in q["sql"].upper()
    ]
    return report, reads


class ReportQueryTests:
    @pytest.mark.parametrize("who", ["sam", "erin"])
    def test_the_reports_reads_do_not_grow_with_the_caseload(self, personas, who):
        user = getattr(personas, who)
        _caseload(personas, 3)
        small, few = _reading_queries(user)
        _caseload(personas, 6)
        large, many = _reading_queries(user)
        assert (len(small.rows), len(large.rows)) == (3, 9)
        assert len(many) == len(few)
        # The rows the report reads are narrowed to what a record needs.
        notes_sql = next(q for q in many if 'FROM "notes_sessionnote"' in q)
        assert "narrative" not in notes_sql
        admin_sql = next(q for q in many if 'FROM "measures_administration"' in q)
        assert "answers" not in admin_sql
        # Clients are a subquery, not a list of ids that grows with them.
        assert "IN (SELECT" in notes_sql.upper()

    def test_each_plan_is_turned_into_the_domain_once(self, personas, monkeypatch):
        from milepost.reports import compliance as module

        dp = signed(personas)  # a signed version is hashed as well as linted
        _caseload(personas, 2)
        calls = []
        real = module.plan_to_domain

        def counted(plan, **kw):
            calls.append(plan.pk)
            return real(plan, **kw)

        monkeypatch.setattr(module, "plan_to_domain", counted)
        report = caseload_compliance(personas.sam)
        assert sorted(calls) == sorted(r.plan.pk for r in report.rows)
        assert dp.plan.pk in calls


class ReportAuditTests:
    @pytest.mark.parametrize("who", ["sam", "erin"])
    def test_each_clients_access_history_shows_the_report(self, personas, who):
        user = getattr(personas, who)
        dp = dana_plan(personas)
        others = _caseload(personas, 2)
        caseload_compliance(user, purpose="csv")
        for client in (personas.dana_client, *others):
            [event] = AuditEvent.objects.filter(action="compliance.report_client", client=client)
            assert event.actor == user
            assert event.detail["format"] == "csv"
            assert event.detail["generic_only"] is (who == "erin")
        dana = AuditEvent.objects.get(
            action="compliance.report_client", client=personas.dana_client
        )
        assert dana.detail["plans"] == [dp.plan.public_id]
        # What a privacy officer reads for dana: the report is in her history.
        history = audit_events_for_admin(
            personas.erin, AuditFilters(client_id=personas.dana_client.public_id)
        )
        assert "compliance.report_client" in {e.action for e in history}

    def test_a_client_the_report_did_not_read_gets_no_event(self, personas, frank_client):
        dana_plan(personas)
        caseload_compliance(personas.sam)  # frank's client is not sam's team
        assert not AuditEvent.objects.filter(
            action="compliance.report_client", client=frank_client
        ).exists()


def test_the_report_finds_what_the_editor_finds(personas):
    dp = dana_plan(personas)
    [row] = caseload_compliance(personas.sam).rows
    _, editor = compliance_for(dp.plan, user=personas.alice)
    assert {f.code for f in row.findings} == {f.code for f in editor}


def test_signing_checks_find_words_that_disagree_with_the_bound_target(personas):
    """The linter that runs at signing reads the words against the bound target too."""
    from tests.plans.test_views import _bind_phq9

    dp = dana_plan(personas)
    _bind_phq9(personas, dp.goal, dp.plan)

    def codes() -> set[str]:
        plan = TreatmentPlan.objects.get(pk=dp.plan.pk)
        return _codes(compliance_for(plan, user=personas.alice)[1])

    assert "target-disagrees-with-words" not in codes()
    services.goal_update(
        actor=personas.alice,
        goal=dp.goal,
        statement="Reduce PHQ-9 from 17 to 7 or below within 16 weeks",
    )
    assert "target-disagrees-with-words" in codes()
