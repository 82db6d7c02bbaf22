"""The payer compliance linter: a plan version and its record, checked under a payer profile.

It reuses every finding of `plan_checks.check_plan` (with the severity the profile gives it)
and adds what plan_checks leaves out: signatures, the review schedule and review records,
standardised measures actually given, continued-service rules, the notes' golden thread and
session details, the first plan's deadline and the signed content's integrity.

Where the linter knows better than plan_checks it replaces plan_checks' finding instead of
repeating it: once a version is signed its review schedule runs from the signing day or the
last review (plan_checks only knows the plan's creation date), so plan_checks' review-overdue
and review-date give way to review-late and review-due; and review-interval-over-a-year gives
way to review-interval-too-long whenever the profile's stricter interval is exceeded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

from milepost.domain import plan_checks
from milepost.domain.compliance.profiles import Profile
from milepost.domain.compliance.record import (
    AUTHENTICATED_METHODS,
    SESSION_SETTINGS,
    STAFF_ROLES,
    ComplianceRecord,
)
from milepost.domain.compliance.rules import (
    CHECKS_BY_CODE,
    generic_message,
    pl_of,
    source_of,
)
from milepost.domain.plans import INTERVENTION_TYPES

PLAN_CHECK_SEVERITY: dict[str, str] = {c.code: c.severity for c in plan_checks.CHECKS}

# plan_checks codes the linter replaces once the version is signed (see the module docstring).
SUPERSEDED_WHEN_SIGNED: frozenset[str] = frozenset({"review-overdue", "review-date"})
# plan_checks code -> the linter's code that replaces it when both are found.
SUPERSEDED_BY: dict[str, str] = {"review-interval-over-a-year": "review-interval-too-long"}


@dataclass(frozen=True)
class Finding:
    """One compliance finding: plan_checks' shape plus the checklist item and its sources.

    `generic` is the check in words that hold no client's data (for the practice report).
    """

    code: str
    pl: str
    severity: str
    message: str
    fix: str
    where: str
    source: str
    generic: str

    @property
    def reference(self) -> str:
        """What the editor prints after a finding: the checklist item, else its source."""
        return self.pl or self.source


def _own(code: str, where: str, message: str, fix: str) -> Finding:
    check = CHECKS_BY_CODE[code]
    return Finding(
        code, check.pl, check.severity, message, fix, where, source_of(code), check.checks
    )


def _from_plan_check(finding: plan_checks.PlanFinding) -> Finding:
    return Finding(
        finding.code,
        pl_of(finding.code),
        finding.severity,
        finding.message,
        finding.fix,
        finding.where,
        source_of(finding.code),
        generic_message(finding.code),
    )


def lint(
    record: ComplianceRecord,
    profile: Profile,
    today: dt.date,
    *,
    scripted: plan_checks.Scripted | None = None,
    read_words: plan_checks.ReadWords | None = None,
) -> list[Finding]:
    """Every finding about the record's plan under `profile`, in order: plan_checks' (plan
    order), then the linter's own. Severities are the profile's; "off" ones are left out.

    `today` is passed in so the result is deterministic; `scripted` is plan_checks' library
    lookup (without it the scripted-wording checks are skipped); `read_words` reads the target
    a statement's words state (without it the words-against-target check is skipped).
    """
    own = list(_own_findings(record, profile, today))
    own_codes = {f.code for f in own}
    base = [
        _from_plan_check(f)
        for f in plan_checks.check_plan(
            record.plan, today=today, scripted=scripted, read_words=read_words
        )
        if not (record.established_on is not None and f.code in SUPERSEDED_WHEN_SIGNED)
        and SUPERSEDED_BY.get(f.code) not in own_codes
    ]
    found = []
    for finding in [*base, *own]:
        severity = profile.severity(finding.code, finding.severity)
        if severity == "off":
            continue
        if severity != finding.severity:
            finding = replace(finding, severity=severity)
        found.append(finding)
    return found


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _after(start: dt.date, days: int) -> dt.date:
    """`days` after `start`; 365 days is one calendar year, plan_checks' rule (29 February
    gives 28 February), so a leap year neither shortens nor stretches "a year"."""
    if days == 365:
        return plan_checks.one_year_after(start)
    return start + dt.timedelta(days=days)


def _own_findings(record: ComplianceRecord, profile: Profile, today: dt.date) -> Iterator[Finding]:
    yield from _plan_age(record, profile, today)
    yield from _duration(record, profile)
    yield from _formulation(record)
    yield from _signatures(record, profile)
    yield from _review_schedule(record, profile, today)
    yield from _review_records(record)
    yield from _measures(record, profile, today)
    yield from _continued_service(record, profile)
    yield from _notes(record)
    yield from _initial_plan(record, profile, today)
    yield from _integrity(record)


def _plan_age(record: ComplianceRecord, profile: Profile, today: dt.date) -> Iterator[Finding]:
    """PL-02: Medicare covers a session only while the plan is at most a year old."""
    limit = profile.plan_max_age_days
    if limit is None or record.established_on is None or record.plan.status != "signed":
        return
    expires = _after(record.established_on, limit)
    late_notes = sum(1 for n in record.notes if n.held_on > expires)
    if today > expires or late_notes:
        after = f"; {_count(late_notes, 'session')} held after that" if late_notes else ""
        yield _own(
            "plan-too-old",
            record.plan.id,
            f"The plan was established on {record.established_on.isoformat()}, more than "
            f"{limit} days ago under {profile.name}{after}.",
            "Review the plan with the client and sign a new version; sessions after "
            f"{expires.isoformat()} are not covered by this one.",
        )


def _duration(record: ComplianceRecord, profile: Profile) -> Iterator[Finding]:
    """PL-07 under a profile that wants each target's duration under a year (Medicare).

    plan_checks flags a target due after one calendar year from the plan date; a target due a
    year to the day passes there but is not under a year, so such a profile flags it too, with
    plan_checks' code.
    """
    if not profile.duration_under_a_year:
        return
    plan = record.plan
    year = plan_checks.one_year_after(plan.created_on)
    for goal in plan.active_goals:
        owned = [(f"goal {goal.order}", goal.id, goal.target)]
        owned += [(f"objective {goal.order}.{o.order}", o.id, o.target) for o in goal.objectives]
        for owner, where, target in owned:
            if target is None or target.due_date != year:
                continue
            yield _from_plan_check(
                plan_checks.PlanFinding(
                    "target-beyond-a-year",
                    PLAN_CHECK_SEVERITY["target-beyond-a-year"],
                    f"The target of {owner} is due on {year.isoformat()}, a year to the day "
                    f"after the plan was made; {profile.name} asks for under a year.",
                    f"Set a due date before {year.isoformat()}, or split the way there into "
                    "nearer steps.",
                    where,
                    "PL-07",
                )
            )


def _formulation(record: ComplianceRecord) -> Iterator[Finding]:
    plan = record.plan
    active = plan.active_goals
    if not active:
        return
    if plan.formulation is not None:
        targeted = {f.id for g in active for f in g.factors}
        for factor in plan.formulation.factors_of("perpetuating"):
            if factor.id not in targeted:
                yield _own(
                    "maintaining-factor-unaddressed",
                    plan.id,
                    f"The maintaining factor “{factor.text.strip()[:80]}” is not targeted by "
                    "any active goal.",
                    "Link a goal to it, or say in the formulation why it is left for later.",
                )
    if plan.strengths.strip() and not any(
        f.kind == "protective" for g in active for f in g.factors
    ):
        yield _own(
            "strengths-not-used",
            plan.id,
            "The plan records strengths, but no active goal builds on one.",
            "Link a goal to the protective factor (strength) it draws on.",
        )


def _signatures(record: ComplianceRecord, profile: Profile) -> Iterator[Finding]:
    """PL-11, PL-12, PL-13: only a signed version carries signatures; a draft has none yet,
    but the clinician about to sign it must have credentials for the signature to show."""
    where = record.plan.id
    if record.is_draft:
        credentials = record.signer_credentials
        if credentials is not None and not credentials.strip():
            yield _own(
                "signer-no-credentials",
                where,
                "The clinician signing this draft has no credentials on their account, so the "
                "signature would show none.",
                "Ask a practice admin to add the licence and degree to the account before "
                "signing; once signed, nothing can add them to this version.",
            )
        return
    if profile.client_signature and not record.client_endorsed:
        yield _own(
            "no-client-signature",
            where,
            f"Version {record.plan.version} has no signature or endorsement by the client.",
            "Ask the client to endorse it in session or in the portal.",
        )
    if not record.signatures_of("clinician"):
        yield _own(
            "no-clinician-signature",
            where,
            f"Version {record.plan.version} has no clinician signature.",
            "The clinician signs the version with their password.",
        )
    for signature in record.signatures:
        if signature.role not in STAFF_ROLES:
            continue
        role = "clinician's" if signature.role == "clinician" else "supervisor's"
        if not signature.credentials.strip():
            yield _own(
                "signature-no-credentials",
                where,
                f"The {role} signature shows no credentials.",
                "Add the licence and degree to the signer's account; the next version's "
                "signature will carry them.",
            )
        if signature.method not in AUTHENTICATED_METHODS:
            yield _own(
                "signature-not-authenticated",
                where,
                f"The {role} signature was not made by re-entering a password.",
                "Sign again on a new version with the password step-up.",
            )
    required = profile.supervisor_cosign or record.practice_requires_cosign
    if required and not record.signatures_of("supervisor"):
        who = profile.name if profile.supervisor_cosign else "the practice"
        yield _own(
            "no-cosignature",
            where,
            f"Version {record.plan.version} has no supervisor's co-signature, which {who} "
            "requires.",
            "Ask the clinician's supervisor to co-sign it.",
        )


def _review_schedule(
    record: ComplianceRecord, profile: Profile, today: dt.date
) -> Iterator[Finding]:
    """PL-14 under the profile's interval."""
    plan = record.plan
    limit = profile.review_interval_days
    if plan.review_interval_days > limit:
        yield _own(
            "review-interval-too-long",
            plan.id,
            f"The plan is reviewed every {plan.review_interval_days} days; {profile.name} "
            f"requires a review at least every {limit}.",
            f"Set the review interval to {limit} days or fewer.",
        )
    if record.established_on is None or plan.status != "signed":
        return
    reviewed = [r.held_on for r in record.reviews_of_this_version]
    last = max([record.established_on, *reviewed])
    since = "its last review" if reviewed and last != record.established_on else "it was signed"
    # The profile's limit is what a payer audits (an error by default); the plan's own
    # shorter interval is the practice's promise, and missing it only a warning.
    due_by_profile = last + dt.timedelta(days=limit)
    due_by_plan = last + dt.timedelta(days=plan.review_interval_days)
    if due_by_profile < today:
        yield _own(
            "review-late",
            plan.id,
            f"The plan's review was due on {due_by_profile.isoformat()} "
            f"({_count((today - due_by_profile).days, 'day')} ago), {limit} days after {since}, "
            f"the longest {profile.name} allows.",
            "Review the plan with the client and record a decision for each goal.",
        )
        return
    if due_by_plan < today:
        yield _own(
            "review-late-plan",
            plan.id,
            f"The plan's own review date was {due_by_plan.isoformat()} "
            f"({_count((today - due_by_plan).days, 'day')} ago), "
            f"{plan.review_interval_days} days after {since}.",
            "Review the plan with the client, or set the review interval the plan really follows.",
        )
    # Not late yet: the nearer of the two days; once the plan's own has passed, the profile's.
    due = due_by_profile if due_by_plan < today else min(due_by_plan, due_by_profile)
    when = "today" if due == today else f"on {due.isoformat()}"
    yield _own(
        "review-due",
        plan.id,
        f"Under {profile.name} the plan is next due for review {when}.",
        "Record the review on or before that day.",
    )


