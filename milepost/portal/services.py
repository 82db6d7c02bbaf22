"""Use cases of the portal's plan side: drafting goals, asking for a plan change, logging,
the journal, and the clinician's answers to them.

Each one checks the actor (a client acts only on their own record, through the portal; a
clinician or supervisor only on a client in reach), validates into
ValidationError({field: message}), saves inside one transaction and writes the audit
event. Decisions: docs/decisions/0702-portal-plan.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import logs as log_units
from milepost.lib.validation import clean_text, raise_errors
from milepost.plans import services as plans
from milepost.plans.models import (
    Goal,
    Metric,
    Observation,
    ObservationSource,
    PlanStatus,
    TreatmentPlan,
)
from milepost.portal.models import (
    ChangeRequest,
    ChangeRequestStatus,
    DraftKind,
    GoalProposal,
    GoalVisibility,
    JournalEntry,
    LogEntry,
    ProposalStatus,
    UnsentDraft,
)
from milepost.portal.selectors import (
    hidden_goal_ids,
    local_day,
    loggable_measures,
    period_end,
    period_start,
    portal_plan_of,
)

PROPOSAL_TEXT = 2000
JOURNAL_TEXT = 10_000
COMMENT_TEXT = 4000
LOG_NOTE = 500
# A phone whose clock runs a little fast still logs "now".
_CLOCK_SKEW = dt.timedelta(minutes=10)
# How far back an entry may be dated: logs are for the weeks the plan tracks now.
_LOG_HORIZON = dt.timedelta(days=92)
SUPERSEDED = "Replaced by the new total of the client's log for this period."


def _audit(action: str, actor: User, client: Client, obj: Any, **detail: Any) -> None:
    audit_record(
        action=action,
        actor=actor,
        client=client,
        object_type=type(obj)._meta.model_name,
        object_id=obj.public_id,
        detail=detail or None,
    )


def _own(actor: User, client: Client) -> None:
    """A client acts only on their own record."""
    require_membership(actor, Role.CLIENT)
    if client.portal_user_id != actor.pk:
        raise PermissionDenied


def _clinical(actor: User, client: Client) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)


# --------------------------------------------------------------------------- drafting goals


@transaction.atomic
def goal_proposal_create(
    *, actor: User, client: Client, text: object, how_you_would_know: object = ""
) -> GoalProposal:
    """The client proposes a goal in their own words; it reaches the care team."""
    _own(actor, client)
    errors: dict[str, str] = {}
    words = clean_text(errors, "text", text, required=True, max_length=PROPOSAL_TEXT)
    know = clean_text(errors, "how_you_would_know", how_you_would_know, max_length=PROPOSAL_TEXT)
    raise_errors(errors)
    UnsentDraft.objects.filter(
        client=client, kind__in=(DraftKind.PROPOSAL, DraftKind.PROPOSAL_HOW)
    ).delete()
    proposal = GoalProposal.objects.create(
        organization=client.organization, client=client, text=words, how_you_would_know=know
    )
    _audit("goal_proposal.create", actor, client, proposal)
    return proposal


@transaction.atomic
def goal_proposal_from_referral(*, actor: User, client: Client, text: object) -> GoalProposal:
    """The words a person wrote when they asked to be contacted (the public directory's
    referral), kept as their first goal proposal in their own words. The clinician who
    accepted the referral files it; the words stay the person's, unedited."""
    _clinical(actor, client)
    errors: dict[str, str] = {}
    words = clean_text(errors, "text", text, required=True, max_length=PROPOSAL_TEXT)
    raise_errors(errors)
    proposal = GoalProposal.objects.create(
        organization=client.organization, client=client, text=words
    )
    _audit("goal_proposal.create", actor, client, proposal, source="directory_referral")
    return proposal


def _undecided(proposal: GoalProposal) -> GoalProposal:
    locked = GoalProposal.objects.select_for_update().select_related("client").get(pk=proposal.pk)
    if locked.status != ProposalStatus.NEW:
        raise ValidationError(
            {"proposal": f"This proposal is already {locked.get_status_display().lower()}."}
        )
    return locked


