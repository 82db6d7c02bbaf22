"""Reminders for due portal questionnaires and empty self-monitoring logs.

`remind()` is what `milepost remind` runs, from cron every few minutes. It finds what is
due today, and for each client sends at most one message per run covering every
occurrence not reminded before, through each channel that can reach them. A `Reminder`
row per client, item occurrence and channel (a unique constraint) is created in the same
transaction as the send, so:

- running it again sends nothing twice: the rows exist;
- two runs at once cannot both send: the second waits on the first's rows and finds them;
- a send that fails rolls its rows back, and the next run tries again.

Messages name no one and nothing clinical: the subject is the same for everyone and the
body holds only the portal link (docs/decisions/0701-portal-questionnaires.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from milepost.audit.services import audit_record
from milepost.clients.models import Client, ClientStatus
from milepost.domain import schedules
from milepost.domain.schedules import Occurrence
from milepost.measures.access import assignments_for_reminders
from milepost.plans.models import GoalStatus, Observation, Target
from milepost.plans.selectors import plan_in_force
from milepost.portal.models import Reminder, ReminderChannel
from milepost.portal.questionnaires import assignment_next_due

logger = logging.getLogger(__name__)

SUBJECT = "You have something to complete in Milepost"


# A cron job has no request to take an address from: without PORTAL_BASE_URL, the
# address `make run` serves on.
DEFAULT_BASE_URL = "http://localhost:8000"


def portal_base_url() -> str:
    """Where the portal is served, for links in messages (settings.PORTAL_BASE_URL)."""
    configured = str(getattr(settings, "PORTAL_BASE_URL", "") or "")
    return (configured or DEFAULT_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class Channel(Protocol):
    """A way to reach a client. `name` is stored on each Reminder (ReminderChannel)."""

    name: str

    def can_reach(self, client: Client) -> bool: ...

    def send(self, client: Client, message: Message) -> None: ...


class EmailChannel:
    """E-mail to the client's portal login, through Django's mailers (settings.MAILERS)."""

    name = ReminderChannel.EMAIL.value

    def can_reach(self, client: Client) -> bool:
        user = client.portal_user
        return user is not None and user.is_active and bool(user.email)

    def send(self, client: Client, message: Message) -> None:
        assert client.portal_user is not None
        EmailMessage(
            subject=message.subject, body=message.body, to=[client.portal_user.email]
        ).send()


@dataclass(frozen=True)
class DueItem:
    """One thing a client should do now: an occurrence of an assignment or a log."""

    client: Client
    item: str  # "assignment:<public id>" or "log:<metric public id>": never a name
    occurrence: Occurrence
    path: str  # where in the portal it is done

    @property
    def key(self) -> str:
        return schedules.reminder_key(self.item, self.occurrence)


def due_questionnaires(today: dt.date) -> list[DueItem]:
    items = []
    for assignment in assignments_for_reminders():
        occurrence = assignment_next_due(assignment, today=today)
        if occurrence is not None and schedules.is_due(occurrence, today):
            items.append(
                DueItem(
                    assignment.client,
                    f"assignment:{assignment.public_id}",
                    occurrence,
                    reverse("portal_questionnaires:list"),
                )
            )
    return items


def _log_clients() -> Iterable[Client]:
    return Client.objects.filter(
        status=ClientStatus.ACTIVE, portal_user__isnull=False, portal_user__is_active=True
    ).select_related("organization", "portal_user")


def due_logs(today: dt.date, clients: Iterable[Client] | None = None) -> list[DueItem]:
    """Each metric a target of the client's plan in force tracks (goals still active) whose
    current period has no value yet, once the period is near its end."""
    items = []
    for client in _log_clients() if clients is None else clients:
        plan = plan_in_force(client)
        if plan is None:
            continue
        targets = (
            Target.objects.filter(metric__isnull=False)
            .filter(
                Q(goal__plan=plan, goal__status=GoalStatus.ACTIVE)
                | Q(objective__goal__plan=plan, objective__goal__status=GoalStatus.ACTIVE)
            )
            .select_related("metric")
        )
        metrics = {t.metric.pk: t.metric for t in targets if t.metric is not None}
        for metric in sorted(metrics.values(), key=lambda m: m.public_id):
            if metric.period not in schedules.LOG_PERIODS:
                continue  # "per session" has no calendar period to remind about
            occurrence = schedules.log_occurrence(
                metric.period, today, client.organization.week_start
            )
            if not schedules.is_due(occurrence, today):
                continue
            first, following = schedules.log_period(
                metric.period, today, client.organization.week_start
            )
            logged = Observation.objects.filter(
                client=client,
                metric=metric,
                entered_in_error_at__isnull=True,
                period_start__gte=first,
                period_start__lt=following,
            ).exists()
            if not logged:
                items.append(
                    DueItem(client, f"log:{metric.public_id}", occurrence, reverse("portal:home"))
                )
    return items


def message_for(items: Sequence[DueItem]) -> Message:
    """The same words for everyone: no name, nothing clinical, one link into the portal."""
    paths = {item.path for item in items}
    path = paths.pop() if len(paths) == 1 else reverse("portal:home")
    link = portal_base_url() + path
    body = (
        "Hello,\n\n"
        "You have something to complete in Milepost.\n\n"
        f"Sign in to see it: {link}\n\n"
        "You are getting this message because your care team uses Milepost.\n"
    )
    return Message(subject=SUBJECT, body=body)


@dataclass
class RunResult:
    sent: int = 0  # messages sent
    reminders: int = 0  # occurrences newly reminded
    failed: int = 0  # messages that could not be sent (retried next run)
    already: int = 0  # occurrences reminded before
    errors: list[str] = field(default_factory=list)


def _remind_client(
    client: Client, items: Sequence[DueItem], channel: Channel, result: RunResult
) -> None:
    try:
        with transaction.atomic():
            new = []
            for item in sorted(items, key=lambda i: i.key):
                _, created = Reminder.objects.get_or_create(
                    client=client, key=item.key, channel=channel.name
                )
                if created:
                    new.append(item)
                else:
                    result.already += 1
            if not new:
                return
            channel.send(client, message_for(new))
            audit_record(
                action="reminder.send",
                actor=None,
                client=client,
                object_type="reminder",
                detail={"channel": channel.name, "keys": [item.key for item in new]},
            )
    except Exception as error:  # one failed send must not stop the others
        result.failed += 1
        # The client's id only: the error text of a mail server may quote an address.
        logger.warning(
            "reminder to client %s by %s failed: %s",
            client.public_id,
            channel.name,
            type(error).__name__,
        )
        result.errors.append(f"client {client.public_id}: {type(error).__name__}")
        return
    result.sent += 1
    result.reminders += len(new)


def remind(
    *,
    today: dt.date | None = None,
    channels: Sequence[Channel] | None = None,
    include_logs: bool = True,
) -> RunResult:
    """Send every reminder that is due and not sent before; safe to run at any time."""
    today = today or timezone.localdate()
    channels = list(channels) if channels is not None else [EmailChannel()]
    items = due_questionnaires(today) + (due_logs(today) if include_logs else [])
    by_client: dict[int, list[DueItem]] = {}
    clients: dict[int, Client] = {}
    for item in items:
        by_client.setdefault(item.client.pk, []).append(item)
        clients[item.client.pk] = item.client
    result = RunResult()
    for client_pk in sorted(by_client):
        client = clients[client_pk]
        for channel in channels:
            if channel.can_reach(client):
                _remind_client(client, by_client[client_pk], channel, result)
    return result
