"""A synthetic practice for scale tests: clients, scores, sessions, plans, goals, reviews.

Made straight into the tables with ``bulk_create`` in batches (no services, no audit events,
no validation beyond the constraints): benchmark data for timing reads, in an organisation of
its own, never a way to make real records (decision 1005). ``manage.py generate_practice``
runs it; it is never part of ``make run``.

Trajectories are drawn from published NHS Talking Therapies figures (NHS Digital,
Psychological Therapies, reports on the use of IAPT services, 2020-21; the URLs are in
domain/outcomes.py and docs/outcomes.md): of people finishing a course of treatment 6.1% were
not at caseness at the start (2,957 of 48,111), 51.6% of those at caseness recovered
(23,291 / 45,154), and 69.1% reliably improved (39,417 / 57,060). Reliable deterioration is
not in our reference; 5% is an assumption, stated as such. Each person's first score is a
case (or not) and their last score lands in the class drawn, on each instrument with its own
thresholds; the scores between are a straight line with noise.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from milepost.accounts.models import Membership, Organization, Role, Supervision, User
from milepost.clients.models import CareTeamMember, Client, Programme
from milepost.domain import instruments
from milepost.domain.instruments import Instrument
from milepost.lib.public_id import new_public_id
from milepost.measures.models import Administration, Source
from milepost.notes.models import SessionNote
from milepost.plans.models import (
    Diagnosis,
    Goal,
    Metric,
    MetricPeriod,
    Observation,
    PlanStatus,
    Review,
    Target,
    TreatmentPlan,
)

#: Published rates (see the module docstring) and the one assumption.
NOT_AT_CASENESS = 2957 / 48111
RECOVERY = 23291 / (48111 - 2957)
RELIABLE_IMPROVEMENT = 39417 / 57060
RELIABLE_DETERIORATION = 0.05  # ASSUMPTION: not in the reference
#: Reviews: held on time, late, or not at all (ASSUMPTION: no published rate found).
REVIEW_ON_TIME, REVIEW_LATE = 0.7, 0.2

DIAGNOSES = ("F32.1", "F33.1", "F41.1", "F41.0", "F43.1", "F40.1", "F34.1")
#: The practice's programmes (decision 1010) and the share of clients in none (ASSUMPTION).
PROGRAMMES = ("Adult anxiety clinic", "Depression pathway", "Couples service", "Trauma service")
NO_PROGRAMME = 0.15
#: Goals tracked by a self-monitoring metric instead of a questionnaire, and the share of
#: those met by their due date (ASSUMPTIONS: no published rate found).
METRIC_TARGETS, METRIC_MET = 0.25, 0.5
METRIC_VALUES = 4  # weekly values, the last in the week of the due date
HASH = "0" * 64
BATCH = 5000


@dataclass(frozen=True)
class Size:
    clients: int = 100_000
    administrations: int = 1_000_000
    goals: int = 300_000

    @property
    def clinicians(self) -> int:
        return max(2, self.clients // 100)


@dataclass(frozen=True)
class Made:
    organization: Organization
    clients: int
    administrations: int
    goals: int
    sessions: int
    reviews: int


def _batches(rows: Iterator[Any], model: type[models.Model]) -> int:
    count = 0
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model._default_manager.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch)
        count += len(batch)
    return count


def _last_score(rng: random.Random, instrument: Instrument, first: int, klass: str) -> int:
    """A last score in ``klass`` (or as near as the first score allows)."""
    cutoff = instrument.caseness_cutoff or 0
    rc = int(instrument.reliable_change or 1)
    low, high = instrument.total_min, instrument.total_max
    if klass == "deteriorated" and first + rc <= high:
        return rng.randint(first + rc, min(high, first + rc + 4))
    if klass == "reliably_recovered" and first - rc >= low:
        return rng.randint(low, min(cutoff - 1, first - rc)) if first >= cutoff else first - rc
    if klass == "recovered" and first >= cutoff and first - rc + 1 <= cutoff - 1:
        return rng.randint(max(low, first - rc + 1), cutoff - 1)
    if klass == "improved" and first - rc >= (cutoff if first >= cutoff else low):
        return rng.randint(cutoff if first >= cutoff else low, first - rc)
    return max(low, min(high, first + rng.randint(-(rc - 1), rc - 1)))


def _klass(rng: random.Random, at_caseness: bool) -> str:
    """The outcome class of one person, so that the practice's rates match the published."""
    draw = rng.random()
    if draw < RELIABLE_DETERIORATION:
        return "deteriorated"
    draw -= RELIABLE_DETERIORATION
    if not at_caseness:
        return "improved" if draw < RELIABLE_IMPROVEMENT else "none"
    # Of people at caseness: reliable recovery, recovery without reliable improvement,
    # reliable improvement without recovery, no reliable change.
    reliably = min(RECOVERY, RELIABLE_IMPROVEMENT) * 0.93
    for klass, share in (
        ("reliably_recovered", reliably),
        ("recovered", RECOVERY - reliably),
        ("improved", RELIABLE_IMPROVEMENT - reliably),
    ):
        if draw < share:
            return klass
        draw -= share
    return "none"


