"""Use cases for outcome measures: submit an administration, correct it, act on an alert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.domain.errors import InvalidAnswers, UnknownInstrument
from milepost.measures.models import Administration, AlertAction, Assignment, RiskAlert, Source

# A form filled in on a device whose clock runs a little fast is still "now".
_CLOCK_SKEW = dt.timedelta(minutes=5)


# (actor pk, client pk) whose access `checked_once` has checked for this block of work.
_CHECKED: ContextVar[tuple[int, int] | None] = ContextVar("measures_checked", default=None)


@contextmanager
def checked_once(actor: User, client: Client) -> Iterator[None]:
    """Check once that `actor` may enter measures for `client`, for many submits in one
    transaction (a FHIR import of thousands of responses, the client's row locked): inside
    the block, `administration_submit` for the same actor and client does not ask again."""
    _check_actor(actor, client, Source.IMPORT)
    token = _CHECKED.set((actor.pk, client.pk))
    try:
        yield
    finally:
        _CHECKED.reset(token)


def _check_actor(actor: User, client: Client, source: str) -> None:
    """Clinicians and supervisors enter measures; a client enters only their own, in the portal.

    `client` must already have been fetched for `actor` through clients.access.
    """
    if source != Source.PORTAL and _CHECKED.get() == (actor.pk, client.pk):
        return
    if source == Source.PORTAL:
        require_membership(actor, Role.CLIENT)
        if client.portal_user_id != actor.pk:
            raise PermissionDenied
    else:
        require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
        require_client_in_reach(actor, client)


def _field_for(error: InvalidAnswers) -> str:
    return f"item_{error.item}" if error.item is not None else "answers"


@transaction.atomic
def administration_submit(
    *,
    actor: User,
    client: Client,
    instrument_code: str,
    answers: Sequence[int | None],
    administered_at: dt.datetime | None = None,
    source: str = Source.CLINICIAN,
    assignment: Assignment | None = None,
    sender: tuple[str, str] | None = None,
) -> Administration:
    """Validate, score and store one completed questionnaire; raise alerts for urgent flags.

    Invalid answers raise ValidationError naming the item (`item_3`); nothing is saved.
    `assignment` is the portal assignment the answers complete (portal/questionnaires.py).
    `sender` is an imported administration's identifier at the system that sent it
    (system, value), kept so that a re-send is recognised (interop/fhir/import_.py).
    """
    _check_actor(actor, client, source)
    try:
        instrument = instruments.get(instrument_code)
    except UnknownInstrument as error:
        raise ValidationError({"instrument": str(error)}) from None
    if assignment is not None and (
        assignment.client_id != client.pk or assignment.instrument_code != instrument.code
    ):
        raise ValidationError({"assignment": "The assignment is for another questionnaire."})
    now = timezone.now()
    when = administered_at or now
    if timezone.is_naive(when):
        raise ValidationError({"administered_at": "Give the date and time with a time zone."})
    if when > now + _CLOCK_SKEW:
        raise ValidationError({"administered_at": "The date cannot be in the future."})
    if when.date() < client.date_of_birth:
        raise ValidationError({"administered_at": "The date is before the client's date of birth."})
    try:
        result = instruments.score(instrument, list(answers))
    except InvalidAnswers as error:
        raise ValidationError({_field_for(error): str(error)}) from None

    administration = Administration.objects.create(
        organization=client.organization,
        client=client,
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        answers=list(instruments.validate_answers(instrument, list(answers))),
        total=result.total,
        exact_total=result.exact_total,
        band_code=result.band.code if result.band else "",
        band_label=result.band.label if result.band else "",
        answered=result.answered,
        prorated=result.prorated,
        unscorable_reason=(result.reason or "")[:300],
        subscales=dict(result.subscales),
        flags=[flag.as_dict() for flag in result.flags],
        provisional_diagnosis=(
            result.provisional_diagnosis.as_dict() if result.provisional_diagnosis else None
        ),
        administered_at=when,
        entered_by=actor,
        source=source,
        assignment=assignment,
        sender_system=sender[0] if sender else "",
        sender_id=sender[1] if sender else "",
    )
    audit_record(
        action="administration.create",
        actor=actor,
        client=client,
        object_type="administration",
        object_id=administration.public_id,
        detail={
            "instrument": instrument.code,
            "source": str(source),
            **({"assignment": assignment.public_id} if assignment is not None else {}),
        },
    )
    for flag in result.flags:
        if flag.severity != "urgent":
            continue
        early = (
            RiskAlert.objects.select_for_update()
            .filter(assignment=assignment, administration=None, code=flag.code)
            .first()
            if assignment is not None
            else None
        )
        if early is not None:
            # Raised as the client answered in the portal: now it points at what they sent.
            early.administration = administration
            early.save(update_fields=["administration"])
            audit_record(
                action="risk_alert.attach",
                actor=actor,
                client=client,
                object_type="risk_alert",
                object_id=early.public_id,
                detail={"administration": administration.public_id},
            )
            _note_final_answer(early, instrument, administration, fired=True)
            continue
        alert = RiskAlert.objects.create(
            organization=client.organization,
            client=client,
            administration=administration,
            code=flag.code,
            severity=flag.severity,
            message=flag.message,
            raised_at=now,
        )
        audit_record(
            action="risk_alert.raise",
            actor=actor,
            client=client,
            object_type="risk_alert",
            object_id=alert.public_id,
            detail={"code": flag.code},
        )
    if assignment is not None:
        # An urgent answer the client changed before sending (item 9 from "Several days" to
        # "Not at all") raised an alert that no flag of the sent answers attached: it points
        # at what was sent too, saying so, and is never left "not sent yet".
        fired = {flag.code for flag in result.flags if flag.severity == "urgent"}
        for early in RiskAlert.objects.select_for_update().filter(
            assignment=assignment, administration=None
        ):
            if early.code in fired:
                continue
            early.administration = administration
            early.save(update_fields=["administration"])
            _note_final_answer(early, instrument, administration, fired=False)
            audit_record(
                action="risk_alert.attach",
                actor=actor,
                client=client,
                object_type="risk_alert",
                object_id=early.public_id,
                detail={"administration": administration.public_id, "changed": True},
            )
    return administration


def answer_label(instrument: instruments.Instrument, item_number: int, value: int | None) -> str:
    """The words of an answer as the client saw them ("Several days"); "no answer" if none."""
    if value is None:
        return "no answer (skipped)"
    for item in instrument.items:
        if item.number == item_number:
            for option in item.options:
                if option.value == value:
                    return option.label
    return str(value)


def _rule_of(instrument: instruments.Instrument, code: str) -> instruments.FlagRule | None:
    return next((rule for rule in instrument.flags if rule.code == code), None)


def _note_final_answer(
    alert: RiskAlert,
    instrument: instruments.Instrument,
    administration: Administration,
    *,
    fired: bool,
) -> None:
    """Say in an early alert's message what was finally sent, when it is not what raised it."""
    rule = _rule_of(instrument, alert.code)
    if rule is None or (fired and alert.message == rule.message):
        return  # sent as answered: the message already says it
    answers = list(administration.answers)
    value = answers[rule.item - 1] if 0 < rule.item <= len(answers) else None
    sent = answer_label(instrument, rule.item, value)
    alert.message = (f"{rule.message} Changed before sending: the answer sent was “{sent}”.")[
        : RiskAlert._meta.get_field("message").max_length or 300
    ]
    alert.save(update_fields=["message"])


@transaction.atomic
def administration_mark_entered_in_error(
    *,
    actor: User,
    administration: Administration,
    reason: str,
    replaced_by: Administration | None = None,
) -> Administration:
    """Take a mistaken administration out of charts and statistics. It is never deleted.

    `replaced_by` is the administration that replaces it (an amended re-send of an import),
    kept as its history.
    """
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, administration.client)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this entry is a mistake."})
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    if administration.entered_in_error_at is not None:
        raise ValidationError({"reason": "This entry is already marked as entered in error."})
    if replaced_by is not None and (
        replaced_by.client_id != administration.client_id or replaced_by.pk == administration.pk
    ):
        raise ValidationError({"replaced_by": "The replacement is not this client's."})
    administration.entered_in_error_at = timezone.now()
    administration.entered_in_error_reason = reason[:300]
    administration.replaced_by = replaced_by
    administration.save(
        update_fields=["entered_in_error_at", "entered_in_error_reason", "replaced_by"]
    )
    audit_record(
        action="administration.entered_in_error",
        actor=actor,
        client=administration.client,
        object_type="administration",
        object_id=administration.public_id,
        detail={"replaced_by": replaced_by.public_id} if replaced_by is not None else {},
    )
    return administration


