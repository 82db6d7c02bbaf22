"""Questionnaires in the portal: what is due, one question per screen, review, send.

Works without JavaScript: every screen is a plain form that posts and redirects. The
answers so far are saved with each screen (portal.questionnaires.portal_answer_save), so
the client can stop at any point and carry on where they left off. An answer that raises
an urgent flag (PHQ-9 item 9 above "Not at all") is followed at once by the crisis
screen; sending answers with such a flag ends on it too. No total or severity band is
ever shown here (docs/decisions/0701-portal-questionnaires.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import care_team_of, client_get_for_portal
from milepost.clients.models import Client
from milepost.domain import schedules
from milepost.domain.instruments import Instrument, Item
from milepost.domain.schedules import Occurrence
from milepost.measures.access import portal_assignment_get, portal_assignments
from milepost.measures.forms import PortalItemForm
from milepost.measures.models import Assignment
from milepost.portal import questionnaires as service
from milepost.portal.crisis import crisis_text_for

# What each questionnaire is about, said plainly; the short name is shown beside it.
ABOUT = {
    "phq9": "How your mood has been",
    "gad7": "Worry and feeling anxious",
    "pcl5": "Since a stressful experience",
    "core10": "How you have been feeling",
    "phq15": "How your body has been feeling",
    "auditc": "Drinking alcohol",
}


def about(instrument: Instrument) -> str:
    return ABOUT.get(instrument.code, "A short questionnaire")


@dataclass(frozen=True)
class DueRow:
    assignment: Assignment
    title: str
    occurrence: Occurrence
    due: bool
    answered: int
    total: int


def _question_number(raw: str, instrument: Instrument) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= len(instrument.items):
        raise Http404
    return int(raw)


def _item(instrument: Instrument, number: int) -> Item:
    return instrument.items[number - 1]


def _not_ready(request: HttpRequest) -> HttpResponse:
    messages.info(request, "That questionnaire is not ready for you yet. We'll let you know.")
    return redirect("portal_questionnaires:list")


def _is_due(assignment: Assignment) -> bool:
    return schedules.is_due(service.assignment_next_due(assignment), timezone.localdate())


def due_rows(user: User) -> tuple[Client, list[DueRow]]:
    """The client's portal questionnaires with their next occurrence (audited reads)."""
    client, items = portal_assignments(user)
    today = timezone.localdate()
    rows = []
    for assignment in items:
        occurrence = service.assignment_next_due(assignment, today=today)
        if occurrence is None:
            continue
        due = schedules.is_due(occurrence, today)
        rows.append(
            DueRow(
                assignment=assignment,
                title=about(assignment.instrument),
                occurrence=occurrence,
                due=due,
                answered=len(service.draft_answers(assignment)) if due else 0,
                total=len(assignment.instrument.items),
            )
        )
    return client, rows


@policy(Policy.PORTAL)
def questionnaire_list(request: SignedInRequest) -> HttpResponseBase:
    client, rows = due_rows(request.user)
    return render(
        request,
        "portal/questionnaires.html",
        {
            "client": client,
            "due": [r for r in rows if r.due],
            "coming_up": sorted(
                (r for r in rows if not r.due), key=lambda r: r.occurrence.opens_on
            ),
        },
    )


@policy(Policy.PORTAL)
def questionnaire_start(request: SignedInRequest, assignment_id: str) -> HttpResponseBase:
    """Begin, or carry on where the client left off: the first question not yet reached."""
    assignment = portal_assignment_get(request.user, assignment_id)
    if not _is_due(assignment):
        return _not_ready(request)
    given = service.draft_answers(assignment)
    for item in assignment.instrument.items:
        if item.number not in given:
            return redirect(
                "portal_questionnaires:question",
                assignment_id=assignment.public_id,
                question=str(item.number),
            )
    return redirect("portal_questionnaires:review", assignment_id=assignment.public_id)


