"""Importing a FHIR Bundle: administrations scored by Milepost, all or nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from milepost.accounts import services as accounts
from milepost.accounts.models import Role
from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.clients.models import Client
from milepost.interop.fhir.export import client_bundle
from milepost.interop.fhir.import_ import BundleImportError, PatientMismatch, bundle_import
from milepost.measures.models import Administration, RiskAlert, Source

pytestmark = pytest.mark.django_db

PHQ9 = "https://milepost.org/fhir/Questionnaire/phq9"
# Dana's record moves from another practice: its Bundle names her by that practice's client
# reference and her former family name, so the import needs a confirmation and a reason.
MOVED = "Dana moved here from the Quillfeather practice; same person, new family name"


@pytest.fixture
def elsewhere(db):
    """An empty organisation with one clinician and one new client."""
    org = accounts.organization_create(name="Fresh Start Practice")
    clinician = accounts.user_create(
        actor=None,
        organization=org,
        email="gina@example.org",
        full_name="Gina Example",
        role=Role.CLINICIAN,
        password="another long password",
    )
    client = clients.client_create(
        actor=clinician, given_name="Dana", family_name="Moved", date_of_birth=dt.date(1990, 4, 1)
    )
    return clinician, client


def scores(client):
    return [
        (a.instrument_code, a.administered_at, a.total, a.band_code, list(a.answers))
        for a in Administration.objects.filter(client=client, entered_in_error_at__isnull=True)
    ]


def phq9_response(answers, *, authored="2026-03-02T10:00:00+00:00", as_integer=True):
    items = []
    for n, value in enumerate(answers, start=1):
        if value is None:
            continue
        answer = {"valueInteger": value} if as_integer else {"valueCoding": {"code": str(value)}}
        items.append({"linkId": str(n), "answer": [answer]})
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": PHQ9,
        "authored": authored,
        "item": items,
    }


def bundle_of(*resources):
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


class RoundTripTests:
    def test_export_then_import_into_an_empty_organisation_gives_the_same_scores(
        self, record, elsewhere
    ):
        clinician, client = elsewhere
        bundle = client_bundle(record.p.alice, record.p.dana_client)
        result = bundle_import(clinician, client, json.dumps(bundle), mismatch_reason=MOVED)
        original = scores(record.p.dana_client)
        assert result.created == len(original) == 16  # 17 made, one entered in error
        assert scores(client) == original
        assert result.totals_matched == 16
        assert result.warnings == []
        assert all(a.source == Source.IMPORT for a in Administration.objects.filter(client=client))
        skipped = dict(result.skipped)
        mistaken = next(
            i
            for i, e in enumerate(bundle["entry"])
            if e["resource"].get("status") == "entered-in-error"
            and e["resource"]["resourceType"] == "QuestionnaireResponse"
        )
        assert "entered in error" in skipped[mistaken]
        assert any("custom-metric" in reason for reason in skipped.values())

    def test_importing_the_same_bundle_twice_saves_it_once(self, record, elsewhere):
        clinician, client = elsewhere
        bundle = client_bundle(record.p.alice, record.p.dana_client)
        bundle_import(clinician, client, json.dumps(bundle), mismatch_reason=MOVED)
        again = bundle_import(clinician, client, json.dumps(bundle), mismatch_reason=MOVED)
        assert (again.created, again.duplicates) == (0, 16)
        assert Administration.objects.filter(client=client).count() == 16

    def test_a_response_repeated_inside_one_bundle_is_saved_once(self, elsewhere):
        clinician, client = elsewhere
        response = phq9_response([1, 1, 1, 1, 1, 1, 1, 1, 0])
        result = bundle_import(clinician, client, bundle_of(response, copy.deepcopy(response)))
        assert (result.created, result.duplicates) == (1, 1)

    def test_the_import_writes_its_own_audit_event(self, elsewhere):
        clinician, client = elsewhere
        bundle_import(clinician, client, bundle_of(phq9_response([0] * 9)))
        event = AuditEvent.objects.get(action="client.import_fhir")
        assert event.detail["created"] == 1
        assert event.client_id == client.pk


class ForeignBundleTests:
    def test_codings_loinc_answers_and_lhc_link_ids_are_understood(self, elsewhere):
        clinician, client = elsewhere
        loinc_items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7"]
        loinc_items += ["44258-2", "44252-5", "44253-3", "44260-8"]
        answers = ["LA6569-3", "LA6570-1", "LA6571-9", "LA6568-5", "LA6568-5"]
        answers += ["LA6568-5", "LA6568-5", "LA6568-5", "LA6568-5"]
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": "http://loinc.org/q/44249-1",
            "authored": "2026-03-02T10:00:00-05:00",
            "item": [
                {
                    "linkId": f"/44249-1/{code}",
                    "answer": [{"valueCoding": {"system": "http://loinc.org", "code": answer}}],
                }
                for code, answer in zip(loinc_items, answers, strict=True)
            ]
            + [{"linkId": "/69722-7", "answer": [{"valueString": "Somewhat difficult"}]}],
        }
        result = bundle_import(clinician, client, bundle_of(response))
        administration = Administration.objects.get(client=client)
        assert administration.answers == [1, 2, 3, 0, 0, 0, 0, 0, 0]
        assert administration.total == 6
        assert administration.administered_at == dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
        assert "69722-7" in result.warnings[0]

    def test_a_total_without_its_response_is_skipped_with_the_reason(self, elsewhere):
        clinician, client = elsewhere
        total = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
            "effectiveDateTime": "2026-03-02T10:00:00+00:00",
            "valueInteger": 14,
        }
        result = bundle_import(clinician, client, bundle_of(total))
        assert result.created == 0
        ((index, reason),) = result.skipped
        assert index == 0
        assert "without its item answers" in reason
        assert not Administration.objects.filter(client=client).exists()

    def test_item_9_above_zero_raises_the_risk_alert(self, elsewhere):
        clinician, client = elsewhere
        result = bundle_import(
            clinician, client, bundle_of(phq9_response([1, 1, 1, 1, 1, 1, 1, 1, 2]))
        )
        alert = RiskAlert.objects.get(client=client)
        assert alert.code == "self-harm"
        assert alert.acknowledged_at is None
        assert result.alerts_raised == 1


class ErrorTests:
    """Every error names the entry and the field, and nothing is saved."""

    def _fails(self, elsewhere, payload):
        clinician, client = elsewhere
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, payload)
        assert not Administration.objects.filter(client=client).exists()
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()
        return caught.value.errors

    def test_bad_json(self, elsewhere):
        (error,) = self._fails(elsewhere, b'{"resourceType": "Bundle", ')
        assert error.index is None
        assert error.field == "file"
        assert "not JSON" in error.message
        assert "line 1" in error.message

    def test_not_a_bundle_nor_a_response(self, elsewhere):
        (error,) = self._fails(elsewhere, json.dumps(patient("a", "Moved")))
        assert error.field == "resourceType"
        assert "'Patient'" in error.message
        assert "QuestionnaireResponse" in error.message

    def test_an_unknown_resource_type_in_an_entry(self, elsewhere):
        errors = self._fails(elsewhere, bundle_of(phq9_response([0] * 9), {"resourceType": "Nope"}))
        (error,) = errors
        assert (error.index, error.field) == (1, "resourceType")
        assert str(error).startswith("entry 1")

    def test_an_invalid_resource_names_its_field(self, elsewhere):
        response = phq9_response([0] * 9)
        response["authored"] = "yesterday"
        (error,) = self._fails(elsewhere, bundle_of(response))
        assert (error.index, error.field) == (0, "authored")

    def test_an_unknown_instrument(self, elsewhere):
        response = phq9_response([0] * 9)
        response["questionnaire"] = "http://example.org/Questionnaire/beck-depression"
        (error,) = self._fails(elsewhere, bundle_of(response))
        assert (error.index, error.field) == (0, "questionnaire")
        assert "beck-depression" in error.message

    def test_an_out_of_range_answer_names_the_item(self, elsewhere):
        good = phq9_response([0] * 9)
        bad = phq9_response([0, 0, 7, 0, 0, 0, 0, 0, 0], authored="2026-03-09T10:00:00+00:00")
        (error,) = self._fails(elsewhere, bundle_of(good, bad))
        assert (error.index, error.field) == (1, "item[2].answer[0]")
        assert "item 3" in error.message

    def test_an_unknown_answer_code_names_the_coding(self, elsewhere):
        response = phq9_response([0] * 9)
        response["item"][4]["answer"] = [
            {"valueCoding": {"system": "http://loinc.org", "code": "LA9999-9"}}
        ]
        (error,) = self._fails(elsewhere, bundle_of(response))
        assert (error.index, error.field) == (0, "item[4].answer[0].valueCoding")

    def test_every_bad_entry_is_reported_at_once(self, elsewhere):
        first = phq9_response([0] * 9)
        first["questionnaire"] = "nothing-known"
        second = phq9_response([0] * 9)
        del second["authored"]
        errors = self._fails(elsewhere, bundle_of(first, phq9_response([0] * 9), second))
        assert [(e.index, e.field) for e in errors] == [(0, "questionnaire"), (2, "authored")]

    def test_a_date_the_service_refuses_rolls_back_the_whole_import(self, elsewhere):
        good = phq9_response([0] * 9)
        before_birth = phq9_response([0] * 9, authored="1980-03-02T10:00:00+00:00")
        (error,) = self._fails(elsewhere, bundle_of(good, before_birth))
        assert (error.index, error.field) == (1, "authored")
        assert "date of birth" in error.message

    def test_someone_off_the_care_team_cannot_import(self, personas, elsewhere):
        _, client = elsewhere
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            bundle_import(personas.alice, client, bundle_of(phq9_response([0] * 9)))
        assert not Administration.objects.filter(client=client).exists()


def nested_response(depth):
    """A PHQ-9 response whose only answered item sits `depth` groups deep."""
    item = {"linkId": "1", "answer": [{"valueInteger": 1}]}
    for _ in range(depth - 1):
        item = {"linkId": "group", "item": [item]}
    response = phq9_response([0] * 9)
    response["item"] = [item]
    return response


class HostileFileTests:
    """A file built to crash the import is an error naming where, never a server error."""

    def _fails(self, elsewhere, payload):
        clinician, client = elsewhere
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, payload)
        assert not Administration.objects.filter(client=client).exists()
        return caught.value.errors

    @pytest.mark.parametrize(
        "code",
        [
            "²",  # a digit to str.isdigit(), not to int()
            "1" * 5000,  # past int()'s 4,300-digit limit
            "-" + "9" * 4400,
            "1234",  # no answer has four digits
        ],
    )
    def test_an_answer_code_that_is_not_a_small_number_is_an_error(self, elsewhere, code):
        response = phq9_response([0] * 9)
        response["item"][0]["answer"] = [{"valueCoding": {"code": code}}]
        (error,) = self._fails(elsewhere, bundle_of(response))
        assert (error.index, error.field) == (0, "item[0].answer[0].valueCoding")

    def test_a_number_of_thousands_of_digits_in_the_file_is_an_error(self, elsewhere):
        payload = b'{"resourceType": "Bundle", "type": "collection", "total": ' + b"7" * 5000
        (error,) = self._fails(elsewhere, payload + b"}")
        assert (error.index, error.field) == (None, "file")

    def test_json_nested_thousands_deep_is_an_error(self, elsewhere):
        payload = '{"resourceType": "Bundle", "entry": ' + "[" * 5000 + "]" * 5000 + "}"
        (error,) = self._fails(elsewhere, payload)
        assert (error.index, error.field) == (None, "file")
        assert "deep" in error.message

    def test_items_nested_thousands_deep_are_an_error_naming_the_entry(self, elsewhere):
        good = phq9_response([0] * 9)
        (error,) = self._fails(elsewhere, bundle_of(good, nested_response(3000)))
        assert error.index == 1
        assert "deep" in error.message

    def test_items_nest_at_most_ten_deep(self, elsewhere):
        (error,) = self._fails(elsewhere, bundle_of(nested_response(11)))
        assert error.index == 0
        assert error.field.startswith("item[0]" + ".item[0]" * 9)
        assert "more than 10 deep" in error.message
        clinician, client = elsewhere
        bundle_import(clinician, client, bundle_of(nested_response(10)))
        assert Administration.objects.get(client=client).answers[0] == 1

    def test_a_total_of_hundreds_of_digits_is_not_a_crash(self, elsewhere):
        clinician, client = elsewhere
        response = {**phq9_response([1] * 8 + [0]), "id": "r1"}
        total = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
            "valueQuantity": {"value": 10**400},
            "derivedFrom": [{"reference": "QuestionnaireResponse/r1"}],
        }
        result = bundle_import(clinician, client, bundle_of(response, total))
        assert (result.created, result.totals_matched) == (1, 1)


def patient(resource_id, family, born="1990-04-01"):
    return {
        "resourceType": "Patient",
        "id": resource_id,
        "name": [{"use": "official", "family": family, "given": ["Dana"]}],
        "birthDate": born,
    }


def about(resource, reference):
    return {**resource, "subject": {"reference": reference}}


class SubjectTests:
    """A Bundle holds one patient's data, and the clinician sees whose."""

    def _fails(self, elsewhere, payload):
        clinician, client = elsewhere
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, payload)
        assert not Administration.objects.filter(client=client).exists()
        return caught.value.errors

    def test_a_bundle_mixing_two_patients_is_refused(self, elsewhere):
        mine = about(phq9_response([0] * 9), "Patient/a")
        theirs = about(phq9_response([1] * 9, authored="2026-03-09T10:00:00+00:00"), "Patient/b")
        bundle = bundle_of(patient("a", "Moved"), patient("b", "Other"), mine, theirs)
        (error,) = self._fails(elsewhere, bundle)
        assert (error.index, error.field) == (3, "subject")
        assert "one patient" in error.message
        assert str(error).startswith("entry 3 (QuestionnaireResponse), subject:")

    def test_an_observation_of_another_patient_is_refused_too(self, elsewhere):
        mine = about(phq9_response([0] * 9), "Patient/a")
        total = about(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
                "valueInteger": 3,
            },
            "Patient/b",
        )
        bundle = bundle_of(patient("a", "Moved"), patient("b", "Other"), mine, total)
        (error,) = self._fails(elsewhere, bundle)
        assert (error.index, error.field) == (3, "subject")

    def test_a_subject_that_is_not_a_patient_of_the_bundle_is_refused(self, elsewhere):
        bundle = bundle_of(
            patient("a", "Moved"), about(phq9_response([0] * 9), "Patient/someone-else")
        )
        (error,) = self._fails(elsewhere, bundle)
        assert (error.index, error.field) == (1, "subject")
        assert "someone-else" in error.message

    def test_without_patients_a_subject_reference_is_kept_and_said(self, elsewhere):
        clinician, client = elsewhere
        result = bundle_import(
            clinician, client, bundle_of(about(phq9_response([0] * 9), "Patient/example"))
        )
        assert result.created == 1
        assert not result.patient_named
        assert "'Patient/example'" in result.warnings[-1]

    def test_without_patients_two_subject_references_are_two_patients(self, elsewhere):
        first = about(phq9_response([0] * 9), "Patient/example")
        second = about(phq9_response([1] * 9, authored="2026-03-09T10:00:00+00:00"), "Patient/b")
        (error,) = self._fails(elsewhere, bundle_of(first, second))
        assert (error.index, error.field) == (1, "subject")
        assert "one patient" in error.message

    def test_the_subject_may_be_the_full_url_or_absent(self, elsewhere):
        clinician, client = elsewhere
        bundle = bundle_of(
            patient("a", "Moved"),
            about(phq9_response([0] * 9), "urn:uuid:7d2b1c3e-0000-4000-8000-000000000001"),
            phq9_response([1] * 9, authored="2026-03-09T10:00:00+00:00"),
        )
        bundle["entry"][0]["fullUrl"] = "urn:uuid:7d2b1c3e-0000-4000-8000-000000000001"
        result = bundle_import(clinician, client, bundle)
        assert result.created == 2

    def test_the_result_names_the_bundles_patient(self, record, elsewhere):
        clinician, client = elsewhere
        bundle = client_bundle(record.p.alice, record.p.dana_client)
        result = bundle_import(clinician, client, json.dumps(bundle), mismatch_reason=MOVED)
        assert (result.patient_name, result.patient_birth_date) == (
            "Dana Quillfeather",
            "1990-04-01",
        )


