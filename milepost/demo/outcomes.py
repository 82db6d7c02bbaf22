"""The practice's past clients, so the outcomes dashboard has something to show.

Twelve discharged clients who finished a course of treatment (Alice seven, Bob five), each
with a first, a middle and a last PHQ-9 and GAD-7 entered through the measures service; their
outcomes cover recovery, reliable improvement without recovery, no change and one reliable
deterioration, so every column of the dashboard has a figure. Nine more of Alice's past
clients were measured on the GAD-7 only (worry), so her track record in worry reaches the
15 cases intake matching needs (16: 13 recovered) while Bob's (5) stays under it
(docs/directory.md). Sam (supervisor) defines the practice's programmes and each client's
clinician puts them in one (six past clients in the adult anxiety clinic and five in the
depression pathway, so both show figures; Lena alone in the couples service, a group too small
to show). Each of the twelve had a signed plan with a PHQ-9 target (9 or below by the end of
treatment, due by today) and, all but two, a review on time at week 8, so the dashboard's
"goals met" and "reviews on time" columns have figures too. Sam (supervisor) and Erin (admin)
hold the dashboard's permission; the outcome facts are rebuilt at the end.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from milepost.accounts.models import Organization, User
from milepost.clients import services as clients
from milepost.clients.access import programmes_of
from milepost.clients.models import Client, ClientStatus
from milepost.demo.history import answers_for
from milepost.demo.versions import backdate
from milepost.domain import instruments
from milepost.measures import services as measures
from milepost.outcomes.models import Refresh
from milepost.outcomes.services import outcomes_permission_grant, outcomes_refresh
from milepost.plans import services as plans
from milepost.plans import versions
from milepost.plans.models import TreatmentPlan

# (given name, family name, clinician key, PHQ-9 first/middle/last, GAD-7 first/middle/last)
PAST_CLIENTS: tuple[tuple[str, str, str, tuple[int, int, int], tuple[int, int, int]], ...] = (
    ("Ana", "Brightwater", "alice", (16, 11, 6), (13, 9, 5)),
    ("Ben", "Castellan", "alice", (19, 14, 8), (15, 10, 6)),
    ("Cleo", "Dunmore", "alice", (14, 12, 9), (10, 9, 7)),
    ("Dev", "Ellery", "alice", (22, 18, 15), (16, 13, 11)),
    ("Esme", "Fairweather", "alice", (12, 12, 11), (9, 9, 9)),
    ("Finn", "Galloway", "alice", (17, 10, 4), (14, 8, 3)),
    ("Gia", "Hartwell", "alice", (11, 14, 18), (8, 11, 13)),
    ("Hugo", "Ivers", "bob", (15, 10, 7), (12, 8, 6)),
    ("Isla", "Jernigan", "bob", (20, 15, 12), (17, 13, 10)),
    ("Jude", "Kestrel", "bob", (13, 9, 5), (11, 7, 4)),
    ("Kai", "Lockhart", "bob", (18, 16, 16), (14, 14, 13)),
    ("Lena", "Marchetti", "bob", (10, 7, 3), (9, 6, 3)),
)
# Alice's past clients with worry: (given name, family name, GAD-7 first/middle/last).
WORRY_CLIENTS: tuple[tuple[str, str, tuple[int, int, int]], ...] = (
    ("Mara", "Northcott", (15, 10, 5)),
    ("Nico", "Oakhurst", (12, 8, 4)),
    ("Opal", "Penhallow", (17, 11, 6)),
    ("Pax", "Quenby", (11, 8, 3)),
    ("Rhea", "Sutcliffe", (14, 9, 7)),
    ("Silas", "Thornbury", (9, 7, 6)),  # recovered, by less than the reliable change
    ("Tess", "Underhill", (16, 12, 7)),
    ("Uma", "Vantongeren", (13, 9, 4)),
    ("Wren", "Ashcombe", (18, 13, 7)),
)
WEEKS_APART = 6
# Past clients whose last-session review never happened: their reviews count as late.
NOT_REVIEWED = frozenset({"Dev", "Kai"})
REVIEW_DAYS = 60  # reviewed every 60 days, as many payers ask
PHQ9_GOAL = 9.0  # "9 or below": under the PHQ-9's caseness cut-off of 10
ANXIETY, DEPRESSION, TRAUMA, COUPLES = (
    "Adult anxiety clinic",
    "Depression pathway",
    "Trauma service",
    "Couples service",
)
#: Each client's programme by given name: the past clients above and the demo's own.
PROGRAMME_OF = {
    **dict.fromkeys(("Ana", "Ben", "Cleo", "Esme", "Finn", "Jude"), ANXIETY),
    **dict.fromkeys(("Dev", "Gia", "Hugo", "Isla", "Kai"), DEPRESSION),
    "Lena": COUPLES,
    "Dana": DEPRESSION,
    "Marcus": ANXIETY,
    "Tom": ANXIETY,
    "Priya": TRAUMA,
}


def load_programmes(organization: Organization, staff: dict[str, User]) -> bool:
    """The practice's programmes and who is in each; True when anything changed."""
    changed = False
    existing = {p.name: p for p in programmes_of(staff["sam"])}
    for name in (ANXIETY, DEPRESSION, TRAUMA, COUPLES):
        if name not in existing:
            existing[name] = clients.programme_create(actor=staff["sam"], name=name)
            changed = True
    for client in Client.objects.filter(
        organization=organization, given_name__in=PROGRAMME_OF, programme__isnull=True
    ):
        clinician = client.care_team.get(is_primary=True).clinician
        clients.client_programme_set(
            actor=clinician, client=client, programme=existing[PROGRAMME_OF[client.given_name]]
        )
        changed = True
    return changed


