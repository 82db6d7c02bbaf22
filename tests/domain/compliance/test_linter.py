"""The compliance linter: a compliant signed plan passes, and each of the linter's own checks
fails when its one thing is broken, under the profile that asks for it.

The plan is plan_checks' complete plan (two goals, every objective measured and served),
signed on PLAN_DAY with the clinician's and the client's signatures, one note citing an
objective, a PHQ-9 a week later and an intake a week before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from milepost.domain.compliance import (
    AdministrationRecord,
    Citation,
    ComplianceRecord,
    NoteRecord,
    ReviewRecord,
    SignatureRecord,
    all_profiles,
    errors,
    get_profile,
    lint,
)
from milepost.domain.compliance.profiles import load_text
from milepost.domain.compliance.rules import CHECKS, RULES_BY_PL
from milepost.domain.plans import Formulation, FormulationFactor, Plan
from tests.domain.test_plan_checks import PLAN_DAY, complete_plan

TODAY = PLAN_DAY + dt.timedelta(days=14)
CLINICIAN = SignatureRecord("clinician", "LCSW", PLAN_DAY, "password")
CLIENT = SignatureRecord("client", "", PLAN_DAY, "in_session")
SUPERVISOR = SignatureRecord("supervisor", "PhD", PLAN_DAY, "password")


def signed_plan(**changes: object) -> Plan:
    return dataclasses.replace(complete_plan(), status="signed", **changes)  # type: ignore[arg-type]


def compliant(**changes: object) -> ComplianceRecord:
    record = ComplianceRecord(
        plan=signed_plan(),
        established_on=PLAN_DAY,
        signatures=(CLINICIAN, CLIENT),
        hash_matches=True,
        notes=(
            NoteRecord(
                held_on=PLAN_DAY + dt.timedelta(days=7),
                citations=(Citation("o1.1", "progressing"),),
            ),
        ),
        administrations=(AdministrationRecord("phq9", PLAN_DAY + dt.timedelta(days=7)),),
        intake_on=PLAN_DAY - dt.timedelta(days=7),
        initial_plan_signed_on=PLAN_DAY,
        sessions_before_initial_plan=1,
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def codes(record: ComplianceRecord, profile: str = "default", today: dt.date = TODAY) -> set[str]:
    return {f.code for f in lint(record, get_profile(profile), today)}


def review(held_on: dt.date, **changes: object) -> ReviewRecord:
    """A complete review of the plan: everyone, every objective, every goal continued."""
    plan = complete_plan()
    base = ReviewRecord(
        held_on=held_on,
        participants="The client and her clinician",
        objectives_recorded=frozenset(o.id for g in plan.goals for o in g.objectives),
        objective_statuses=("improving",),
        goal_decisions=tuple((g.id, "continue") for g in plan.goals),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


UNTARGETED = FormulationFactor(id="f9", kind="perpetuating", text="Drinks to sleep")
INTAKE = PLAN_DAY - dt.timedelta(days=7)


def with_untargeted() -> Formulation:
    """The complete plan's formulation plus a maintaining factor no goal targets."""
    formulation = complete_plan().formulation
    assert formulation is not None
    return dataclasses.replace(formulation, factors=(*formulation.factors, UNTARGETED))


STALLED = (
    review(PLAN_DAY + dt.timedelta(days=10), objective_statuses=("no-change",)),
    review(PLAN_DAY + dt.timedelta(days=5), objective_statuses=("worsening", "no-change")),
)

Break = Callable[[ComplianceRecord], ComplianceRecord]

