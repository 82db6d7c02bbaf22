"""Published examples nobody on the team wrote import as published, with the total they
state (fixtures/README.md names each one's source and licence)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from milepost.interop.fhir.import_ import BundleImportError, bundle_import
from milepost.measures.models import Administration
from tests.interop.test_import import bundle_of, elsewhere  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
US_CORE = FIXTURES / "us-core"
AUTHORED = dt.datetime(2022, 11, 29, 20, 50, 32, 718000, tzinfo=dt.UTC)
# The answers and the total the US Core example states (its /44261-6 item: 12).
STATED_ANSWERS = [2, 2, 2, 2, 1, 1, 2, 0, 0]
STATED_TOTAL = 12
MEMBERS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7"]
MEMBERS += ["44258-2", "44252-5", "44253-3", "44260-8", "44261-6", "69722-7"]


def raw(name: str) -> bytes:
    return (US_CORE / name).read_bytes()


def resource(name: str) -> dict:
    return json.loads(raw(name))


def observations() -> list[dict]:
    panel = resource("Observation-PHQ9-panel-example-44249-1.json")
    return [panel] + [resource(f"Observation-PHQ9-item-example-{c}.json") for c in MEMBERS]


def only_administration(client) -> Administration:
    (administration,) = Administration.objects.filter(client=client)
    return administration


class TestUsCore:
    def test_the_questionnaire_response_imports_as_published(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        result = bundle_import(clinician, client, raw("QuestionnaireResponse-phq-9-example.json"))
        administration = only_administration(client)
        assert administration.instrument_code == "phq9"
        assert list(administration.answers) == STATED_ANSWERS
        assert administration.total == STATED_TOTAL
        assert administration.administered_at == AUTHORED
        (saved,) = result.saved
        assert (saved.sent_total, saved.total_differs) == (STATED_TOTAL, False)
        assert not any("differs" in w for w in result.warnings)
        # The functional-difficulty item is known and said to be unscored, not "unknown".
        assert any("/69722-7 not scored" in w for w in result.warnings)
        # It names its patient only by reference: said, not hidden.
        assert not result.patient_named
        assert any("'Patient/example'" in w for w in result.warnings)

    def test_with_its_questionnaire_in_the_bundle(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        bundle = bundle_of(
            resource("Questionnaire-phq-9-example.json"),
            resource("QuestionnaireResponse-phq-9-example.json"),
        )
        result = bundle_import(clinician, client, bundle)
        assert only_administration(client).total == STATED_TOTAL
        assert [s.entry for s in result.saved] == [1]
        ((index, why),) = result.skipped
        assert index == 0
        assert "used to read the responses" in why

    def test_the_questionnaire_alone_records_nothing_and_says_why(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        bundle = bundle_of(resource("Questionnaire-phq-9-example.json"))
        result = bundle_import(clinician, client, bundle)
        assert result.saved == []
        assert "no response names" in result.skipped[0][1]
        assert not Administration.objects.filter(client=client).exists()

    def test_the_observations_import_as_one_administration(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        result = bundle_import(clinician, client, bundle_of(*observations()))
        administration = only_administration(client)
        assert list(administration.answers) == STATED_ANSWERS
        assert administration.total == STATED_TOTAL
        assert administration.administered_at == AUTHORED
        (saved,) = result.saved
        assert saved.entry == 0
        assert saved.members == tuple(range(1, 12))
        assert saved.sent_total == STATED_TOTAL  # sent as valueString "12"
        assert not saved.total_differs
        assert result.skipped == []

    def test_a_total_that_disagrees_is_reported_not_hidden(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        sent = observations()
        sent[10]["valueString"] = "14"  # the 44261-6 member
        result = bundle_import(clinician, client, bundle_of(*sent))
        assert only_administration(client).total == STATED_TOTAL
        (saved,) = result.saved
        assert saved.total_differs
        assert any("sender's total 14 differs" in w and "12" in w for w in result.warnings)

    def test_response_and_observations_together_are_one_administration(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        bundle = bundle_of(resource("QuestionnaireResponse-phq-9-example.json"), *observations())
        result = bundle_import(clinician, client, bundle)
        assert only_administration(client).total == STATED_TOTAL
        assert [s.entry for s in result.saved] == [0]
        skipped = dict(result.skipped)
        assert "panel of the response in entry 0" in skipped[1]
        assert "item answer of the response in entry 0" in skipped[2]
        assert result.totals_matched >= 1
        assert not any("differs" in w for w in result.warnings)

    def test_a_panel_whose_member_is_missing_names_it(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        sent = observations()
        del sent[3]
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, bundle_of(*sent))
        (error,) = caught.value.errors
        assert (error.index, error.field) == (0, "hasMember[2]")
        assert "PHQ9-item-example-44259-0" in error.message
        assert not Administration.objects.filter(client=client).exists()

    def test_importing_the_example_twice_is_a_duplicate(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        bundle_import(clinician, client, raw("QuestionnaireResponse-phq-9-example.json"))
        again = bundle_import(clinician, client, raw("QuestionnaireResponse-phq-9-example.json"))
        assert (again.created, again.duplicates) == (0, 1)
        assert "already recorded" in again.skipped[0][1]


class TestLhcForms:
    FORM_URL = "urn:uuid:4b1a9c61-2f7e-4c3a-9a55-0d7c3c1f9e01"

    def lhc_bundle(self, answers: list[int]) -> dict:
        form = json.loads((FIXTURES / "lforms" / "phq9.json").read_bytes())
        options = {o["valueCoding"]["code"]: o for o in form["item"][0]["answerOption"]}
        codes_by_value = {o["extension"][1]["valueDecimal"]: code for code, o in options.items()}
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": self.FORM_URL,
            "authored": "2026-03-02T10:00:00-05:00",
            # As LHC-Forms writes them: the form's linkIds, codings without a system.
            "item": [
                {
                    "linkId": item["linkId"],
                    "answer": [{"valueCoding": {"code": codes_by_value[value]}}],
                }
                for item, value in zip(form["item"][:9], answers, strict=True)
            ],
        }
        bundle = bundle_of(form, response)
        bundle["entry"][0]["fullUrl"] = self.FORM_URL
        return bundle

    def test_a_response_to_the_lhc_forms_questionnaire_imports(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        result = bundle_import(clinician, client, self.lhc_bundle([3, 2, 1, 0, 0, 1, 2, 3, 0]))
        administration = only_administration(client)
        assert list(administration.answers) == [3, 2, 1, 0, 0, 1, 2, 3, 0]
        assert administration.total == 12
        assert "used to read" in dict(result.skipped)[0]
        # The published form breaks R4's id pattern in its expression names: said, and
        # harmless, since a form definition is only read, never kept.
        assert any(
            w.startswith("entry 0 (Questionnaire): item[9].extension") for w in result.warnings
        )

    def test_the_form_is_used_as_published(self):
        text = (FIXTURES / "lforms" / "phq9.json").read_text()
        form = json.loads(text)
        assert form["code"][0]["code"] == "44249-1"
        # LHC-Forms writes answer codings without a system: the import must not need one.
        assert "system" not in form["item"][0]["answerOption"][0]["valueCoding"]


def sdc_form() -> dict:
    """An SDC-style form: linkIds that are not LOINC codes, the LOINC codes in item.code,
    answers in the sender's own code system with their ordinalValue."""
    return {
        "resourceType": "Questionnaire",
        "id": "depression-intake",
        "url": "https://ehr.example.org/Questionnaire/depression-intake",
        "status": "active",
        "code": [{"system": "http://loinc.org", "code": "44249-1"}],
        "item": [
            {
                "linkId": f"q{n}",
                "type": "choice",
                "code": [{"system": "http://loinc.org", "code": loinc}],
                "answerOption": [
                    {
                        "valueCoding": {"system": "https://ehr.example.org/cs", "code": f"a{v}"},
                        "extension": [
                            {
                                "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                                "valueDecimal": v,
                            }
                        ],
                    }
                    for v in range(4)
                ],
            }
            for n, loinc in enumerate(MEMBERS[:9], start=1)
        ],
    }