class ConcurrencyTests:
    def test_the_import_locks_the_client_row_before_reading_what_it_has(self, elsewhere):
        from django.db.models import QuerySet

        clinician, client = elsewhere
        locked = []
        real = QuerySet.select_for_update

        def spy(self, *args, **kwargs):
            locked.append(self.model)
            return real(self, *args, **kwargs)

        with mock.patch.object(QuerySet, "select_for_update", spy):
            bundle_import(clinician, client, bundle_of(phq9_response([0] * 9)))
        assert Client in locked


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_bundle_at_once_save_it_once(elsewhere):
    """On PostgreSQL the client row lock orders the two; SQLite's write lock does too."""
    clinician, client = elsewhere
    bundle = bundle_of(
        phq9_response([0] * 9), phq9_response([1] * 9, authored="2026-03-09T10:00:00+00:00")
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            start.wait()
            result = bundle_import(clinician, client, copy.deepcopy(bundle))
            outcomes.append(f"{result.created} created")
        except Exception as error:  # any failure is what this test must catch
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["0 created", "2 created"]
    assert Administration.objects.filter(client=client).count() == 2


class PatientMatchTests:
    """A Bundle whose Patient is not the client stops before anything is saved (0521)."""

    def _refused(self, elsewhere, bundle):
        clinician, client = elsewhere
        with pytest.raises(PatientMismatch) as caught:
            bundle_import(clinician, client, bundle)
        assert not Administration.objects.filter(client=client).exists()
        assert not AuditEvent.objects.filter(action="client.import_fhir").exists()
        return caught.value

    def test_another_birth_date_is_refused_and_saves_nothing(self, elsewhere):
        bundle = bundle_of(
            patient("a", "Moved", born="1991-04-01"), about(phq9_response([0] * 9), "Patient/a")
        )
        refused = self._refused(elsewhere, bundle)
        (difference,) = refused.match.differences
        assert str(difference) == (
            "Birth date: the file says 1991-04-01; this client's is 1990-04-01"
        )

    def test_another_family_name_is_refused(self, elsewhere):
        bundle = bundle_of(patient("a", "Other"), about(phq9_response([0] * 9), "Patient/a"))
        refused = self._refused(elsewhere, bundle)
        assert refused.match.fields == ["family_name"]
        assert "Family name: the file says Dana Other; this client's is Moved" in [
            str(d) for d in refused.match.differences
        ]

    def test_a_patient_without_a_subject_pointing_at_it_is_compared_too(self, elsewhere):
        bundle = bundle_of(patient("a", "Other"), phq9_response([0] * 9))
        assert self._refused(elsewhere, bundle).match.fields == ["family_name"]

    def test_two_different_patients_are_refused_even_when_one_is_the_client(self, elsewhere):
        bundle = bundle_of(
            patient("a", "Moved"),
            patient("b", "Other", born="1971-01-01"),
            about(phq9_response([0] * 9), "Patient/a"),
        )
        refused = self._refused(elsewhere, bundle)
        assert refused.match.fields[0] == "patients"

    def test_another_milepost_client_reference_is_refused(self, elsewhere):
        other = {
            **patient("a", "Moved"),
            "identifier": [{"system": "https://milepost.org/fhir/sid/client", "value": "x" * 16}],
        }
        refused = self._refused(elsewhere, bundle_of(other, phq9_response([0] * 9)))
        assert refused.match.fields == ["identifier"]

    def test_the_refusal_is_audited_with_field_names_and_no_values(self, elsewhere):
        bundle = bundle_of(patient("a", "Other", born="1971-01-01"), phq9_response([0] * 9))
        refused = self._refused(elsewhere, bundle)
        event = AuditEvent.objects.get(action="client.import_fhir_refused")
        assert event.detail == {
            "reason": "patient_mismatch",
            "fields": ["family_name", "birth_date"],
        }
        assert "Other" not in json.dumps(event.detail)
        assert "1971" not in json.dumps(event.detail)
        assert "Other" not in str(refused)
        assert "1971" not in str(refused)

    def test_a_name_in_other_case_and_accents_with_middle_names_is_the_client(self, elsewhere):
        clinician, _ = elsewhere
        client = clients.client_create(
            actor=clinician,
            given_name="Zoë",
            family_name="Núñez",
            date_of_birth=dt.date(1988, 7, 9),
        )
        file_patient = {
            "resourceType": "Patient",
            "id": "z",
            "name": [{"family": "NUNEZ", "given": ["zoe", "Ann"]}],
            "birthDate": "1988-07-09",
        }
        result = bundle_import(
            clinician, client, bundle_of(file_patient, about(phq9_response([0] * 9), "Patient/z"))
        )
        assert result.created == 1
        assert result.mismatch_fields == []
        event = AuditEvent.objects.get(action="client.import_fhir")
        assert event.detail["patient"] == "matched"

    def test_a_confirmed_mismatch_saves_and_audits_the_fields_and_the_reason(self, elsewhere):
        clinician, client = elsewhere
        bundle = bundle_of(
            patient("a", "Other", born="1971-01-01"), about(phq9_response([0] * 9), "Patient/a")
        )
        reason = "Her family name changed; the other clinic has a wrong birth date"
        result = bundle_import(clinician, client, bundle, mismatch_reason=reason)
        assert result.created == 1
        assert result.mismatch_fields == ["family_name", "birth_date"]
        event = AuditEvent.objects.get(action="client.import_fhir")
        assert event.detail["patient"] == "confirmed_mismatch"
        assert event.detail["mismatch_fields"] == ["family_name", "birth_date"]
        assert event.detail["mismatch_reason"] == reason
        assert "1971" not in json.dumps(event.detail)

    @pytest.mark.parametrize(
        ("reason", "message"),
        [
            ("", "This field is required."),
            ("   ", "This field is required."),
            ("same", "at least 15 characters"),
            ("x" * 1001, "Keep this under 1000 characters"),
            (["a list"], "Enter text."),
        ],
    )
    def test_a_confirmation_needs_a_reason_of_a_sentence(self, elsewhere, reason, message):
        clinician, client = elsewhere
        bundle = bundle_of(patient("a", "Other"), phq9_response([0] * 9))
        with pytest.raises(ValidationError) as caught:
            bundle_import(clinician, client, bundle, mismatch_reason=reason)
        assert message in caught.value.message_dict["reason"][0]
        assert not Administration.objects.filter(client=client).exists()

    def test_a_bundle_without_a_patient_is_imported_and_says_so(self, elsewhere):
        clinician, client = elsewhere
        result = bundle_import(clinician, client, bundle_of(phq9_response([0] * 9)))
        assert result.created == 1
        assert not result.patient_named
        assert AuditEvent.objects.get(action="client.import_fhir").detail["patient"] == "none"

    def test_this_clients_own_reference_lets_a_changed_name_through_with_a_note(self, personas):
        client = personas.dana_client
        own = {
            **patient("a", "Maidenname"),
            "identifier": [
                {"system": "https://milepost.org/fhir/sid/client", "value": client.public_id}
            ],
        }
        result = bundle_import(personas.alice, client, bundle_of(own, phq9_response([0] * 9)))
        assert result.created == 1
        assert "Family name" in result.warnings[0]