def _review_records(record: ComplianceRecord) -> Iterator[Finding]:
    """PL-15: what every review of this version must hold."""
    active = record.plan.active_goals
    objectives = {o.id: f"{g.order}.{o.order}" for g in active for o in g.objectives}
    for review in record.reviews_of_this_version:
        missing = []
        if not review.participants.strip():
            missing.append("no participants")
        no_progress = [n for oid, n in objectives.items() if oid not in review.objectives_recorded]
        if no_progress:
            missing.append(f"no progress for objective {', '.join(no_progress)}")
        undecided = [str(g.order) for g in active if g.id not in review.decided_goals]
        if undecided:
            missing.append(f"no decision for goal {', '.join(undecided)}")
        if missing:
            yield _own(
                "review-incomplete",
                record.plan.id,
                f"The review of {review.held_on.isoformat()} records {'; '.join(missing)}.",
                "Record a new review with who took part, each objective's progress and a "
                "decision for each goal.",
            )


def _measures(record: ComplianceRecord, profile: Profile, today: dt.date) -> Iterator[Finding]:
    """PL-16 (discussed with the client) and PL-17 (instrument given on a schedule)."""
    plan = record.plan
    discussed = record.is_draft or record.client_endorsed or not plan.discharge_criteria.strip()
    if profile.discharge_discussed and not discussed:
        yield _own(
            "discharge-not-discussed",
            plan.id,
            "Nothing shows the discharge criteria were discussed with the client: the "
            "client has not endorsed the plan.",
            "Read the plan, discharge criteria included, with the client and record "
            "their endorsement.",
        )
    within = profile.measure_within_days
    if within is None or record.is_draft:
        return
    linked = sorted(
        {
            t.measure
            for g in plan.active_goals
            for t in [g.target, *(o.target for o in g.objectives)]
            if t is not None and t.instrument and t.measure
        }
    )
    if not linked:
        return  # no-standardised-measure already says so
    since = today - dt.timedelta(days=within)
    recent = [
        a
        for a in record.administrations
        if a.instrument in linked and since <= a.administered_on <= today
    ]
    if not recent:
        yield _own(
            "measure-not-administered",
            plan.id,
            f"None of the plan's instruments ({', '.join(linked)}) was administered in the last "
            f"{within} days.",
            "Give the client the instrument again and review the result with them.",
        )