@transaction.atomic
def goal_proposal_adopt(*, actor: User, proposal: GoalProposal, statement: object) -> Goal:
    """Turn a proposal into a goal of the client's draft plan, keeping the client's words.

    `statement` is the clinical (SMART) wording; the proposal's text becomes the goal's
    client_words. A goal is only ever added to a draft: a signed version never changes.
    """
    client = proposal.client
    _clinical(actor, client)
    proposal = _undecided(proposal)
    draft = TreatmentPlan.objects.filter(client=client, status=PlanStatus.DRAFT).first()
    if draft is None:
        raise ValidationError(
            {
                "plan": "There is no draft version to add the goal to: start a plan, or amend "
                "the signed one, first."
            }
        )
    errors: dict[str, str] = {}
    wording = clean_text(errors, "statement", statement, required=True, max_length=plans.LONG_TEXT)
    raise_errors(errors)
    goal = plans.goal_add(actor=actor, plan=draft, statement=wording, client_words=proposal.text)
    proposal.status = ProposalStatus.ADOPTED
    proposal.goal = goal
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "goal", "decided_by", "decided_at"])
    _audit("goal_proposal.adopt", actor, client, proposal, goal=goal.public_id)
    return goal


@transaction.atomic
def goal_proposal_decline(*, actor: User, proposal: GoalProposal, note: object) -> GoalProposal:
    """Decline a proposal with a note the client reads (say why, kindly)."""
    client = proposal.client
    _clinical(actor, client)
    proposal = _undecided(proposal)
    errors: dict[str, str] = {}
    words = clean_text(errors, "note", note, required=True, max_length=COMMENT_TEXT)
    raise_errors(errors)
    proposal.status = ProposalStatus.DECLINED
    proposal.decision_note = words
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    _audit("goal_proposal.decline", actor, client, proposal)
    return proposal


# --------------------------------------------------------------------------- the plan


@transaction.atomic
def change_request_create(*, actor: User, plan: TreatmentPlan, comment: object) -> ChangeRequest:
    """The client asks for a change to the version they see, instead of endorsing it."""
    client = plan.client
    _own(actor, client)
    errors: dict[str, str] = {}
    words = clean_text(errors, "comment", comment, required=True, max_length=COMMENT_TEXT)
    raise_errors(errors)
    shown = portal_plan_of(client)
    if shown is None or shown.pk != plan.pk:
        raise ValidationError({"plan": "This is not the version of your plan in force."})
    UnsentDraft.objects.filter(client=client, kind=DraftKind.CHANGE_REQUEST).delete()
    request = ChangeRequest.objects.create(
        organization=client.organization, client=client, plan=plan, comment=words
    )
    _audit("change_request.create", actor, client, request, plan=plan.public_id)
    return request


@transaction.atomic
def change_request_answer(
    *, actor: User, change_request: ChangeRequest, answer: object
) -> ChangeRequest:
    """The clinician answers a change request (the change itself is a plan amendment)."""
    client = change_request.client
    _clinical(actor, client)
    locked = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if locked.status != ChangeRequestStatus.OPEN:
        raise ValidationError({"answer": "This request is already answered."})
    errors: dict[str, str] = {}
    words = clean_text(errors, "answer", answer, required=True, max_length=COMMENT_TEXT)
    raise_errors(errors)
    locked.status = ChangeRequestStatus.ANSWERED
    locked.answer = words
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    _audit("change_request.answer", actor, client, locked)
    return locked


@transaction.atomic
def goal_visibility_set(*, actor: User, goal: Goal, hidden: bool) -> GoalVisibility:
    """Keep a goal of a draft out of the portal, or show it again. Later versions inherit
    the choice through the goal's origin."""
    plan = plans._editable(actor, goal.plan)
    choice, _ = GoalVisibility.objects.update_or_create(
        goal=goal,
        defaults={"hidden_from_client": bool(hidden), "set_by": actor, "set_at": timezone.now()},
    )
    _audit(
        "goal.portal_visibility",
        actor,
        plan.client,
        goal,
        hidden_from_client=bool(hidden),
    )
    return choice


# --------------------------------------------------------------------------- logs