# (code, profile, how to break the compliant record, the day it is checked)
CASES: list[tuple[str, str, Break, dt.date]] = [
    (
        "plan-too-old",
        "medicare-outpatient",
        lambda r: r,
        PLAN_DAY + dt.timedelta(days=366),
    ),
    (
        "maintaining-factor-unaddressed",
        "default",
        lambda r: dataclasses.replace(r, plan=signed_plan(formulation=with_untargeted())),
        TODAY,
    ),
    (
        "strengths-not-used",
        "carf",
        lambda r: dataclasses.replace(
            r,
            plan=signed_plan(
                goals=tuple(
                    dataclasses.replace(
                        g, factors=tuple(f for f in g.factors if f.kind != "protective")
                    )
                    for g in complete_plan().goals
                )
            ),
        ),
        TODAY,
    ),
    (
        "no-client-signature",
        "medicaid-90",
        lambda r: dataclasses.replace(r, signatures=(CLINICIAN,)),
        TODAY,
    ),
    (
        "no-clinician-signature",
        "default",
        lambda r: dataclasses.replace(r, signatures=(CLIENT,)),
        TODAY,
    ),
    (
        "signature-no-credentials",
        "default",
        lambda r: dataclasses.replace(
            r, signatures=(dataclasses.replace(CLINICIAN, credentials=" "), CLIENT)
        ),
        TODAY,
    ),
    (
        "signature-not-authenticated",
        "default",
        lambda r: dataclasses.replace(
            r, signatures=(dataclasses.replace(CLINICIAN, method="in_session"), CLIENT)
        ),
        TODAY,
    ),
    (
        "no-cosignature",
        "default",
        lambda r: dataclasses.replace(r, practice_requires_cosign=True),
        TODAY,
    ),
    (
        "review-interval-too-long",
        "medicaid-90",
        lambda r: dataclasses.replace(r, plan=signed_plan(review_interval_days=120)),
        TODAY,
    ),
    ("review-late", "medicaid-90", lambda r: r, PLAN_DAY + dt.timedelta(days=91)),
    # The plan's own 90 days passed, Medicare's 365 not yet.
    ("review-late-plan", "medicare-outpatient", lambda r: r, PLAN_DAY + dt.timedelta(days=91)),
    (
        "signer-no-credentials",
        "default",
        lambda r: dataclasses.replace(
            r, plan=complete_plan(), established_on=None, signatures=(), signer_credentials=" "
        ),
        TODAY,
    ),
    (
        "review-incomplete",
        "default",
        lambda r: dataclasses.replace(
            r, reviews=(review(PLAN_DAY + dt.timedelta(days=10), participants=""),)
        ),
        TODAY,
    ),
    (
        "discharge-not-discussed",
        "joint-commission-bh",
        lambda r: dataclasses.replace(r, signatures=(CLINICIAN,)),
        TODAY,
    ),
    (
        "measure-not-administered",
        "default",
        lambda r: dataclasses.replace(r, administrations=()),
        TODAY,
    ),
    (
        "no-improvement",
        "medicare-outpatient",
        lambda r: dataclasses.replace(r, reviews=STALLED),
        TODAY,
    ),
    (
        "note-no-objective",
        "default",
        lambda r: dataclasses.replace(r, notes=(NoteRecord(held_on=TODAY, citations=()),)),
        TODAY,
    ),
    (
        "note-missing-session-details",
        "medicare-outpatient",
        lambda r: dataclasses.replace(
            r,
            notes=(
                NoteRecord(
                    held_on=TODAY, citations=(Citation("o1.1", "met"),), setting="telehealth"
                ),
            ),
        ),
        TODAY,
    ),
    (
        "initial-plan-late",
        "medicaid-90",
        lambda r: dataclasses.replace(r, initial_plan_signed_on=INTAKE + dt.timedelta(days=22)),
        TODAY,
    ),
    (
        "signed-content-changed",
        "default",
        lambda r: dataclasses.replace(r, hash_matches=False),
        TODAY,
    ),
]