def _continued_service(record: ComplianceRecord, profile: Profile) -> Iterator[Finding]:
    """PL-18: N reviews in a row without improvement must change the plan."""
    n = profile.no_improvement_reviews
    latest = record.reviews[:n]
    # A review with no data on any objective ("no-data" only) shows no stall, nor progress.
    if len(latest) < n or not all(r.has_evidence for r in latest):
        return
    if any(r.any_improving or r.changed_plan for r in latest):
        return
    yield _own(
        "no-improvement",
        record.plan.id,
        f"The last {n} reviews found no objective improving, and the plan was continued unchanged.",
        "Revise the goals or interventions, or record why continuing unchanged is still "
        "medically necessary.",
    )


def _notes(record: ComplianceRecord) -> Iterator[Finding]:
    """PL-22 (golden thread) and PL-23 (session details) on every note under the version."""
    active = {o.id for g in record.plan.active_goals for o in g.objectives}
    for note in record.notes:
        day = note.held_on.isoformat()
        cited = [c for c in note.citations if c.objective_id in active]
        if not cited:
            yield _own(
                "note-no-objective",
                record.plan.id,
                f"The session note of {day} cites no objective of an active goal.",
                "Cite the objectives the session worked on (an addendum, or the next note).",
            )
        elif any(not c.progress for c in cited):
            yield _own(
                "note-no-objective",
                record.plan.id,
                f"The session note of {day} cites an objective without recording progress.",
                "Record how each cited objective went in the session.",
            )
        missing = []
        if not note.has_times:
            missing.append("start and stop time")
        if note.session_type not in INTERVENTION_TYPES:
            missing.append("session type")
        if note.setting not in SESSION_SETTINGS:
            missing.append("setting or telehealth method")
        if missing:
            yield _own(
                "note-missing-session-details",
                record.plan.id,
                f"The session note of {day} does not record its {' or '.join(missing)}.",
                "Payers reject sessions without them; correct the note by an addendum.",
            )


