"""Personas, as healthchecks and zulip use them.

- alice: clinician; dana is her client.
- bob: clinician on alice's team: he is on dana's care team too.
- sam: supervisor of alice and bob.
- erin: practice admin; manages users, never reads clinical records (she holds no
  records-custodian grant unless a test gives her one: decision 0606).
- frank: clinician of the same practice, on nobody's team with dana.
- charlie: clinician in another organization, with a client of his own (chris).
- dana: alice's client, with a portal login; she has one PHQ-9 (total 17) whose item 9
  raised an open risk alert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.accounts import services as accounts
from milepost.accounts.models import Organization, Role, User
from milepost.clients import services as clients
from milepost.clients.models import Client
from milepost.measures import services as measures
from milepost.measures.models import Administration, RiskAlert
from milepost.notes.models import SessionNote
from milepost.plans.models import (
    Diagnosis,
    FormulationFactor,
    Goal,
    Intervention,
    Objective,
    Target,
    TreatmentPlan,
)

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Personas:
    org: Organization
    other_org: Organization
    alice: User
    bob: User
    sam: User
    erin: User
    frank: User
    charlie: User
    dana: User
    dana_client: Client
    chris_client: Client
    dana_phq9: Administration
    dana_alert: RiskAlert

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONA_NAMES = ("anonymous", "alice", "bob", "sam", "erin", "frank", "charlie", "dana")


def make_personas() -> Personas:
    org = accounts.organization_create(name="Riverbend Therapy")
    other_org = accounts.organization_create(name="Elsewhere Clinic")
    # Password-only sign-in for the personas; tests/accounts/test_mfa.py turns MFA on.
    org.mfa_required = other_org.mfa_required = False
    Organization.objects.bulk_update([org, other_org], ["mfa_required"])

    # Clinicians sign with their credentials (payers require them: PL-12).
    credentials = {"alice": "LCSW", "bob": "PhD", "sam": "LMFT", "frank": "LPC", "charlie": "LCSW"}

    def person(name: str, role: Role, organization: Organization) -> User:
        return accounts.user_create(
            actor=None,
            organization=organization,
            email=f"{name}@example.org",
            full_name=name.capitalize() + " Example",
            role=role,
            password=PASSWORD,
            credentials=credentials.get(name, ""),
        )

    alice = person("alice", Role.CLINICIAN, org)
    bob = person("bob", Role.CLINICIAN, org)
    sam = person("sam", Role.SUPERVISOR, org)
    erin = person("erin", Role.ADMIN, org)
    frank = person("frank", Role.CLINICIAN, org)
    charlie = person("charlie", Role.CLINICIAN, other_org)
    dana = person("dana", Role.CLIENT, org)
    accounts.supervision_add(actor=None, supervisor=sam, clinician=alice)
    accounts.supervision_add(actor=None, supervisor=sam, clinician=bob)

    dana_client = clients.client_create(
        actor=alice,
        given_name="Dana",
        family_name="Quillfeather",
        date_of_birth=dt.date(1990, 4, 1),
        pronouns="she/her",
        referral_reason="Low mood since spring.",
    )
    clients.care_team_add(actor=alice, client=dana_client, clinician=bob)
    clients.client_portal_link(actor=alice, client=dana_client, portal_user=dana)
    chris_client = clients.client_create(
        actor=charlie,
        given_name="Chris",
        family_name="Farshore",
        date_of_birth=dt.date(1985, 1, 2),
    )
    # A PHQ-9 with item 9 above 0: one open risk alert on dana's record.
    dana_phq9 = measures.administration_submit(
        actor=alice,
        client=dana_client,
        instrument_code="phq9",
        answers=[2, 2, 2, 2, 2, 2, 2, 2, 1],
    )
    dana_alert = dana_phq9.alerts.get()
    return Personas(
        org=org,
        other_org=other_org,
        alice=alice,
        bob=bob,
        sam=sam,
        erin=erin,
        frank=frank,
        charlie=charlie,
        dana=dana,
        dana_client=dana_client,
        chris_client=chris_client,
        dana_phq9=dana_phq9,
        dana_alert=dana_alert,
    )


@dataclass(frozen=True)
class DanaPlan:
    plan: TreatmentPlan
    factor: FormulationFactor
    diagnosis: Diagnosis
    goal: Goal
    objective: Objective
    intervention: Intervention


def dana_plan(p: Personas) -> DanaPlan:
    """Dana's draft plan with one of everything, made on first use (the access matrix and
    the plan view tests name its parts in URLs)."""
    from milepost.plans import services as plans

    # Made once per set of personas: a route that removes a part must not make the next
    # route's URL point elsewhere (it then answers 404, as it should).
    cached = _DANA_PLANS.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    factor = plans.formulation_factor_add(
        actor=p.alice,
        client=p.dana_client,
        kind="perpetuating",
        text="Stays in bed when low, so fewer rewarding activities",
    )
    plan = plans.plan_create_draft(actor=p.alice, client=p.dana_client)
    diagnosis = plans.diagnosis_add(actor=p.alice, plan=plan, code="F32.1")
    goal = plans.goal_add(
        actor=p.alice,
        plan=plan,
        statement="Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
        client_words="I want to feel like myself again",
        factors=[factor],
    )
    objective = plans.objective_add(
        actor=p.alice, goal=goal, statement="Do 5 pleasurable activities a week by week 8"
    )
    intervention = plans.intervention_add(
        actor=p.alice,
        objective=objective,
        modality="Behavioural activation",
        frequency="weekly",
        session_minutes=50,
        responsible=p.alice,
    )
    made = DanaPlan(plan, factor, diagnosis, goal, objective, intervention)
    _DANA_PLANS[id(p)] = (p, made)
    return made


_DANA_PLANS: dict[int, tuple[Personas, DanaPlan]] = {}


def dana_note(p: Personas) -> SessionNote:
    """A session note of dana's, written by alice, citing the objectives of her plan in
    force; made on first use, with her plan (the access matrix names it in URLs)."""
    from milepost.notes import services as notes
    from milepost.plans.models import GoalStatus
    from milepost.plans.selectors import plan_in_force

    cached = _DANA_NOTES.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    dana_plan(p)
    # Read afresh: a route tried before may have removed a goal or objective of the draft.
    plan = plan_in_force(p.dana_client)
    objectives = (
        Objective.objects.filter(goal__plan=plan, goal__status=GoalStatus.ACTIVE)
        if plan is not None
        else Objective.objects.none()
    )
    note = notes.note_create(
        actor=p.alice,
        client=p.dana_client,
        held_on=dt.date.today() - dt.timedelta(days=1),
        started_at=dt.time(10, 0),
        ended_at=dt.time(10, 50),
        type="individual",
        setting="in_person",
        narrative="Planned three pleasurable activities for the week.",
        objectives=[(o, "progressing", "Walked twice") for o in objectives],
    )
    _DANA_NOTES[id(p)] = (p, note)
    return note


_DANA_NOTES: dict[int, tuple[Personas, SessionNote]] = {}


def dana_target(p: Personas) -> Target:
    """Dana's goal bound to the PHQ-9 (≤ 9 within 16 weeks; the baseline of 17 is her
    PHQ-9), made on first use and cached like `dana_plan` (routes name it in URLs).

    When a route tried before has removed the goal (the hostile-input test posts to every
    route in turn), no target can be made: the sample is then an unsaved target, whose id
    names nothing, and its routes answer 404 as for any removed part.
    """
    from django.utils import timezone

    from milepost.plans import services as plans

    cached = _DANA_TARGETS.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    goal = dana_plan(p).goal
    if not Goal.objects.filter(pk=goal.pk).exists():
        return Target()
    # A test may have bound (and signed) the goal already: that target is the sample then.
    target = Target.objects.filter(goal=goal).first() or plans.target_set(
        actor=p.alice,
        owner=goal,
        instrument_code="phq9",
        comparator="<=",
        target_value=9,
        due_date=timezone.localdate() + dt.timedelta(weeks=16),
    )
    _DANA_TARGETS[id(p)] = (p, target)
    return target


_DANA_TARGETS: dict[int, tuple[Personas, Target]] = {}