@pytest.mark.parametrize(("code", "profile", "breaker", "today"), CASES, ids=[c[0] for c in CASES])
def test_each_check_passes_the_compliant_record_and_fails_the_broken_one(
    code: str, profile: str, breaker: Break, today: dt.date
):
    # The pass side is the compliant record today; a date breaks the date-driven checks.
    assert code not in codes(compliant(), profile)
    found = [f for f in lint(breaker(compliant()), get_profile(profile), today) if f.code == code]
    assert found, f"{code} not found"
    check = next(c for c in CHECKS if c.code == code)
    for finding in found:
        assert finding.pl == check.pl
        assert finding.where == "p1"
        assert finding.message
        assert finding.fix
        assert finding.generic == check.checks
        assert finding.source == "; ".join(RULES_BY_PL[check.pl].sources)


def test_every_check_of_the_linter_has_a_case():
    # review-due only says when the review falls (info); its tests are the interval ones below.
    assert {c.code for c in CHECKS} - {case[0] for case in CASES} == {"review-due"}


def test_the_compliant_record_has_no_errors_or_warnings_under_any_profile():
    for key, profile in all_profiles().items():
        found = lint(compliant(), profile, TODAY)
        assert [f.code for f in found if f.severity != "info"] == [], key


# --- profile differences -------------------------------------------------------------------


LATE = {"review-late", "review-late-plan", "plan-too-old"}


@pytest.mark.parametrize(
    ("days_after_signing", "medicare", "medicaid"),
    [
        (90, set(), set()),  # due today under Medicaid-90: not late yet
        (91, set(), {"review-late"}),  # one day over 90: the same plan passes Medicare only
        (365, set(), {"review-late"}),
        (366, {"review-late", "plan-too-old"}, {"review-late"}),  # a day over a year
    ],
)
def test_the_review_interval_is_the_profiles(days_after_signing, medicare, medicaid):
    # Review every 365 days as the plan says; Medicaid's 90 days still rule under its profile.
    record = compliant(plan=signed_plan(review_interval_days=365))
    today = PLAN_DAY + dt.timedelta(days=days_after_signing)
    assert codes(record, "medicare-outpatient", today) & LATE == medicare
    assert codes(record, "medicaid-90", today) & LATE == medicaid


def severities(record: ComplianceRecord, profile: str, today: dt.date) -> dict[str, str]:
    return {f.code: f.severity for f in lint(record, get_profile(profile), today) if f.code in LATE}


@pytest.mark.parametrize(
    ("interval", "profile", "day", "expected"),
    [
        # The plan's default 90 days under Medicare's 365: late against the plan only warns.
        (90, "medicare-outpatient", 90, {}),
        (90, "medicare-outpatient", 91, {"review-late-plan": "warning"}),
        (90, "medicare-outpatient", 365, {"review-late-plan": "warning"}),
        (90, "medicare-outpatient", 366, {"review-late": "error", "plan-too-old": "error"}),
        # The same 90 days under Medicaid's 90: the profile's limit, an error the day after.
        (90, "medicaid-90", 90, {}),
        (90, "medicaid-90", 91, {"review-late": "error"}),
        # A plan stricter than Medicaid: its 60 days warn, Medicaid's 90 still decide the error.
        (60, "medicaid-90", 60, {}),
        (60, "medicaid-90", 61, {"review-late-plan": "warning"}),
        (60, "medicaid-90", 90, {"review-late-plan": "warning"}),
        (60, "medicaid-90", 91, {"review-late": "error"}),
        # The default profile makes even the profile's limit a warning.
        (60, "default", 61, {"review-late-plan": "warning"}),
        (60, "default", 91, {"review-late": "warning"}),
    ],
)
def test_late_against_the_profile_is_the_error_late_against_the_plan_a_warning(
    interval, profile, day, expected
):
    record = compliant(plan=signed_plan(review_interval_days=interval))
    assert severities(record, profile, PLAN_DAY + dt.timedelta(days=day)) == expected


def test_the_next_review_date_is_the_nearer_one_until_the_plans_has_passed():
    record = compliant(plan=signed_plan(review_interval_days=60))
    medicare = get_profile("medicare-outpatient")

    def due(day: int) -> str:
        found = lint(record, medicare, PLAN_DAY + dt.timedelta(days=day))
        return next(f.message for f in found if f.code == "review-due")

    assert (PLAN_DAY + dt.timedelta(days=60)).isoformat() in due(30)
    assert (PLAN_DAY + dt.timedelta(days=365)).isoformat() in due(61)