def _period_total(client: Client, metric: Metric, start: dt.date) -> tuple[float, int]:
    """The sum of the counting entries in the period from `start`, and how many there are."""
    end = period_end(metric.period, start)
    # A day's margin either side of the period, then exact local days: time zones.
    window_start = timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=1), dt.time()))
    window_end = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    entries = LogEntry.objects.filter(
        client=client,
        metric=metric,
        entered_in_error_at__isnull=True,
        occurred_at__gte=window_start,
        occurred_at__lt=window_end,
    )
    values = [e.value for e in entries if start <= local_day(e.occurred_at) < end]
    return float(sum(values)), len(values)


def log_rollup(
    *, actor: User, client: Client, metric: Metric, start: dt.date
) -> Observation | None:
    """Record the period's total of the log as the metric's Observation for that period.

    The period's previous total from the portal, if any, is marked entered in error
    (never changed or deleted) and the new total is added through the plans' observation
    service, so progress, charts, reviews and exports read it like any other value. A
    period left with no entries keeps no total. Called inside the entry's transaction.
    """
    total, count = _period_total(client, metric, start)
    current = (
        Observation.objects.select_for_update()
        .filter(
            client=client,
            metric=metric,
            period_start=start,
            source=ObservationSource.PORTAL,
            entered_in_error_at__isnull=True,
        )
        .order_by("-id")
    )
    previous = list(current)
    if count and len(previous) == 1 and previous[0].value == total:
        return previous[0]
    for observation in previous:
        observation.entered_in_error_at = timezone.now()
        observation.entered_in_error_reason = SUPERSEDED
        observation.save(update_fields=["entered_in_error_at", "entered_in_error_reason"])
        _audit("observation.superseded", actor, client, observation, metric=metric.public_id)
    if not count:
        return None
    return plans.observation_add(
        actor=actor,
        client=client,
        metric=metric,
        value=total,
        period_start=start,
        source=ObservationSource.PORTAL,
    )


def _loggable(client: Client, metric: object) -> Metric | None:
    plan = portal_plan_of(client)
    for measure in loggable_measures(plan, hidden_goal_ids(client)):
        if measure.metric == metric or measure.metric.public_id == metric:
            return measure.metric
    return None


def _number(
    errors: dict[str, str], field: str, value: object, low: float, high: float
) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = "Enter a number."
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors[field] = "Enter a number."
        return None
    if not low <= number <= high:  # also refuses NaN
        errors[field] = f"Enter a number from {low:g} to {high:g}."
        return None
    return number


def _amount(
    errors: dict[str, str], value: object, rule: log_units.LogRule, unit: str
) -> float | None:
    """The entry's amount, checked by the metric's unit (decision 0822)."""
    if value is None or value == "":
        if rule.default_one:
            return 1.0
        errors["value"] = f"{rule.label}: enter a number."
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors["value"] = "Enter a number."
        return None
    amount, message = log_units.parse_value(str(value), rule, unit)
    if amount is None:
        errors["value"] = message
    return amount


@transaction.atomic
def log_entry_add(
    *,
    actor: User,
    client: Client,
    metric: object,
    occurred_at: object = None,
    value: object = None,
    intensity: object = None,
    note: object = "",
) -> LogEntry:
    """One self-monitoring entry of the client's (a count of 1 unless `value` says more),
    rolled up into its period's value at once."""
    _own(actor, client)
    # Lock the client: two entries at once must not record two totals for one period.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    errors: dict[str, str] = {}
    chosen = _loggable(client, metric)
    amount: float | None = None
    rating: float | None = None
    if chosen is None:
        errors["metric"] = "Choose one of the things your plan asks you to log."
    else:
        rule = log_units.rule_for(chosen.unit, chosen.name)
        amount = _amount(errors, value, rule, chosen.unit)
        if rule.ask_strength:
            rating = _number(errors, "intensity", intensity, 0, 10)
            if rating is not None and not rating.is_integer():
                errors["intensity"] = "Choose a whole number from 0 to 10."
        elif intensity not in (None, ""):
            errors["intensity"] = "This log does not ask how strong it was."
    words = clean_text(errors, "note", note, max_length=LOG_NOTE)
    now = timezone.now()
    when = now if occurred_at in (None, "") else occurred_at
    if not isinstance(when, dt.datetime) or timezone.is_naive(when):
        errors["occurred_at"] = "Enter the date and time it happened."
    elif when > now + _CLOCK_SKEW:
        errors["occurred_at"] = "That time has not come yet; enter when it happened."
    elif when < now - _LOG_HORIZON:
        errors["occurred_at"] = "Log things from the last three months only."
    raise_errors(errors)
    assert chosen is not None
    assert amount is not None
    assert isinstance(when, dt.datetime)
    entry = LogEntry.objects.create(
        organization=client.organization,
        client=client,
        metric=chosen,
        occurred_at=when,
        value=amount,
        intensity=int(rating) if rating is not None else None,
        note=words,
    )
    _audit("log_entry.create", actor, client, entry, metric=chosen.public_id)
    log_rollup(
        actor=actor,
        client=client,
        metric=chosen,
        start=period_start(chosen.period, local_day(when), client.organization.week_start),
    )
    return entry


