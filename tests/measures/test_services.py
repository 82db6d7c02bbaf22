from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.audit.services import audit_verify
from milepost.measures import services
from milepost.measures.models import Administration, RiskAlert, Source

CALM_PHQ9 = [1, 1, 1, 1, 0, 0, 1, 0, 0]  # total 5: mild, item 9 = 0


def _submit(personas, answers, **kwargs):
    return services.administration_submit(
        actor=kwargs.pop("actor", personas.alice),
        client=kwargs.pop("client", personas.dana_client),
        instrument_code=kwargs.pop("instrument_code", "phq9"),
        answers=answers,
        **kwargs,
    )


@pytest.mark.django_db
class AdministrationSubmitTests:
    def test_it_scores_and_stores_and_audits(self, personas):
        administration = _submit(personas, CALM_PHQ9)
        assert (administration.total, administration.band_code) == (5, "mild")
        assert administration.answers == CALM_PHQ9
        assert administration.flags == []
        assert administration.entered_by == personas.alice
        assert AuditEvent.objects.filter(
            action="administration.create", object_id=administration.public_id
        ).exists()
        assert audit_verify().ok

    def test_an_instrument_is_found_by_its_usual_spelling(self, personas):
        administration = _submit(personas, [0] * 7, instrument_code="GAD-7")
        assert administration.instrument_code == "gad7"

    def test_item_9_above_zero_raises_an_open_urgent_alert(self, personas):
        administration = _submit(personas, [0, 0, 0, 0, 0, 0, 0, 0, 1])
        alert = administration.alerts.get()
        assert (alert.code, alert.severity, alert.is_open) == ("self-harm", "urgent", True)
        assert alert.client == personas.dana_client
        assert AuditEvent.objects.filter(
            action="risk_alert.raise", object_id=alert.public_id
        ).exists()

    def test_an_unscorable_form_is_kept_and_still_flags_item_9(self, personas):
        administration = _submit(personas, [None, None, None, 0, 0, 0, 0, 0, 2])
        assert administration.total is None
        assert administration.unscorable_reason
        assert administration.alerts.get().code == "self-harm"

    def test_two_missing_items_are_prorated(self, personas):
        administration = _submit(personas, [2, 2, 2, 2, 2, 2, 2, None, None])
        assert administration.prorated
        assert administration.answered == 7
        assert administration.total == 18

    @pytest.mark.parametrize(
        ("answers", "field", "words"),
        [
            ([0, 0, 4, 0, 0, 0, 0, 0, 0], "item_3", "item 3"),
            ([0] * 8, "item_9", "item 9"),
            ([0] * 10, "item_10", "only 9 items"),
            ([0, 0, "x", 0, 0, 0, 0, 0, 0], "item_3", "item 3"),
        ],
    )
    def test_invalid_answers_name_the_item_and_save_nothing(self, personas, answers, field, words):
        before = (
            Administration.objects.count(),
            RiskAlert.objects.count(),
            AuditEvent.objects.count(),
        )
        with pytest.raises(ValidationError) as caught:
            _submit(personas, answers)
        assert field in caught.value.error_dict
        assert words in str(caught.value.error_dict[field])
        after = (
            Administration.objects.count(),
            RiskAlert.objects.count(),
            AuditEvent.objects.count(),
        )
        assert after == before

    def test_an_unknown_instrument_is_named(self, personas):
        with pytest.raises(ValidationError) as caught:
            _submit(personas, [0], instrument_code="bdi2")
        assert "instrument" in caught.value.error_dict

    def test_a_future_date_is_refused(self, personas):
        with pytest.raises(ValidationError) as caught:
            _submit(personas, CALM_PHQ9, administered_at=timezone.now() + dt.timedelta(days=1))
        assert "administered_at" in caught.value.error_dict

    def test_a_date_before_birth_is_refused(self, personas):
        when = timezone.make_aware(dt.datetime(1980, 1, 1, 12))
        with pytest.raises(ValidationError) as caught:
            _submit(personas, CALM_PHQ9, administered_at=when)
        assert "administered_at" in caught.value.error_dict

    def test_an_admin_cannot_enter_scores(self, personas):
        with pytest.raises(PermissionDenied):
            _submit(personas, CALM_PHQ9, actor=personas.erin)

    def test_a_clinician_of_another_practice_cannot_enter_scores(self, personas):
        with pytest.raises(PermissionDenied):
            _submit(personas, CALM_PHQ9, actor=personas.charlie)

    def test_a_client_enters_only_their_own_through_the_portal(self, personas):
        own = _submit(personas, CALM_PHQ9, actor=personas.dana, source=Source.PORTAL)
        assert own.source == Source.PORTAL
        with pytest.raises(PermissionDenied):
            _submit(personas, CALM_PHQ9, actor=personas.dana)
        with pytest.raises(PermissionDenied):
            _submit(
                personas,
                CALM_PHQ9,
                actor=personas.dana,
                client=personas.chris_client,
                source=Source.PORTAL,
            )