def _initial_plan(record: ComplianceRecord, profile: Profile, today: dt.date) -> Iterator[Finding]:
    """PL-25, on the client's first version only (later versions are not initial plans)."""
    if record.plan.version != 1 or record.intake_on is None:
        return
    days, contacts = profile.initial_plan_days, profile.initial_plan_contacts
    signed = record.initial_plan_signed_on
    until = signed or today
    problems = []
    if days is not None and (until - record.intake_on).days > days:
        problems.append(
            f"{(until - record.intake_on).days} days after intake on "
            f"{record.intake_on.isoformat()} (the deadline is {days})"
        )
    if contacts is not None and record.sessions_before_initial_plan > contacts:
        problems.append(
            f"after {_count(record.sessions_before_initial_plan, 'session')} "
            f"(the deadline is {contacts})"
        )
    if problems:
        state = "was signed" if signed else "is still unsigned"
        yield _own(
            "initial-plan-late",
            record.plan.id,
            f"The first plan {state} {' and '.join(problems)} under {profile.name}.",
            "Sign the first plan earlier in treatment; for this client, note why it was late."
            if signed
            else "Finish and sign the plan now.",
        )


def _integrity(record: ComplianceRecord) -> Iterator[Finding]:
    """PL-26: a signed version must still be what was signed."""
    if record.is_draft:
        return
    broken = record.hash_matches is False or any(not s.hash_matches for s in record.signatures)
    if broken:
        yield _own(
            "signed-content-changed",
            record.plan.id,
            f"Version {record.plan.version} no longer matches the content its signatures "
            "vouch for.",
            "Treat it as altered outside Milepost: report it, and sign a corrected version.",
        )