@policy(Policy.PORTAL)
def questionnaire_question(
    request: SignedInRequest, assignment_id: str, question: str
) -> HttpResponseBase:
    """One question: its answers as large radio buttons, Next, Skip and a way back."""
    user = request.user
    assignment = portal_assignment_get(user, assignment_id)
    instrument = assignment.instrument
    number = _question_number(question, instrument)
    if not _is_due(assignment):
        return _not_ready(request)
    item = _item(instrument, number)
    given = service.draft_answers(assignment)
    if request.method == "POST" and request.POST.get("nav") == "autosave":
        return _autosave(request, assignment, number, item)
    if request.method == "POST":
        form = PortalItemForm(request.POST, item=item)
        skip = request.POST.get("nav") == "skip"
        if form.is_valid():
            try:
                saved = service.portal_answer_save(
                    actor=user,
                    assignment=assignment,
                    question=number,
                    answer=None if skip else form.answer(),
                    skip=skip,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                if saved.urgent:
                    return redirect(
                        "portal_questionnaires:crisis_during", assignment_id=assignment.public_id
                    )
                if number < len(instrument.items):
                    return redirect(
                        "portal_questionnaires:question",
                        assignment_id=assignment.public_id,
                        question=str(number + 1),
                    )
                return redirect("portal_questionnaires:review", assignment_id=assignment.public_id)
    else:
        initial = given.get(number)
        form = PortalItemForm(
            initial={f"item_{number}": initial} if initial is not None else None, item=item
        )
    return render(
        request,
        "portal/questionnaire_question.html",
        {
            "assignment": assignment,
            "instrument": instrument,
            "title": about(instrument),
            "item": item,
            "form": form,
            "number": number,
            "count": len(instrument.items),
            "previous": number - 1 if number > 1 else None,
        },
    )


def _autosave(
    request: SignedInRequest, assignment: Assignment, number: int, item: Item
) -> HttpResponse:
    """The chosen answer, saved in the background before the idle timeout (decision 0823):
    no crisis screen or next question now; they come when the client presses Next."""
    form = PortalItemForm(request.POST, item=item)
    if not form.is_valid() or form.answer() is None:
        return HttpResponse(status=204)
    try:
        service.portal_answer_save(
            actor=request.user, assignment=assignment, question=number, answer=form.answer()
        )
    except ValidationError:
        return HttpResponse(status=400)
    return HttpResponse(status=204)


def _errors_to_form(form: PortalItemForm, error: ValidationError) -> None:
    field = f"item_{form.item.number}"
    messages_ = (
        [m for errors in error.message_dict.values() for m in errors]
        if hasattr(error, "error_dict")
        else error.messages
    )
    for message in messages_:
        form.add_error(field, message)


@dataclass(frozen=True)
class ReviewRow:
    item: Item
    answer: str | None  # the label chosen; None when skipped
    reached: bool


@policy(Policy.PORTAL)
def questionnaire_review(request: SignedInRequest, assignment_id: str) -> HttpResponseBase:
    """Every answer, with a way to change each, and the button that sends them."""
    user = request.user
    assignment = portal_assignment_get(user, assignment_id)
    instrument = assignment.instrument
    if not _is_due(assignment):
        if request.method == "POST":
            # Sent already (a second tap on "Send"): nothing more to do.
            return redirect("portal_questionnaires:list")
        return _not_ready(request)
    errors: list[tuple[int, str]] = []
    if request.method == "POST":
        try:
            administration = service.portal_submit(actor=user, assignment=assignment)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                number = int(field.removeprefix("item_")) if field.startswith("item_") else 0
                errors.extend((number, message) for message in field_errors)
        else:
            team = care_team_of(assignment.client)
            to = ", ".join(c.full_name for c in team) or "your care team"
            messages.success(request, f"Thank you. Your answers have been sent to {to}.")
            if any(flag.get("severity") == "urgent" for flag in administration.flags):
                return redirect("portal_questionnaires:crisis")
            return redirect("portal_questionnaires:list")
    given = service.draft_answers(assignment)
    rows = []
    for item in instrument.items:
        value = given.get(item.number)
        label = next((o.label for o in item.options if o.value == value), None)
        rows.append(ReviewRow(item=item, answer=label, reached=item.number in given))
    return render(
        request,
        "portal/questionnaire_review.html",
        {
            "assignment": assignment,
            "instrument": instrument,
            "title": about(instrument),
            "rows": rows,
            "errors": errors,
            "complete": all(row.reached for row in rows),
        },
        status=400 if errors else 200,
    )


def _crisis(
    request: SignedInRequest, organization_of: Assignment | None, *, resume: Assignment | None
) -> HttpResponse:
    if organization_of is not None:
        organization = organization_of.client.organization
    else:
        organization = client_get_for_portal(request.user).organization
    return render(
        request,
        "portal/crisis.html",
        {
            "crisis": crisis_text_for(organization),
            "resume": resume,
        },
    )


@policy(Policy.PORTAL)
def crisis(request: SignedInRequest) -> HttpResponseBase:
    """Help right now: the practice's crisis resources. Open at any time."""
    return _crisis(request, None, resume=None)


@policy(Policy.PORTAL)
def crisis_during(request: SignedInRequest, assignment_id: str) -> HttpResponseBase:
    """The crisis resources, shown straight after an urgent answer, with a way to carry on."""
    assignment = portal_assignment_get(request.user, assignment_id)
    return _crisis(request, assignment, resume=assignment)