def test_a_review_restarts_the_interval():
    record = compliant(reviews=(review(PLAN_DAY + dt.timedelta(days=80)),))
    assert "review-late" not in codes(record, "medicaid-90", PLAN_DAY + dt.timedelta(days=170))
    assert "review-late" in codes(record, "medicaid-90", PLAN_DAY + dt.timedelta(days=171))
    # A review of an earlier version does not restart this one's interval.
    earlier = compliant(reviews=(review(PLAN_DAY + dt.timedelta(days=80), of_this_version=False),))
    assert "review-late" in codes(earlier, "medicaid-90", PLAN_DAY + dt.timedelta(days=91))


def test_an_interval_longer_than_the_profiles_is_an_error_under_medicaid_only():
    record = compliant(plan=signed_plan(review_interval_days=91))
    by_profile = {
        key: {f.code: f.severity for f in lint(record, profile, TODAY)}
        for key, profile in all_profiles().items()
    }
    assert by_profile["medicaid-90"]["review-interval-too-long"] == "error"
    assert by_profile["default"]["review-interval-too-long"] == "warning"
    assert "review-interval-too-long" not in by_profile["medicare-outpatient"]
    ninety = compliant(plan=signed_plan(review_interval_days=90))
    assert "review-interval-too-long" not in codes(ninety, "medicaid-90")


def test_the_profile_interval_replaces_plan_checks_over_a_year_rule():
    record = compliant(plan=signed_plan(review_interval_days=400))
    found = codes(record, "medicaid-90")
    assert "review-interval-too-long" in found
    assert "review-interval-over-a-year" not in found
    # Medicare allows 365: its own rule is not exceeded… by 400 it is.
    assert "review-interval-too-long" in codes(record, "medicare-outpatient")


def test_a_signed_plan_takes_its_review_date_from_the_linter_not_plan_checks():
    found = codes(compliant())
    assert "review-due" in found
    assert not found & {"review-date", "review-overdue"}
    draft = compliant(plan=complete_plan(), established_on=None, signatures=())
    assert "review-date" in codes(draft)


@pytest.mark.parametrize(
    ("days", "late"),
    [(21, False), (22, True)],  # Montana: within 21 days of intake
)
def test_the_first_plan_deadline_in_days(days, late):
    record = compliant(initial_plan_signed_on=PLAN_DAY - dt.timedelta(days=7) + dt.timedelta(days))
    assert ("initial-plan-late" in codes(record, "medicaid-90")) is late
    assert "initial-plan-late" not in codes(record, "default")  # no deadline there


@pytest.mark.parametrize(("sessions", "late"), [(5, False), (6, True)])
def test_the_first_plan_deadline_in_contacts(sessions, late):
    record = compliant(sessions_before_initial_plan=sessions)
    assert ("initial-plan-late" in codes(record, "medicaid-90")) is late


def test_an_unsigned_first_plan_is_late_once_the_deadline_passes():
    record = compliant(
        plan=complete_plan(), established_on=None, signatures=(), initial_plan_signed_on=None
    )
    intake = PLAN_DAY - dt.timedelta(days=7)
    assert "initial-plan-late" not in codes(record, "medicaid-90", intake + dt.timedelta(days=21))
    assert "initial-plan-late" in codes(record, "medicaid-90", intake + dt.timedelta(days=22))


def test_only_the_first_version_is_held_to_the_initial_deadline():
    record = compliant(
        plan=signed_plan(version=2), initial_plan_signed_on=PLAN_DAY + dt.timedelta(days=60)
    )
    assert "initial-plan-late" not in codes(record, "medicaid-90")