def _first_score(rng: random.Random, instrument: Instrument, at_caseness: bool, klass: str) -> int:
    """A first score that is a case (or not) and leaves room for ``klass``."""
    cutoff = instrument.caseness_cutoff or 0
    rc = int(instrument.reliable_change or 1)
    high = instrument.total_max
    if not at_caseness:
        return rng.randint(instrument.total_min, cutoff - 1)
    if klass == "improved":  # reliably better yet still a case at the end
        return rng.randint(min(high, cutoff + rc), high)
    if klass == "recovered":  # below the cut-off at the end by less than the threshold
        return rng.randint(cutoff, cutoff + rc - 2)
    if klass == "deteriorated":
        return rng.randint(cutoff, high - rc)
    return rng.randint(cutoff, min(high, cutoff + 12))


def _answers(instrument: Instrument, total: int) -> list[int]:
    """Item values summing to ``total``, filled from the first item (the last stays 0)."""
    answers = [0] * len(instrument.items)
    left = total
    for i, item in enumerate(instrument.items[:-1]):
        answers[i] = min(item.max_value, left)
        left -= answers[i]
    return answers


def generate(
    size: Size,
    *,
    seed: int = 17,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Made:
    """Make one synthetic practice of ``size``; returns its organisation and counts."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    today = today or timezone.localdate()
    now = timezone.now()
    phq9, gad7 = instruments.get("phq9"), instruments.get("gad7")
    with transaction.atomic():
        organization = Organization.objects.create(
            name=f"Synthetic practice {seed}", mfa_required=False
        )
        users = [
            User(
                email=f"synthetic-{seed}-{organization.pk}-{i}@example.org",
                full_name=f"Clinician {i + 1:04d}",
                password=make_password(None),
            )
            for i in range(size.clinicians)
        ]
        User.objects.bulk_create(users)
        users = list(User.objects.filter(email__startswith=f"synthetic-{seed}-{organization.pk}-"))
        supervisors = users[: max(1, len(users) // 10)]
        Membership.objects.bulk_create(
            Membership(
                user=u,
                organization=organization,
                role=Role.SUPERVISOR if u in supervisors else Role.CLINICIAN,
            )
            for u in users
        )
        Supervision.objects.bulk_create(
            Supervision(supervisor=supervisors[i % len(supervisors)], clinician=u)
            for i, u in enumerate(users)
            if u not in supervisors
        )
        progress(f"{len(users)} clinicians")

        programmes = [
            Programme(organization=organization, public_id=new_public_id(), name=name)
            for name in PROGRAMMES
        ]
        Programme.objects.bulk_create(programmes)
        programmes = list(Programme.objects.filter(organization=organization).order_by("id"))

        start = today - dt.timedelta(days=730)
        clients = [
            Client(
                organization=organization,
                public_id=new_public_id(),
                given_name="Synthetic",
                family_name=f"Client {i + 1:06d}",
                date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(18000)),
                created_at=dt.datetime.combine(
                    start + dt.timedelta(days=rng.randrange(700)), dt.time(9), tzinfo=dt.UTC
                ),
                programme=None if rng.random() < NO_PROGRAMME else rng.choice(programmes),
            )
            for i in range(size.clients)
        ]
        _batches(iter(clients), Client)
        clients = list(Client.objects.filter(organization=organization).order_by("id"))
        clinician_of = {c.pk: users[rng.randrange(len(users))] for c in clients}
        _batches(
            (
                CareTeamMember(client=c, clinician=clinician_of[c.pk], is_primary=True)
                for c in clients
            ),
            CareTeamMember,
        )
        progress(f"{len(clients)} clients")

        # Scores: each client's share of the administrations, PHQ-9 and GAD-7 alternately
        # weighted 3:2, one session note per PHQ-9 (a questionnaire at most sessions).
        per_client = _spread(rng, size.administrations, len(clients))
        sessions_made = 0

        def administrations() -> Iterator[Administration]:
            nonlocal sessions_made
            for client, n in zip(clients, per_client, strict=True):
                first_day = client.created_at.date() + dt.timedelta(days=rng.randrange(21))
                n_phq = max(1, (n * 3 + 4) // 5) if n else 0
                for instrument, count in ((phq9, n_phq), (gad7, n - n_phq)):
                    if count <= 0:
                        continue
                    at_caseness = rng.random() >= NOT_AT_CASENESS
                    # Weekly from the first score, the last no later than today.
                    start_day = min(first_day, today - dt.timedelta(days=7 * (count - 1)))
                    klass = _klass(rng, at_caseness)
                    first = _first_score(rng, instrument, at_caseness, klass)
                    last = _last_score(rng, instrument, first, klass)
                    for k in range(count):
                        if count == 1 or k == 0:
                            total = first
                        elif k == count - 1:
                            total = last
                        else:
                            line = first + (last - first) * k / (count - 1)
                            total = round(line + rng.uniform(-2, 2))
                            total = max(instrument.total_min, min(instrument.total_max, total))
                        band = instrument.band_for(total)
                        day = start_day + dt.timedelta(days=7 * k)
                        yield Administration(
                            organization=organization,
                            client=client,
                            public_id=new_public_id(),
                            instrument_code=instrument.code,
                            answers=_answers(instrument, total),
                            total=total,
                            exact_total=total,
                            band_code=band.code if band else "",
                            band_label=band.label if band else "",
                            answered=len(instrument.items),
                            administered_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
                            entered_by=clinician_of[client.pk],
                            source=Source.CLINICIAN,
                            created_at=now,
                        )

        made_administrations = _batches(administrations(), Administration)
        progress(f"{made_administrations} administrations")

        def notes() -> Iterator[SessionNote]:
            nonlocal sessions_made
            for client, n in zip(clients, per_client, strict=True):
                weeks = max(1, (n * 3 + 4) // 5)
                first_day = min(
                    client.created_at.date() + dt.timedelta(days=7),
                    today - dt.timedelta(days=7 * (weeks - 1)),
                )
                for k in range(weeks):
                    sessions_made += 1
                    yield SessionNote(
                        organization=organization,
                        client=client,
                        public_id=new_public_id(),
                        clinician=clinician_of[client.pk],
                        held_on=first_day + dt.timedelta(days=7 * k),
                        started_at=dt.time(10),
                        ended_at=dt.time(10, 50),
                        type="individual",
                        setting="in_person",
                    )

        _batches(notes(), SessionNote)
        progress(f"{sessions_made} session notes")

        plans = []
        for client in clients:
            signed = client.created_at + dt.timedelta(days=14)
            plans.append(
                TreatmentPlan(
                    organization=organization,
                    client=client,
                    public_id=new_public_id(),
                    version=1,
                    status=PlanStatus.SIGNED,
                    created_by=clinician_of[client.pk],
                    created_at=client.created_at,
                    signed_at=signed,
                    review_due_on=signed.date() + dt.timedelta(days=90),
                    content_hash=HASH,
                )
            )
        _batches(iter(plans), TreatmentPlan)
        plans = list(TreatmentPlan.objects.filter(organization=organization).order_by("client_id"))
        _batches(
            (
                Diagnosis(
                    plan=p, public_id=new_public_id(), code=rng.choice(DIAGNOSES), text="Synthetic"
                )
                for p in plans
            ),
            Diagnosis,
        )

        def reviews() -> Iterator[Review]:
            for plan in plans:
                due = plan.review_due_on
                if due is None or due > today:
                    continue
                draw = rng.random()
                if draw < REVIEW_ON_TIME:
                    held = due - dt.timedelta(days=rng.randrange(14))
                elif draw < REVIEW_ON_TIME + REVIEW_LATE:
                    held = due + dt.timedelta(days=1 + rng.randrange(30))
                else:
                    continue
                yield Review(
                    plan=plan,
                    public_id=new_public_id(),
                    held_on=min(held, today),
                    due_on=due,
                    participants="Client and clinician",
                    created_by_id=plan.created_by_id,
                )

        made_reviews = _batches(reviews(), Review)
        progress(f"{made_reviews} reviews")

        goals_per_plan = _spread(rng, size.goals, len(plans))
        goals = [
            Goal(plan=p, public_id=new_public_id(), order=k + 1, statement="Synthetic goal")
            for p, n in zip(plans, goals_per_plan, strict=True)
            for k in range(n)
        ]
        _batches(iter(goals), Goal)
        signed_on = {p.pk: p.signed_at for p in plans}
        client_of = {p.pk: p.client_id for p in plans}
        metric = Metric.objects.create(
            organization=organization,
            name="Pleasurable activities",
            unit="activities",
            period=MetricPeriod.WEEK,
            created_by=users[0],
        )
        # (client, due date, met by then) of each metric target, for its weekly values.
        tracked: list[tuple[int, dt.date, bool]] = []

        def targets() -> Iterator[Target]:
            for goal_id, plan_id in Goal.objects.filter(
                plan__organization=organization
            ).values_list("id", "plan_id"):
                signed = signed_on[plan_id]
                due = (signed or now).date() + dt.timedelta(days=56 + rng.randrange(112))
                if rng.random() < METRIC_TARGETS:
                    tracked.append((client_of[plan_id], due, rng.random() < METRIC_MET))
                    yield Target(
                        goal_id=goal_id,
                        public_id=new_public_id(),
                        metric=metric,
                        baseline=1,
                        comparator=">=",
                        target_value=3,
                        direction="increase",
                        due_date=due,
                        confirmed=True,
                    )
                    continue
                instrument = phq9 if rng.random() < 0.6 else gad7
                yield Target(
                    goal_id=goal_id,
                    public_id=new_public_id(),
                    instrument_code=instrument.code,
                    comparator="<=",
                    target_value=(instrument.caseness_cutoff or 1) - 1,
                    direction="decrease",
                    due_date=due,
                    confirmed=True,
                )

        made_goals = _batches(targets(), Target)
        progress(f"{made_goals} goals with targets")

        def observations() -> Iterator[Observation]:
            # Weekly values up to the week of the due date: rising to 3 or more when met,
            # staying at 2 or fewer when not; none after today.
            for client_id, due, met in tracked:
                monday = due - dt.timedelta(days=due.weekday())
                for k in range(METRIC_VALUES):
                    week = monday - dt.timedelta(days=7 * (METRIC_VALUES - 1 - k))
                    if week > today:
                        break
                    last = k == METRIC_VALUES - 1
                    value = rng.randint(3, 5) if met and last else rng.randint(0, 2)
                    yield Observation(
                        organization=organization,
                        client_id=client_id,
                        public_id=new_public_id(),
                        metric=metric,
                        value=value,
                        period_start=week,
                        entered_by=users[0],
                        created_at=now,
                    )

        made_observations = _batches(observations(), Observation)
        progress(f"{made_observations} self-monitoring values")
    return Made(
        organization=organization,
        clients=len(clients),
        administrations=made_administrations,
        goals=made_goals,
        sessions=sessions_made,
        reviews=made_reviews,
    )


def _spread(rng: random.Random, total: int, buckets: int) -> list[int]:
    """``total`` items over ``buckets``, each near the mean, summing exactly to ``total``."""
    if buckets == 0:
        return []
    mean = total / buckets
    counts = [max(0, round(rng.uniform(0.4, 1.6) * mean)) for _ in range(buckets)]
    difference = total - sum(counts)
    step = 1 if difference > 0 else -1
    i = 0
    while difference:
        index = i % buckets
        if step > 0 or counts[index] > 0:
            counts[index] += step
            difference -= step
        i += 1
    return counts