@transaction.atomic
def risk_alert_acknowledge(*, actor: User, alert: RiskAlert, action: str, note: str) -> RiskAlert:
    """Close a risk alert. A clinician must say what they did; nothing is silently dismissed."""
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, alert.client)
    errors = {}
    if action not in AlertAction.values:
        errors["action"] = "Choose what you did about this alert."
    if not note.strip():
        errors["note"] = "Write a short note of what you did and decided."
    if errors:
        raise ValidationError(errors)
    locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError({"action": "This alert was already acknowledged."})
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.action = action
    locked.note = note.strip()
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "action", "note"])
    audit_record(
        action="risk_alert.acknowledge",
        actor=actor,
        client=locked.client,
        object_type="risk_alert",
        object_id=locked.public_id,
        detail={"action": action},
    )
    return locked


def risk_alert_raise_early(
    *, actor: User, assignment: Assignment, code: str, severity: str, message: str
) -> RiskAlert:
    """An urgent answer saved in an unsent portal questionnaire raises the alert at once.

    One per assignment and flag until the questionnaire is sent (then
    `administration_submit` attaches the administration to it instead of raising another).
    """
    existing = (
        RiskAlert.objects.select_for_update()
        .filter(assignment=assignment, administration=None, code=code)
        .first()
    )
    if existing is not None:
        return existing
    client = assignment.client
    alert = RiskAlert.objects.create(
        organization=client.organization,
        client=client,
        assignment=assignment,
        code=code,
        severity=severity,
        message=message,
        raised_at=timezone.now(),
    )
    audit_record(
        action="risk_alert.raise",
        actor=actor,
        client=client,
        object_type="risk_alert",
        object_id=alert.public_id,
        detail={"code": code, "unsent": True, "assignment": assignment.public_id},
    )
    return alert


def risk_alert_unsent_answer_changed(
    *, actor: User, assignment: Assignment, code: str, answer: int | None
) -> RiskAlert | None:
    """The client changed, before sending, the answer that raised an unsent early alert.

    The alert stays open (the answer was given) and says what it was changed to, so the care
    team never reads only the first answer. Called inside portal_answer_save's transaction.
    """
    alert = (
        RiskAlert.objects.select_for_update()
        .filter(assignment=assignment, administration=None, code=code)
        .first()
    )
    instrument = assignment.instrument
    rule = _rule_of(instrument, code)
    if alert is None or rule is None:
        return alert
    now_says = answer_label(instrument, rule.item, answer)
    alert.message = (f"{rule.message} Changed before sending, to “{now_says}”.")[
        : RiskAlert._meta.get_field("message").max_length or 300
    ]
    alert.save(update_fields=["message"])
    audit_record(
        action="risk_alert.answer_changed",
        actor=actor,
        client=assignment.client,
        object_type="risk_alert",
        object_id=alert.public_id,
        detail={"code": code, "assignment": assignment.public_id},
    )
    return alert