@pytest.mark.parametrize(("days", "old"), [(365, False), (366, True)])
def test_medicare_covers_sessions_until_the_plan_is_a_year_old(days, old):
    note = NoteRecord(
        held_on=PLAN_DAY + dt.timedelta(days=days), citations=(Citation("o1.1", "met"),)
    )
    record = compliant(notes=(note,), reviews=(review(PLAN_DAY + dt.timedelta(days=days)),))
    assert ("plan-too-old" in codes(record, "medicare-outpatient", note.held_on)) is old
    assert "plan-too-old" not in codes(record, "medicaid-90", note.held_on)


def test_the_joint_commission_makes_the_standardised_instrument_an_error():
    plan = signed_plan(
        goals=tuple(dataclasses.replace(g, target=None) for g in complete_plan().goals)
    )
    record = compliant(plan=plan)
    by = {
        key: {f.code: f.severity for f in lint(record, profile, TODAY)}
        for key, profile in all_profiles().items()
    }
    assert by["joint-commission-bh"]["no-standardised-measure"] == "error"
    assert by["default"]["no-standardised-measure"] == "warning"


def test_client_words_are_an_error_for_accreditors_and_a_warning_elsewhere():
    plan = signed_plan(
        goals=(
            dataclasses.replace(complete_plan().goals[0], client_words=""),
            complete_plan().goals[1],
        )
    )
    record = compliant(plan=plan)
    severity = {
        key: next(f.severity for f in lint(record, p, TODAY) if f.code == "goal-no-client-words")
        for key, p in all_profiles().items()
    }
    assert severity["joint-commission-bh"] == severity["carf"] == "error"
    assert severity["default"] == severity["medicaid-90"] == "warning"


def test_medicare_needs_no_client_signature():
    record = compliant(signatures=(CLINICIAN,))
    assert "no-client-signature" not in codes(record, "medicare-outpatient")
    assert "no-client-signature" in codes(record, "default")


def test_a_profile_can_switch_a_check_off():
    text = """
name = "No libraries"
description = "Test profile."
sources = ["https://example.org/rule"]
review_interval_days = 90
[severity]
goal-no-client-words = "off"
"""
    profile = load_text(text, "quiet.toml")
    plan = signed_plan(
        goals=(
            dataclasses.replace(complete_plan().goals[0], client_words=""),
            complete_plan().goals[1],
        )
    )
    assert "goal-no-client-words" not in {
        f.code for f in lint(compliant(plan=plan), profile, TODAY)
    }
    assert "goal-no-client-words" in codes(compliant(plan=plan))


# --- drafts, reviews, notes ------------------------------------------------------------------


def test_a_complete_draft_has_no_errors_under_any_profile():
    # What signing sees: the signatures a draft cannot have yet are not asked for.
    draft = ComplianceRecord(plan=complete_plan())
    for key, profile in all_profiles().items():
        assert errors(lint(draft, profile, TODAY)) == [], key


def test_a_drafts_errors_are_plan_checks_errors_under_the_default_profile():
    from milepost.domain import plan_checks

    plan = dataclasses.replace(complete_plan(), diagnoses=(), discharge_criteria="")
    expected = [f.code for f in plan_checks.check_plan(plan, today=TODAY) if f.severity == "error"]
    found = errors(lint(ComplianceRecord(plan=plan), get_profile("default"), TODAY))
    assert [f.code for f in found] == expected == ["no-diagnosis", "no-discharge-criteria"]
    assert [f.pl for f in found] == ["PL-01", "PL-16"]


def test_a_review_missing_parts_says_which():
    bad = review(
        PLAN_DAY + dt.timedelta(days=10),
        objectives_recorded=frozenset({"o1.1"}),
        goal_decisions=(("g1", "continue"),),
    )
    [finding] = [
        f
        for f in lint(compliant(reviews=(bad,)), get_profile("default"), TODAY)
        if f.code == "review-incomplete"
    ]
    assert "objective 1.2, 1.3, 2.1" in finding.message
    assert "no decision for goal 2" in finding.message


