"""Formulations and draft treatment plans for the demo clients, with custom-metric values.

Modelled on the seed guide's examples: depression (Dana), panic with agoraphobia
(Marcus), PTSD (Priya) and social anxiety (Tom). Marcus's plan is left incomplete on
purpose (one goal without the client's words, an objective without an intervention, no
discharge criteria, unconfirmed targets) so that the plan checks have something to say.

Everything goes through the plans services, so it is audited like real data. Loading is
idempotent: factors are found by their text, plans by client, metrics by name and period,
and a client's metric series is entered only while the client has no values for it yet
(the dates are counted back from today, so a later run must not add a shifted copy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.domain import periods
from milepost.plans import services as plans
from milepost.plans.models import (
    Comparator,
    FactorKind,
    Formulation,
    FormulationFactor,
    Goal,
    InterventionType,
    Metric,
    MetricPeriod,
    Objective,
    Observation,
    TreatmentPlan,
)

WEEK = dt.timedelta(weeks=1)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    unit: str
    period: str


@dataclass(frozen=True)
class TargetSpec:
    """What target_set receives; no baseline means target_set pre-fills it from the history."""

    comparator: str
    target_value: float
    due_in: dt.timedelta
    instrument_code: str = ""
    metric: MetricSpec | None = None
    baseline: float | None = None
    confirmed: bool = True


@dataclass(frozen=True)
class InterventionSpec:
    modality: str
    frequency: str = "weekly"
    type: str = InterventionType.INDIVIDUAL
    session_minutes: int | None = 50


@dataclass(frozen=True)
class ObjectiveSpec:
    statement: str
    target: TargetSpec | None = None
    interventions: tuple[InterventionSpec, ...] = ()


@dataclass(frozen=True)
class GoalSpec:
    statement: str
    client_words: str = ""
    # Texts of the maintaining factors the goal targets (they must be in the formulation).
    factors: tuple[str, ...] = ()
    target: TargetSpec | None = None
    objectives: tuple[ObjectiveSpec, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    diagnoses: tuple[tuple[str, str], ...]
    strengths: str
    discharge_criteria: str
    goals: tuple[GoalSpec, ...]
    review_interval_days: int = 90
    functional_impairment: str = ""


@dataclass(frozen=True)
class FormulationSpec:
    presenting_problems: str
    situation: str
    thoughts: str
    emotions: str
    behaviours: str
    factors: tuple[tuple[str, str], ...]  # (kind, text), in order within each kind


@dataclass(frozen=True)
class Series:
    """Values of a metric, one a week, for the weeks that ended before this one."""

    metric: MetricSpec
    values: tuple[float, ...]


@dataclass(frozen=True)
class DemoPlan:
    formulation: FormulationSpec
    plan: PlanSpec
    series: tuple[Series, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- metrics

PLEASURABLE_ACTIVITIES = MetricSpec("Pleasurable activities", "activities", MetricPeriod.WEEK)
HOURS_IN_BED = MetricSpec("Hours in bed during the day", "hours", MetricPeriod.DAY)
THOUGHT_RECORDS = MetricSpec("Thought records completed", "records", MetricPeriod.WEEK)
FRIEND_MEETUPS = MetricSpec("Meet-ups with friends", "meet-ups", MetricPeriod.WEEK)
FRIEND_MESSAGES = MetricSpec("Messages or calls to friends", "messages or calls", MetricPeriod.WEEK)
PANIC_ATTACKS = MetricSpec("Panic attacks", "attacks", MetricPeriod.WEEK)
NIGHTMARES = MetricSpec("Nightmares", "nightmares", MetricPeriod.WEEK)
HIGHWAY_TRIPS = MetricSpec("Highway trips", "trips", MetricPeriod.WEEK)
PEAK_DISTRESS = MetricSpec(
    "Peak distress during imaginal exposure", "points (0-10)", MetricPeriod.SESSION
)
RUNS = MetricSpec("Runs", "runs", MetricPeriod.WEEK)
COLLEAGUE_BREAKS = MetricSpec(
    "Lunches or breaks with colleagues", "lunches or breaks", MetricPeriod.WEEK
)
SOCIAL_GATHERINGS = MetricSpec("Social gatherings attended", "gatherings", MetricPeriod.MONTH)

# ---------------------------------------------------------------- Dana: depression

DANA_IN_BED = "Stays in bed most of the day, so has fewer rewarding experiences"
DANA_WITHDRAWN = "Withdrawn from friends"
DANA_RUMINATES = "Ruminates on self-critical thoughts"

DANA = DemoPlan(
    formulation=FormulationSpec(
        presenting_problems=(
            "Low mood, loss of interest and poor concentration since losing her job last "
            "spring. Spends much of the day in bed, has stopped seeing friends and calls "
            "herself a failure. PHQ-9 of 18 at intake; no thoughts of self-harm reported."
        ),
        situation=(
            "Wakes late on a weekday with nothing planned and sees former colleagues' news online."
        ),
        thoughts='"I\'m useless. Everyone else has moved on and I never will."',
        emotions="Sadness, shame, a heavy tiredness.",
        behaviours="Goes back to bed, cancels plans with friends and turns her phone off.",
        factors=(
            (
                FactorKind.PREDISPOSING,
                "An earlier low period at university that lifted without treatment",
            ),
            (FactorKind.PREDISPOSING, "Learned early that her worth depends on achievement"),
            (FactorKind.PRECIPITATING, "Job loss last spring"),
            (FactorKind.PERPETUATING, DANA_IN_BED),
            (FactorKind.PERPETUATING, DANA_WITHDRAWN),
            (FactorKind.PERPETUATING, DANA_RUMINATES),
            (FactorKind.PROTECTIVE, "Close to her sister"),
            (FactorKind.PROTECTIVE, "Enjoyed painting and long walks before the episode"),
            (FactorKind.PROTECTIVE, "Motivated for therapy; does the homework between sessions"),
        ),
    ),
    plan=PlanSpec(
        diagnoses=(("F32.1", "Major depressive disorder, single episode, moderate"),),
        strengths=(
            "A close, supportive sister; sees how withdrawing keeps her low; attends "
            "reliably and completes homework; painting and walking to build on."
        ),
        functional_impairment=(
            "Off work for six weeks; stays in bed until noon most days; has stopped seeing "
            "friends and leaves the flat only for essential shopping."
        ),
        discharge_criteria=(
            "PHQ-9 of 9 or below on two administrations in a row; at least 5 planned "
            "activities a week for a month; in regular contact with friends; a written "
            "relapse-prevention plan agreed with her."
        ),
        goals=(
            GoalSpec(
                "Reduce PHQ-9 from 18 to 9 or below within 16 weeks by spending less time in "
                "bed, challenging self-critical thoughts and making room for things she enjoys",
                client_words="I want to feel like myself again and enjoy things",
                factors=(DANA_IN_BED, DANA_RUMINATES),
                # Her intake PHQ-9, as the goal says: the demo plan stands for the one made
                # at intake, before the months of history (the latest score, the default,
                # would make the target met from the start).
                target=TargetSpec(
                    Comparator.AT_MOST, 9, 16 * WEEK, instrument_code="phq9", baseline=18
                ),
                objectives=(
                    ObjectiveSpec(
                        "Increase scheduled pleasurable or mastery activities from 1 to 5 "
                        "per week within 4 weeks",
                        TargetSpec(
                            Comparator.AT_LEAST,
                            5,
                            4 * WEEK,
                            metric=PLEASURABLE_ACTIVITIES,
                            baseline=1,
                        ),
                        (
                            InterventionSpec("Behavioural activation"),
                            InterventionSpec("Activity scheduling with a weekly activity log"),
                        ),
                    ),
                    ObjectiveSpec(
                        "Reduce time in bed during the day from about 4 hours to 1 hour or "
                        "less within 6 weeks",
                        TargetSpec(
                            Comparator.AT_MOST, 1, 6 * WEEK, metric=HOURS_IN_BED, baseline=4
                        ),
                        (InterventionSpec("Sleep hygiene and a fixed getting-up time"),),
                    ),
                    ObjectiveSpec(
                        "Identify and restructure at least 3 self-critical automatic thoughts "
                        "per week on a thought record, up from 0, by week 8",
                        TargetSpec(
                            Comparator.AT_LEAST, 3, 8 * WEEK, metric=THOUGHT_RECORDS, baseline=0
                        ),
                        (InterventionSpec("Cognitive restructuring with thought records"),),
                    ),
                ),
            ),
            GoalSpec(
                "Increase meet-ups with friends from 0 to at least 1 per week within 12 weeks",
                client_words=(
                    "I miss my friends. I want to see them again instead of hiding from them"
                ),
                # Draws on a strength too, which meets PL-05 (decision 0811).
                factors=(DANA_WITHDRAWN, "Close to her sister"),
                target=TargetSpec(
                    Comparator.AT_LEAST, 1, 12 * WEEK, metric=FRIEND_MEETUPS, baseline=0
                ),
                objectives=(
                    ObjectiveSpec(
                        "Increase messages or calls to friends from 0 to at least 3 per week "
                        "within 4 weeks",
                        TargetSpec(
                            Comparator.AT_LEAST, 3, 4 * WEEK, metric=FRIEND_MESSAGES, baseline=0
                        ),
                        (InterventionSpec("Graded social re-engagement (behavioural activation)"),),
                    ),
                ),
            ),
        ),
    ),
    series=(
        Series(PLEASURABLE_ACTIVITIES, (1, 1, 2, 2, 3, 3, 4, 4)),
        # A per-day metric: one day (the Monday) of each week.
        Series(HOURS_IN_BED, (4, 3.5, 3.5, 3, 2.5, 2, 2, 1.5)),
    ),
)

# ---------------------------------------------------------------- Marcus: panic, agoraphobia

MARCUS_MISREADS = "Reads a racing heart as the start of a heart attack"
MARCUS_AVOIDS = "Avoids supermarkets and queues, so never learns that the fear passes"
MARCUS_SAFETY = "Carries water and maps the exits wherever he goes (safety behaviours)"

MARCUS = DemoPlan(
    formulation=FormulationSpec(
        presenting_problems=(
            "Panic attacks about three times a week for eight months: racing heart, "
            "breathlessness and a fear of collapsing. Avoids supermarkets, queues and "
            "crowds; his partner now does the grocery shopping. GAD-7 of 15 at intake."
        ),
        situation="Standing in a long queue at the supermarket checkout.",
        thoughts='"My heart is going too fast. I\'m going to collapse and nobody will help."',
        emotions="Terror, then embarrassment.",
        behaviours=(
            "Leaves the trolley and goes outside, sips water, and plans the exits "
            "before the next trip."
        ),
        factors=(
            (FactorKind.PREDISPOSING, "Long-standing worry about his health"),
            (
                FactorKind.PRECIPITATING,
                "First panic attack in a crowded supermarket after "
                "weeks of work stress and short sleep",
            ),
            (FactorKind.PERPETUATING, MARCUS_MISREADS),
            (FactorKind.PERPETUATING, MARCUS_AVOIDS),
            (FactorKind.PERPETUATING, MARCUS_SAFETY),
            (FactorKind.PROTECTIVE, "A partner who wants to help with practice"),
            (FactorKind.PROTECTIVE, "Plays five-a-side football and values keeping fit"),
        ),
    ),
    # Deliberately incomplete: see the module docstring.
    plan=PlanSpec(
        diagnoses=(("F40.01", "Agoraphobia with panic disorder"),),
        strengths="Clear about what he wants back; a supportive partner; physically active.",
        discharge_criteria="",
        goals=(
            GoalSpec(
                "Reduce panic attacks from 3 per week to 1 per month or fewer and resume "
                "grocery shopping alone within 12 weeks",
                factors=(MARCUS_MISREADS, MARCUS_AVOIDS, MARCUS_SAFETY),
                # The metric counts per week: one a month is about 0.25 a week.
                target=TargetSpec(
                    Comparator.AT_MOST,
                    0.25,
                    12 * WEEK,
                    metric=PANIC_ATTACKS,
                    baseline=3,
                    confirmed=False,
                ),
                objectives=(
                    ObjectiveSpec(
                        "Complete an exposure hierarchy of 10 items and reach the top item "
                        "by week 10",
                        interventions=(
                            InterventionSpec("Graded in-vivo exposure along the hierarchy"),
                        ),
                    ),
                    ObjectiveSpec(
                        "Reduce the identified safety behaviours (carrying water, mapping "
                        "exits) from every outing to none by week 8",
                    ),
                    ObjectiveSpec(
                        "Lower GAD-7 from 15 to 7 or below within 12 weeks",
                        TargetSpec(
                            Comparator.AT_MOST,
                            7,
                            12 * WEEK,
                            instrument_code="gad7",
                            confirmed=False,
                        ),
                        (
                            InterventionSpec(
                                "Interoceptive exposure and cognitive restructuring of "
                                "catastrophic misreadings"
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    series=(Series(PANIC_ATTACKS, (3, 3, 4, 3, 2, 3)),),
)

# ---------------------------------------------------------------- Priya: PTSD

PRIYA_AVOIDS = "Avoids highways and reminders of the collision, so the memory stays frightening"
PRIYA_SUPPRESSES = "Pushes the memory away whenever it intrudes, so it is never processed"
PRIYA_BLAME = 'Believes "I should have seen it coming; it was my fault"'
PRIYA_DROPPED = "Has stopped running and weekend plans since the collision"

PRIYA = DemoPlan(
    formulation=FormulationSpec(
        presenting_problems=(
            "Nightmares, intrusive memories and constant alertness on the road since a "
            "highway collision eighteen months ago in which she was driving. Has not driven "
            "on a highway since and takes long detours. PCL-5 of 52 at intake."
        ),
        situation="Hears brakes screech, or sees a highway on-ramp ahead.",
        thoughts='"It\'s happening again, I\'m going to die." "It was my fault."',
        emotions="Fear, guilt, anger.",
        behaviours=(
            "Turns off before the highway, checks the mirrors again and again, and "
            "pushes the memory away."
        ),
        factors=(
            (FactorKind.PREDISPOSING, "A car accident in childhood in which her mother was hurt"),
            (FactorKind.PRECIPITATING, "Highway collision eighteen months ago (the index event)"),
            (FactorKind.PERPETUATING, PRIYA_AVOIDS),
            (FactorKind.PERPETUATING, PRIYA_SUPPRESSES),
            (FactorKind.PERPETUATING, PRIYA_BLAME),
            (FactorKind.PERPETUATING, PRIYA_DROPPED),
            (FactorKind.PROTECTIVE, "A supportive husband and two close friends"),
            (FactorKind.PROTECTIVE, "Back at work part-time, in a job she values"),
        ),
    ),
    plan=PlanSpec(
        diagnoses=(("F43.10", "Post-traumatic stress disorder, unspecified"),),
        strengths=(
            "Strong support at home and from friends; working part-time; determined to "
            "drive again; does the weekly practice between sessions."
        ),
        functional_impairment=(
            "Has not driven since the crash, so relies on lifts to work; sleeps about four "
            "hours a night after nightmares and is late to work twice a week."
        ),
        discharge_criteria=(
            "PCL-5 of 30 or below on two administrations in a row; nightmares once a week "
            "or less for a month; driving on highways at least twice a week; a "
            "relapse-prevention plan agreed with her."
        ),
        goals=(
            GoalSpec(
                "Reduce PCL-5 from 52 to 30 or below and resume driving on highways within "
                "16 weeks",
                client_words=(
                    "I want to drive to my sister's on the highway again and sleep "
                    "through the night"
                ),
                factors=(PRIYA_AVOIDS, PRIYA_SUPPRESSES, PRIYA_BLAME),
                # Her intake score, as the goal says (decision 0312).
                target=TargetSpec(
                    Comparator.AT_MOST, 30, 16 * WEEK, instrument_code="pcl5", baseline=52
                ),
                objectives=(
                    ObjectiveSpec(
                        "Reduce nightmares from 5 per week to 1 per week or fewer within 8 weeks",
                        TargetSpec(Comparator.AT_MOST, 1, 8 * WEEK, metric=NIGHTMARES, baseline=5),
                        (InterventionSpec("Imagery rehearsal therapy for the nightmares"),),
                    ),
                    ObjectiveSpec(
                        "Complete trauma-focused processing of the index event by week 12, "
                        "reducing distress at the worst moment of the memory from 9 to 3 or "
                        "below on a 0-10 scale",
                        TargetSpec(
                            Comparator.AT_MOST, 3, 12 * WEEK, metric=PEAK_DISTRESS, baseline=9
                        ),
                        (
                            InterventionSpec(
                                "Prolonged exposure: imaginal exposure to the index event",
                                session_minutes=90,
                            ),
                            InterventionSpec(
                                "Cognitive processing therapy for the self-blame belief"
                            ),
                        ),
                    ),
                    ObjectiveSpec(
                        "Increase highway driving from 0 to at least 2 trips per week by week 16",
                        TargetSpec(
                            Comparator.AT_LEAST, 2, 16 * WEEK, metric=HIGHWAY_TRIPS, baseline=0
                        ),
                        (InterventionSpec("Prolonged exposure: graded in-vivo driving practice"),),
                    ),
                ),
            ),
            GoalSpec(
                "Reduce PHQ-9 from 14 to 9 or below within 16 weeks by returning to weekend "
                "running",
                client_words="I want to enjoy my weekends again, like when I used to run",
                factors=(PRIYA_DROPPED,),
                # Her intake score, as the goal says (decision 0312).
                target=TargetSpec(
                    Comparator.AT_MOST, 9, 16 * WEEK, instrument_code="phq9", baseline=14
                ),
                objectives=(
                    ObjectiveSpec(
                        "Increase runs from 0 to at least 1 per week within 8 weeks",
                        TargetSpec(Comparator.AT_LEAST, 1, 8 * WEEK, metric=RUNS, baseline=0),
                        (InterventionSpec("Behavioural activation"),),
                    ),
                ),
            ),
        ),
    ),
    series=(
        Series(NIGHTMARES, (5, 5, 4, 4, 3, 3)),
        Series(HIGHWAY_TRIPS, (0, 0, 0, 0, 1, 1)),
    ),
)

# ---------------------------------------------------------------- Tom: social anxiety

TOM_AVOIDS = "Avoids social gatherings, so never finds out that they can cope"
TOM_SAFETY = "Rehearses what to say and avoids eye contact, which makes conversations stilted"
TOM_REPLAYS = "Replays conversations afterwards, looking for mistakes"

TOM = DemoPlan(
    formulation=FormulationSpec(
        presenting_problems=(
            "Anxiety in groups and in meetings for several years, worse since starting a new "
            "job. Avoids social gatherings and team lunches and goes over conversations "
            "afterwards. Mood has dropped in recent weeks."
        ),
        situation="Invited to drinks with colleagues after work.",
        thoughts="\"I'll have nothing to say and they'll think I'm boring.\"",
        emotions="Anxiety, dread, embarrassment.",
        behaviours=(
            "Makes an excuse not to go; when they do go, stays at the edge and leaves early."
        ),
        factors=(
            (FactorKind.PREDISPOSING, "Shy since childhood; bullied at secondary school"),
            (FactorKind.PRECIPITATING, "Starting a new job with daily team meetings"),
            (FactorKind.PERPETUATING, TOM_AVOIDS),
            (FactorKind.PERPETUATING, TOM_SAFETY),
            (FactorKind.PERPETUATING, TOM_REPLAYS),
            (FactorKind.PROTECTIVE, "Two long-standing friends from school"),
            (FactorKind.PROTECTIVE, "Values their work and wants to progress in it"),
        ),
    ),
    plan=PlanSpec(
        diagnoses=(("F40.10", "Social phobia, unspecified"),),
        strengths="Two close friends; committed to their job; curious about how anxiety works.",
        functional_impairment=(
            "Turns down every invitation and eats lunch alone at work; has not joined a "
            "team meeting with the camera on in three months."
        ),
        discharge_criteria=(
            "At least 2 social gatherings a month for two months running, with anxiety they "
            "rate as manageable."
        ),
        goals=(
            GoalSpec(
                "I will feel more comfortable in group settings within three months by "
                "engaging in two social gatherings per month",
                client_words="I want to feel at ease with friends and at work",
                factors=(TOM_AVOIDS, TOM_SAFETY, "Two long-standing friends from school"),
                target=TargetSpec(
                    Comparator.AT_LEAST,
                    2,
                    dt.timedelta(days=91),
                    metric=SOCIAL_GATHERINGS,
                    baseline=0,
                ),
                objectives=(
                    ObjectiveSpec(
                        "Increase lunches or breaks with colleagues from 0 to at least 1 per "
                        "week within 6 weeks",
                        TargetSpec(
                            Comparator.AT_LEAST, 1, 6 * WEEK, metric=COLLEAGUE_BREAKS, baseline=0
                        ),
                        (
                            InterventionSpec(
                                "CBT for social anxiety: graded exposure and behavioural "
                                "experiments"
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
)

# Keyed by the demo client's given name.
DEMO_PLANS: dict[str, DemoPlan] = {"Dana": DANA, "Marcus": MARCUS, "Priya": PRIYA, "Tom": TOM}


# ---------------------------------------------------------------- loading


def _metric(clinician: User, client: Client, spec: MetricSpec) -> Metric:
    metric = Metric.objects.filter(
        organization=client.organization, name__iexact=spec.name, period=spec.period
    ).first()
    if metric is None:
        metric = plans.metric_create(
            actor=clinician, name=spec.name, unit=spec.unit, period=spec.period
        )
    return metric


def _formulation(client: Client, clinician: User, spec: FormulationSpec) -> None:
    # Written once: a clinician's later edits in the app are left alone.
    if not Formulation.objects.filter(client=client).exists():
        plans.formulation_update(
            actor=clinician,
            client=client,
            presenting_problems=spec.presenting_problems,
            situation=spec.situation,
            thoughts=spec.thoughts,
            emotions=spec.emotions,
            behaviours=spec.behaviours,
        )
    for kind, text in spec.factors:
        if not FormulationFactor.objects.filter(formulation__client=client, text=text).exists():
            plans.formulation_factor_add(actor=clinician, client=client, kind=kind, text=text)


def _target(
    clinician: User, client: Client, owner: Goal | Objective, spec: TargetSpec, today: dt.date
) -> None:
    plans.target_set(
        actor=clinician,
        owner=owner,
        target_value=spec.target_value,
        due_date=today + spec.due_in,
        comparator=spec.comparator,
        instrument_code=spec.instrument_code,
        metric=_metric(clinician, client, spec.metric) if spec.metric else None,
        baseline=spec.baseline,
        confirmed=spec.confirmed,
    )


def _plan(client: Client, clinician: User, spec: PlanSpec, today: dt.date) -> TreatmentPlan:
    plan = plans.plan_create_draft(
        actor=clinician,
        client=client,
        review_interval_days=spec.review_interval_days,
        strengths=spec.strengths,
        discharge_criteria=spec.discharge_criteria,
        functional_impairment=spec.functional_impairment,
    )
    for code, _description in spec.diagnoses:  # the code set gives the description
        plans.diagnosis_add(actor=clinician, plan=plan, code=code)
    factors = {f.text: f for f in FormulationFactor.objects.filter(formulation__client=client)}
    for goal_spec in spec.goals:
        goal = plans.goal_add(
            actor=clinician,
            plan=plan,
            statement=goal_spec.statement,
            client_words=goal_spec.client_words,
            factors=[factors[text] for text in goal_spec.factors],
        )
        if goal_spec.target is not None:
            _target(clinician, client, goal, goal_spec.target, today)
        for objective_spec in goal_spec.objectives:
            objective = plans.objective_add(
                actor=clinician, goal=goal, statement=objective_spec.statement
            )
            if objective_spec.target is not None:
                _target(clinician, client, objective, objective_spec.target, today)
            for intervention in objective_spec.interventions:
                plans.intervention_add(
                    actor=clinician,
                    objective=objective,
                    modality=intervention.modality,
                    frequency=intervention.frequency,
                    type=intervention.type,
                    session_minutes=intervention.session_minutes,
                    responsible=clinician,
                )
    return plan


def _series(client: Client, clinician: User, series: Series, today: dt.date) -> int:
    metric = _metric(clinician, client, series.metric)
    if Observation.objects.filter(client=client, metric=metric).exists():
        return 0
    this_week = periods.period_start("week", today, client.organization.week_start)
    # A weekly value is entered on the week's fourth day, as in a session, and filed under
    # its first (decision 0831): the self-monitoring page reads "week of …". A daily one
    # is for the week's first day.
    entered_on = dt.timedelta(days=3 if metric.period == periods.WEEK else 0)
    for index, value in enumerate(series.values):
        # Whole weeks only: the last value is for the week that ended before this one.
        plans.observation_add(
            actor=clinician,
            client=client,
            metric=metric,
            value=value,
            period_start=this_week - (len(series.values) - index) * WEEK + entered_on,
        )
    return len(series.values)


def load_plans(client: Client, clinician: User) -> TreatmentPlan | None:
    """Give a demo client their formulation, draft plan and metric values, once.

    Returns the plan made now, or None when the client already has a plan (of any
    status: a demo plan signed in the app is not replaced by a new draft).
    """
    demo = DEMO_PLANS.get(client.given_name)
    if demo is None:
        return None
    return load_plan(client, clinician, demo)


def load_plan(client: Client, clinician: User, demo: DemoPlan) -> TreatmentPlan | None:
    """`demo`'s formulation, draft plan and metric values for `client` (as `load_plans`)."""
    today = timezone.localdate()
    _formulation(client, clinician, demo.formulation)
    plan = None
    if not TreatmentPlan.objects.filter(client=client).exists():
        plan = _plan(client, clinician, demo.plan, today)
    for series in demo.series:
        _series(client, clinician, series, today)
    return plan