def sdc_response(answers, **extra) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "https://ehr.example.org/Questionnaire/depression-intake|3.1",
        "authored": "2026-03-02T10:00:00+00:00",
        "item": [
            {
                "linkId": f"q{n}",
                "answer": [
                    {"valueCoding": {"system": "https://ehr.example.org/cs", "code": f"a{v}"}}
                ],
            }
            for n, v in enumerate(answers, start=1)
        ],
        **extra,
    }


class TestSdcAndVariants:
    def test_linkids_and_codes_are_read_through_the_questionnaire(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        bundle_import(
            clinician, client, bundle_of(sdc_form(), sdc_response([1, 0, 0, 0, 0, 0, 0, 0, 2]))
        )
        administration = only_administration(client)
        assert list(administration.answers) == [1, 0, 0, 0, 0, 0, 0, 0, 2]
        assert administration.total == 3

    def test_without_the_questionnaire_the_same_response_is_refused(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, bundle_of(sdc_response([0] * 9)))
        (error,) = caught.value.errors
        assert (error.index, error.field) == (0, "questionnaire")

    def test_gad7_item_2_more_days_than_not_is_2(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        items = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
        codes = ["LA6568-5", "LA18938-3", "LA6568-5", "LA6568-5", "LA6568-5", "LA6568-5"]
        codes.append("LA6569-3")
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": "http://loinc.org/q/69737-5",
            "authored": "2026-03-02T10:00:00+00:00",
            "item": [
                {"linkId": f"/{item}", "answer": [{"valueCoding": {"code": code}}]}
                for item, code in zip(items, codes, strict=True)
            ],
        }
        bundle_import(clinician, client, bundle_of(response))
        administration = only_administration(client)
        assert list(administration.answers) == [0, 2, 0, 0, 0, 0, 1]

    def test_the_variant_is_only_for_gad7_item_2(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": "http://loinc.org/q/69737-5",
            "authored": "2026-03-02T10:00:00+00:00",
            "item": [{"linkId": "/69725-0", "answer": [{"valueCoding": {"code": "LA18938-3"}}]}],
        }
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, bundle_of(response))
        (error,) = caught.value.errors
        assert error.field == "item[0].answer[0].valueCoding"