def test_stalled_reviews_that_changed_the_plan_pass():
    changed = (dataclasses.replace(STALLED[0], made_new_version=True), STALLED[1])
    assert "no-improvement" not in codes(compliant(reviews=changed))
    revised = (
        dataclasses.replace(STALLED[0], goal_decisions=(("g1", "revise"), ("g2", "continue"))),
        STALLED[1],
    )
    assert "no-improvement" not in codes(compliant(reviews=revised))
    # One stalled review is not yet a pattern.
    assert "no-improvement" not in codes(compliant(reviews=STALLED[:1]))


def test_a_note_citing_only_an_objective_of_a_met_goal_breaks_the_thread():
    goals = (complete_plan().goals[0], dataclasses.replace(complete_plan().goals[1], status="met"))
    note = NoteRecord(held_on=TODAY, citations=(Citation("o2.1", "met"),))
    assert "note-no-objective" in codes(compliant(plan=signed_plan(goals=goals), notes=(note,)))
    blank = NoteRecord(held_on=TODAY, citations=(Citation("o1.1", ""),))
    assert "note-no-objective" in codes(compliant(notes=(blank,)))


@pytest.mark.parametrize("setting", ["in_person", "telehealth_video", "telehealth_phone"])
def test_every_known_setting_names_the_telehealth_method(setting):
    note = NoteRecord(held_on=TODAY, citations=(Citation("o1.1", "met"),), setting=setting)
    assert "note-missing-session-details" not in codes(compliant(notes=(note,)))


def test_a_note_without_times_or_type_fails():
    note = NoteRecord(
        held_on=TODAY, citations=(Citation("o1.1", "met"),), has_times=False, session_type=""
    )
    [finding] = [
        f
        for f in lint(compliant(notes=(note,)), get_profile("default"), TODAY)
        if f.code == "note-missing-session-details"
    ]
    assert "start and stop time or session type" in finding.message
    assert finding.severity == "error"


def test_a_signature_whose_hash_differs_is_caught_too():
    record = compliant(signatures=(dataclasses.replace(CLINICIAN, hash_matches=False), CLIENT))
    assert "signed-content-changed" in codes(record)


def test_a_cosignature_required_by_the_practice_is_satisfied_by_the_supervisor():
    record = compliant(practice_requires_cosign=True, signatures=(CLINICIAN, CLIENT, SUPERVISOR))
    assert "no-cosignature" not in codes(record)


def test_findings_of_plan_checks_keep_their_element_and_gain_their_pl_id():
    plan = signed_plan(
        goals=(
            dataclasses.replace(complete_plan().goals[0], objectives=()),
            complete_plan().goals[1],
        )
    )
    [finding] = [
        f
        for f in lint(compliant(plan=plan), get_profile("default"), TODAY)
        if f.code == "goal-no-objectives"
    ]
    assert (finding.where, finding.pl, finding.severity) == ("g1", "PL-08", "error")
    assert finding.generic == "The goal has at least one objective."
    assert "Montana" in finding.source


def test_the_same_record_gives_the_same_findings():
    assert lint(compliant(), get_profile("medicaid-90"), TODAY) == lint(
        compliant(), get_profile("medicaid-90"), TODAY
    )


# --- evidence at reviews (PL-18), strengths (PL-05), signers (PL-12) ---------------------------


def test_reviews_with_no_data_are_no_evidence_of_a_stall():
    no_data = (
        review(PLAN_DAY + dt.timedelta(days=10), objective_statuses=("no-data", "no-data")),
        review(PLAN_DAY + dt.timedelta(days=5), objective_statuses=("no-data",)),
    )
    assert "no-improvement" not in codes(compliant(reviews=no_data), "medicare-outpatient")
    # One review with data and one without: still not two reviews of evidence.
    mixed = (STALLED[0], no_data[1])
    assert "no-improvement" not in codes(compliant(reviews=mixed), "medicare-outpatient")
    # Evidence beside "no data" counts: the stall is found.
    stalled = (
        dataclasses.replace(STALLED[0], objective_statuses=("no-data", "no-change")),
        STALLED[1],
    )
    assert "no-improvement" in codes(compliant(reviews=stalled), "medicare-outpatient")