@transaction.atomic
def log_entry_mark_entered_in_error(*, actor: User, entry: LogEntry) -> LogEntry:
    """The client takes back an entry logged by mistake; the period's total follows."""
    client = entry.client
    _own(actor, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    entry = LogEntry.objects.select_related("metric").get(pk=entry.pk)
    if entry.entered_in_error_at is not None:
        raise ValidationError({"entry": "This entry is already taken back."})
    entry.entered_in_error_at = timezone.now()
    entry.save(update_fields=["entered_in_error_at"])
    _audit("log_entry.entered_in_error", actor, client, entry)
    log_rollup(
        actor=actor,
        client=client,
        metric=entry.metric,
        start=period_start(
            entry.metric.period, local_day(entry.occurred_at), client.organization.week_start
        ),
    )
    return entry


# --------------------------------------------------------------------------- journal


@transaction.atomic
def journal_entry_add(*, actor: User, client: Client, text: object) -> JournalEntry:
    """A journal entry of the client's: private to them until they share it."""
    _own(actor, client)
    errors: dict[str, str] = {}
    words = clean_text(errors, "text", text, required=True, max_length=JOURNAL_TEXT)
    raise_errors(errors)
    entry = JournalEntry.objects.create(organization=client.organization, client=client, text=words)
    UnsentDraft.objects.filter(client=client, kind=DraftKind.JOURNAL).delete()
    # The text never reaches the audit trail: only that an entry was written.
    _audit("journal_entry.create", actor, client, entry)
    return entry


@transaction.atomic
def journal_entry_share(*, actor: User, entry: JournalEntry, shared: bool) -> JournalEntry:
    """Share one entry with the care team, or take it back (it is private again)."""
    client = entry.client
    _own(actor, client)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if shared and entry.shared_at is None:
        entry.shared_at = timezone.now()
    elif not shared and entry.shared_at is not None:
        entry.shared_at = None
    else:
        return entry
    entry.save(update_fields=["shared_at"])
    _audit("journal_entry.share" if shared else "journal_entry.unshare", actor, client, entry)
    return entry


# --------------------------------------------------------------------------- unsent drafts


@transaction.atomic
def unsent_draft_save(*, actor: User, client: Client, kind: str, text: object) -> None:
    """Keep what the client is typing (before the idle timeout), or forget it when empty.

    Only the kinds listed in DraftKind; the text never reaches the audit trail.
    """
    _own(actor, client)
    errors: dict[str, str] = {}
    if kind not in DraftKind.values:
        errors["kind"] = "Nothing of that kind is kept."
    words = clean_text(errors, "text", text, max_length=JOURNAL_TEXT)
    raise_errors(errors)
    if not words:
        deleted, _ = UnsentDraft.objects.filter(client=client, kind=kind).delete()
        if deleted:
            audit_record(
                action="unsent_draft.clear",
                actor=actor,
                client=client,
                object_type="client",
                object_id=client.public_id,
                detail={"kind": kind},
            )
        return
    UnsentDraft.objects.update_or_create(
        client=client, kind=kind, defaults={"text": words, "updated_at": timezone.now()}
    )
    audit_record(
        action="unsent_draft.save",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={"kind": kind},
    )