class TestSenderIdentifiers:
    IDENTIFIER = {"system": "https://ehr.example.org/responses", "value": "r-1"}

    def send(self, clinician, client, answers, *, status="completed", **extra):
        response = sdc_response(answers, status=status, identifier=self.IDENTIFIER, **extra)
        return bundle_import(clinician, client, bundle_of(sdc_form(), response))

    def test_the_identifier_is_kept(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        self.send(clinician, client, [0] * 9)
        administration = only_administration(client)
        assert (administration.sender_system, administration.sender_id) == (
            "https://ehr.example.org/responses",
            "r-1",
        )

    def test_a_plain_resend_is_a_duplicate_said_so(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        self.send(clinician, client, [0] * 9)
        again = self.send(clinician, client, [0] * 9)
        assert (again.created, again.duplicates) == (0, 1)
        assert "re-send" in dict(again.skipped)[1]

    def test_an_amended_resend_replaces_the_earlier_with_history(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        self.send(clinician, client, [0] * 9)
        result = self.send(clinician, client, [0, 0, 0, 0, 0, 0, 0, 1, 0], status="amended")
        assert (result.created, result.replaced) == (1, 1)
        old, new = Administration.objects.filter(client=client).order_by("id")
        assert old.entered_in_error_at is not None
        assert old.replaced_by == new
        assert new.total == 1
        assert new.counts
        assert result.saved[0].replaced == old.public_id
        counting = Administration.objects.filter(client=client, entered_in_error_at=None)
        assert counting.count() == 1

    def test_entered_in_error_withdraws_it(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        self.send(clinician, client, [0] * 9)
        result = self.send(clinician, client, [0] * 9, status="entered-in-error")
        assert (result.created, result.withdrawn) == (0, 1)
        assert only_administration(client).entered_in_error_at is not None
        assert "now marked entered in error" in dict(result.skipped)[1]

    def test_meta_source_and_id_identify_a_response_without_identifier(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        meta = {"source": "https://ehr.example.org/fhir"}
        for answers in ([0] * 9, [1] + [0] * 8):
            response = sdc_response(answers, id="qr-7", meta=meta)
            bundle_import(clinician, client, bundle_of(sdc_form(), copy.deepcopy(response)))
        old, new = Administration.objects.filter(client=client).order_by("id")
        assert (new.sender_system, new.sender_id) == ("https://ehr.example.org/fhir", "qr-7")
        assert old.replaced_by == new


class TestDates:
    def test_a_date_alone_is_noon_in_the_practices_time_zone(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        client.organization.time_zone = "America/New_York"
        client.organization.save(update_fields=["time_zone"])
        response = sdc_response([0] * 9)
        response["authored"] = "2026-03-02"
        bundle_import(clinician, client, bundle_of(sdc_form(), response))
        assert only_administration(client).administered_at == dt.datetime(
            2026, 3, 2, 17, 0, tzinfo=dt.UTC
        )

    @pytest.mark.parametrize(("authored", "says"), [("2026-03", "a month"), ("2026", "a year")])
    def test_a_month_or_a_year_alone_is_refused_by_name(self, elsewhere, authored, says):  # noqa: F811
        clinician, client = elsewhere
        response = sdc_response([0] * 9)
        response["authored"] = authored
        with pytest.raises(BundleImportError) as caught:
            bundle_import(clinician, client, bundle_of(sdc_form(), response))
        (error,) = caught.value.errors
        assert (error.index, error.field) == (1, "authored")
        assert says in error.message


class TestPcoGad7:
    """The HL7 PCO IG's GAD-7 form: linkIds that are not LOINC codes ("57541"), the LOINC
    item codes in item.code, and item 2's answer LA18938-3 "More days than not"."""

    def test_a_response_to_it_imports_through_the_form(self, elsewhere):  # noqa: F811
        clinician, client = elsewhere
        form = json.loads((FIXTURES / "pco" / "Questionnaire-GAD7.json").read_text("utf-8"))
        chosen = [1, 2, 0, 3, 0, 1, 0]  # the option chosen for each item, in order
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": form["url"],
            "authored": "2026-03-02T10:00:00+00:00",
            "item": [
                {
                    "linkId": item["linkId"],
                    "answer": [{"valueCoding": item["answerOption"][n]["valueCoding"]}],
                }
                for item, n in zip(form["item"][:7], chosen, strict=True)
            ]
            + [{"linkId": "58628", "answer": [{"valueDecimal": 7}]}],
        }
        assert response["item"][1]["answer"][0]["valueCoding"]["code"] == "LA18938-3"
        result = bundle_import(clinician, client, bundle_of(form, response))
        administration = only_administration(client)
        assert administration.instrument_code == "gad7"
        assert list(administration.answers) == chosen
        assert administration.total == 7
        assert "used to read" in dict(result.skipped)[0]


class TestThroughTheWebPage:
    """The same published files, uploaded on the client page's import form as they are."""

    @pytest.mark.parametrize(
        "payload",
        [
            pytest.param(lambda: raw("QuestionnaireResponse-phq-9-example.json"), id="response"),
            pytest.param(lambda: json.dumps(bundle_of(*observations())).encode(), id="panel"),
            pytest.param(
                lambda: json.dumps(TestLhcForms().lhc_bundle(STATED_ANSWERS)).encode(),
                id="lhc-forms",
            ),
        ],
    )
    def test_a_published_example_imports_with_its_stated_total(self, personas, login_as, payload):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        url = reverse("interop:client_fhir_import", args=[personas.dana_client.public_id])
        upload = SimpleUploadedFile("example.json", payload(), content_type="application/json")
        response = login_as(personas.alice).post(url, {"bundle": upload})
        assert response.status_code == 200
        assert b"Imported: 1 new administration" in response.content
        (imported,) = Administration.objects.filter(client=personas.dana_client, source="import")
        assert imported.total == STATED_TOTAL
        assert list(imported.answers) == STATED_ANSWERS