def test_strengths_not_used_is_a_warning_as_the_checklist_says():
    plan = signed_plan(
        goals=tuple(
            dataclasses.replace(g, factors=tuple(f for f in g.factors if f.kind != "protective"))
            for g in complete_plan().goals
        )
    )
    for key, profile in all_profiles().items():
        found = {f.code: f.severity for f in lint(compliant(plan=plan), profile, TODAY)}
        assert found["strengths-not-used"] == "warning", key


@pytest.mark.parametrize(
    ("credentials", "found"), [(None, False), ("LCSW", False), ("", True), ("  ", True)]
)
def test_a_draft_whose_signer_has_no_credentials_cannot_be_signed_silently(credentials, found):
    draft = ComplianceRecord(plan=complete_plan(), signer_credentials=credentials)
    for key, profile in all_profiles().items():
        blocking = [f.code for f in errors(lint(draft, profile, TODAY))]
        assert ("signer-no-credentials" in blocking) is found, key


def test_a_signed_version_is_not_asked_about_its_would_be_signer():
    assert "signer-no-credentials" not in codes(compliant(signer_credentials=""))


# --- one year: the plan's age (PL-02) and a target's duration (PL-07) ------------------------


@pytest.mark.parametrize(
    ("established", "session", "old"),
    [
        # A leap day inside the year: one calendar year, not 365 days.
        (dt.date(2024, 1, 5), dt.date(2025, 1, 5), False),
        (dt.date(2024, 1, 5), dt.date(2025, 1, 6), True),
        (dt.date(2023, 3, 1), dt.date(2024, 3, 1), False),
        (dt.date(2023, 3, 1), dt.date(2024, 3, 2), True),
        # Established on 29 February: a year later is 28 February (the stricter day).
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), False),
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), True),
    ],
)
def test_medicare_covers_sessions_for_one_calendar_year(established, session, old):
    plan = signed_plan(created_on=established, review_interval_days=365)
    note = NoteRecord(held_on=session, citations=(Citation("o1.1", "met"),))
    record = compliant(
        plan=plan,
        established_on=established,
        notes=(note,),
        reviews=(review(session),),
        administrations=(),
    )
    assert ("plan-too-old" in codes(record, "medicare-outpatient", session)) is old


def _due(plan: Plan, due: dt.date) -> Plan:
    goal = plan.goals[0]
    objective = goal.objectives[0]
    assert objective.target is not None
    objective = dataclasses.replace(
        objective, target=dataclasses.replace(objective.target, due_date=due)
    )
    goal = dataclasses.replace(goal, objectives=(objective, *goal.objectives[1:]))
    return dataclasses.replace(plan, goals=(goal, *plan.goals[1:]))


@pytest.mark.parametrize(
    ("made", "due", "medicare", "default"),
    [
        (dt.date(2026, 1, 5), dt.date(2027, 1, 4), None, None),
        # A year to the day is not under a year: Medicare only (plan_checks allows "at most").
        (dt.date(2026, 1, 5), dt.date(2027, 1, 5), "error", None),
        (dt.date(2026, 1, 5), dt.date(2027, 1, 6), "error", "info"),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27), None, None),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), "error", None),
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), "error", "info"),
    ],
)
def test_medicare_wants_each_targets_duration_under_one_year(made, due, medicare, default):
    plan = _due(signed_plan(created_on=made), due)
    record = compliant(plan=plan, established_on=made)

    def severity(profile: str) -> str | None:
        found = [
            f
            for f in lint(record, get_profile(profile), made)
            if f.code == "target-beyond-a-year" and f.where == "o1.1"
        ]
        assert len(found) <= 1
        return found[0].severity if found else None

    assert severity("medicare-outpatient") == medicare
    assert severity("default") == default