def _past_client(
    organization: Organization,
    clinician: User,
    given: str,
    family: str,
    index: int,
    plan_from: tuple[int, dt.date] | None = None,
) -> Client:
    """A discharged past client; with `plan_from` (first PHQ-9, last session), the signed plan
    they had, made before the discharge."""
    client = Client.objects.filter(
        organization=organization, given_name=given, family_name=family
    ).first()
    if client is None:
        client = clients.client_create(
            actor=clinician,
            given_name=given,
            family_name=family,
            date_of_birth=dt.date(1975 + index, 1 + index % 12, 10),
            referral_reason="Finished a course of treatment last year.",
        )
        if plan_from is not None:
            _past_plan(clinician, client, *plan_from)
        clients.client_update(actor=clinician, client=client, status=ClientStatus.DISCHARGED)
    return client


def _past_plan(clinician: User, client: Client, first_phq9: int, finished: dt.date) -> None:
    """A one-goal plan signed at the first session and reviewed at week 8, before its review
    fell due (but for NOT_REVIEWED, whose review was missed). The target is due by today: a
    due date is never set in the past, and a signed version never changes, so its day is the
    day the demo is loaded."""
    plan = plans.plan_create_draft(
        actor=clinician,
        client=client,
        review_interval_days=REVIEW_DAYS,
        strengths="Came to every session; practised between them.",
        discharge_criteria="PHQ-9 under 10 at two sessions in a row.",
    )
    goal = plans.goal_add(
        actor=clinician,
        plan=plan,
        statement=f"Reduce PHQ-9 from {first_phq9} to 9 or below by the end of treatment",
    )
    plans.target_set(
        actor=clinician,
        owner=goal,
        instrument_code="phq9",
        baseline=float(first_phq9),
        comparator="<=",
        target_value=PHQ9_GOAL,
        due_date=timezone.localdate(),
        confirmed=True,
    )
    versions.plan_sign(
        actor=clinician,
        plan=plan,
        password=settings.DEMO_PASSWORD,
        override_reason="A short plan for a course of treatment that has ended.",
    )
    started = finished - dt.timedelta(weeks=2 * WEEKS_APART)
    backdate(plan, (timezone.localdate() - started).days)  # the demo's history
    if client.given_name in NOT_REVIEWED:
        return
    versions.review_record(
        actor=clinician,
        plan=TreatmentPlan.objects.get(pk=plan.pk),
        held_on=started + dt.timedelta(weeks=8),
        participants=f"{client.given_name} {client.family_name} (client), the clinician",
        summary="Scores reviewed together at week 8; the plan goes on as it is.",
        decisions={goal.public_id: ("continue", "Improving; keep the plan.")},
    )


def _scores(
    clinician: User, client: Client, code: str, totals: tuple[int, ...], finished: dt.date
) -> None:
    instrument = instruments.get(code)
    for step, total in enumerate(totals):
        day = finished - dt.timedelta(weeks=WEEKS_APART * (len(totals) - 1 - step))
        pinned = {9: 0} if code == "phq9" else {}
        measures.administration_submit(
            actor=clinician,
            client=client,
            instrument_code=code,
            answers=answers_for(instrument, total, pinned),
            administered_at=timezone.make_aware(dt.datetime.combine(day, dt.time(11))),
        )


def load_outcomes(organization: Organization, staff: dict[str, User]) -> None:
    today = timezone.localdate()
    changed = not Refresh.objects.filter(organization=organization).exists()
    for index, (given, family, key, phq9, gad7) in enumerate(PAST_CLIENTS):
        clinician = staff[key]
        finished = today - dt.timedelta(days=60 + 14 * index)
        client = _past_client(organization, clinician, given, family, index, (phq9[0], finished))
        if client.administrations.exists():
            continue
        changed = True
        for code, totals in (("phq9", phq9), ("gad7", gad7)):
            _scores(clinician, client, code, totals, finished)
    for offset, (given, family, gad7) in enumerate(WORRY_CLIENTS):
        index = len(PAST_CLIENTS) + offset
        client = _past_client(organization, staff["alice"], given, family, index)
        if client.administrations.exists():
            continue
        changed = True
        finished = today - dt.timedelta(days=60 + 14 * index)
        _scores(staff["alice"], client, "gad7", gad7, finished)
    changed = load_programmes(organization, staff) or changed
    for key in ("sam", "erin"):
        if not staff[key].has_perm("outcomes.view_practice_outcomes"):
            outcomes_permission_grant(actor=None, user=staff[key])
    if changed:  # loading the demo again changes nothing (tests/demo)
        outcomes_refresh(organization=organization)