@pytest.mark.django_db
class EnteredInErrorTests:
    def test_it_is_marked_never_deleted(self, personas):
        administration = personas.dana_phq9
        services.administration_mark_entered_in_error(
            actor=personas.alice, administration=administration, reason="Wrong client"
        )
        administration.refresh_from_db()
        assert not administration.counts
        assert administration.entered_in_error_reason == "Wrong client"

    def test_it_needs_a_reason(self, personas):
        with pytest.raises(ValidationError):
            services.administration_mark_entered_in_error(
                actor=personas.alice, administration=personas.dana_phq9, reason="  "
            )


@pytest.mark.django_db
class RiskAlertAcknowledgeTests:
    def test_acknowledging_records_who_what_and_why(self, personas):
        alert = services.risk_alert_acknowledge(
            actor=personas.bob,
            alert=personas.dana_alert,
            action="safety_plan",
            note="Reviewed safety plan; no intent or plan.",
        )
        assert not alert.is_open
        assert alert.acknowledged_by == personas.bob
        assert AuditEvent.objects.filter(action="risk_alert.acknowledge").exists()

    @pytest.mark.parametrize(
        ("action", "note", "field"),
        [("", "note", "action"), ("shrug", "note", "action"), ("safety_plan", " ", "note")],
    )
    def test_it_cannot_be_dismissed_without_an_action_and_a_note(
        self, personas, action, note, field
    ):
        with pytest.raises(ValidationError) as caught:
            services.risk_alert_acknowledge(
                actor=personas.alice, alert=personas.dana_alert, action=action, note=note
            )
        assert field in caught.value.error_dict
        personas.dana_alert.refresh_from_db()
        assert personas.dana_alert.is_open

    def test_it_is_acknowledged_once(self, personas):
        services.risk_alert_acknowledge(
            actor=personas.alice, alert=personas.dana_alert, action="session", note="Seen."
        )
        with pytest.raises(ValidationError):
            services.risk_alert_acknowledge(
                actor=personas.bob, alert=personas.dana_alert, action="session", note="Again."
            )

    def test_the_database_refuses_a_silent_dismissal(self, personas):
        alert = personas.dana_alert
        with pytest.raises(IntegrityError), transaction.atomic():
            RiskAlert.objects.filter(pk=alert.pk).update(acknowledged_at=timezone.now())

    def test_an_admin_cannot_acknowledge(self, personas):
        with pytest.raises(PermissionDenied):
            services.risk_alert_acknowledge(
                actor=personas.erin, alert=personas.dana_alert, action="session", note="x"
            )


@pytest.mark.django_db
class CheckedOnceTests:
    """A FHIR import checks access once for thousands of submits, for its actor and client
    only."""

    def test_someone_off_the_care_team_is_refused_at_once(self, personas):
        with (
            pytest.raises(PermissionDenied),
            services.checked_once(personas.charlie, personas.dana_client),
        ):
            pytest.fail("the block must not run")

    def test_inside_the_block_another_actor_is_still_checked(self, personas):
        with services.checked_once(personas.alice, personas.dana_client):
            assert _submit(personas, CALM_PHQ9).total == 5
            with pytest.raises(PermissionDenied):
                _submit(personas, CALM_PHQ9, actor=personas.charlie)
        with pytest.raises(PermissionDenied):
            _submit(personas, CALM_PHQ9, actor=personas.charlie)
