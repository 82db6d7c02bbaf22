"""The payer checklist PL-01…PL-26 (reference/peers-and-payers.md §3.2) and what the linter
makes of each item: implemented, partly, or not supported, with the reason in one sentence.

Also the linter's own checks (the ones `plan_checks` leaves out), each with the checklist
item it implements and its severity before a payer profile changes it. Pure data: the docs
table and the tests read these, so code, docs and tests cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from milepost.domain import plan_checks

IMPLEMENTED = "implemented"
PARTLY = "partly"
NOT_SUPPORTED = "not supported"
STATUSES: tuple[str, ...] = (IMPLEMENTED, PARTLY, NOT_SUPPORTED)

# The sources the checklist cites, by the short name the rules use.
SOURCES: dict[str, str] = {
    "NGS": "https://ngsmedicare.com/web/ngs/search-details?selectedArticleId=2151969",
    "NGS mental health": "https://ngsmedicare.com/mental-health?selectedArticleId=11487832",
    "LCD L33632": "https://cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33632",
    "NGS signatures": "https://ngsmedicare.com/tpe-manual?selectedArticleId=501581",
    "Noridian": "https://med.noridianmedicare.com/es/web/jfb/cert-reviews/signature-requirements",
    "FCSO": "https://medicare-prod.fcso.com/medical-review/checklist-psychotherapy-services",
    "42 CFR 456.180": "https://law.lawstack.com/laws/42-cfr_s_456-180_individual-written-plan-of-care",
    "Montana": "https://rules.mt.gov/gateway/ShowRuleVersionFile.asp?RVID=7392",
    "Michigan": "http://mirules.elaws.us/rule/r325.14705",
    "Maine": "http://www.maine.gov/dhhs/dlrs/Licensing/MH-LicensingStandards/InpatientService/"
    "treatment-planning.html",
    "ComCare": "http://apps.comcareme.org/policymanual/?code=3.MEP.20&nonav=yes",
    "Illinois": "http://www.ilga.gov/commission/jcar/admincode/077/077020600D04210R.html",
    "NC 26D .0904": "http://reports.oah.state.nc.us/ncac/title%2010a%20-%20health%20and%20human"
    "%20services/chapter%2026%20-%20mental%20health,%20general/subchapter%20d/"
    "10a%20ncac%2026d%20.0904.html",
    "Maryland": "https://casetext.com/regulation/maryland-administrative-code/title-10-maryland-"
    "department-of-health/part-3/subtitle-21-mental-hygiene-regulations/chapter-102103-"
    "requirements-for-individual-treatment-plans/section-10210303-content-and-nature-of-"
    "individual-treatment-plan",
    "TJC CTS.03.01.03": "http://barrins-assoc.com/resources/compliance-updates/"
    "revisions-bh-standards-effective-july-1-2017/",
    "TJC CTS.03.01.09": "https://www.jointcommission.org/accreditation/"
    "bhc_new_outcome_measures_standard.aspx",
    "TJC instrument FAQ": "https://www.jointcommission.org/standards/standard-faqs/"
    "behavioral-health/care-treatment-and-services-cts/000002332/",
    "TJC findings": "https://store.jointcommissioninternational.org/"
    "treatment-planning-in-behavioral-health-care-and-human-services/",
    "CARF 2.C": "https://albertakids.com/carf-surveyors/section-two-general-program-standards/"
    "behavioral-health-standard-2-c-person-centered-plan/",
    "Magellan TRR": "https://pdf4pro.com/view/treatment-record-review-tool-magellan-provider-"
    "1ad5ae.html",
    "Magellan Nebraska": "http://www.magellanofnebraska.com/for-providers-ne/"
    "treatment-record-review.aspx",
    "Carelon": "http://pa.carelon.com/providers/provider-manual/4-treatment-record-standards/",
    "Optum LOCG": "https://info.5y1.org/recommendation-from-therapist_1_c96832.html",
    "Golden thread": "https://eastersealsmorctraining.learnupon.com/store/"
    "3171572-the-golden-thread-clinical-documentation-improvement",
    "Texas": "https://regulations.justia.com/states/texas/title-26/part-1/chapter-568/"
    "subchapter-d/section-568-61",
}


@dataclass(frozen=True)
class Rule:
    """One checklist item: what it asks, how far the linter checks it, and why not further.

    `codes` are the finding codes that implement it: plan_checks' and the linter's own.
    """

    pl: str
    check: str
    severity: str  # the checklist's: error, warning or info
    status: str
    why: str  # one sentence: how it is checked, or why it is not
    sources: tuple[str, ...]
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComplianceCheck:
    """One of the linter's own checks; `checks` is its generic wording (no clinical text),
    which is all a practice admin's report shows."""

    code: str
    pl: str
    severity: str
    about: str
    checks: str


CHECKS: tuple[ComplianceCheck, ...] = (
    ComplianceCheck(
        "plan-too-old",
        "PL-02",
        "error",
        "plan",
        "The signed plan was established no longer ago than the profile allows "
        "(sessions after that are not covered).",
    ),
    ComplianceCheck(
        "maintaining-factor-unaddressed",
        "PL-03",
        "warning",
        "plan",
        "Every maintaining factor of the formulation is targeted by an active goal.",
    ),
    ComplianceCheck(
        "strengths-not-used",
        "PL-05",
        "warning",
        "plan",
        "At least one active goal builds on a strength (links a protective factor).",
    ),
    ComplianceCheck(
        "no-client-signature",
        "PL-11",
        "error",
        "plan",
        "The signed plan carries the client's signature or endorsement.",
    ),
    ComplianceCheck(
        "no-clinician-signature",
        "PL-12",
        "error",
        "plan",
        "The signed plan carries the clinician's signature.",
    ),
    ComplianceCheck(
        "signature-no-credentials",
        "PL-12",
        "error",
        "plan",
        "Every staff signature shows the signer's credentials.",
    ),
    ComplianceCheck(
        "signer-no-credentials",
        "PL-12",
        "error",
        "plan",
        "The clinician about to sign the draft has credentials recorded on their account, so "
        "the signature will show them.",
    ),
    ComplianceCheck(
        "signature-not-authenticated",
        "PL-12",
        "error",
        "plan",
        "Every staff signature was made by re-entering the signer's password (authenticated).",
    ),
    ComplianceCheck(
        "no-cosignature",
        "PL-13",
        "warning",
        "plan",
        "The signed plan carries a supervisor's co-signature when the profile or the practice "
        "requires one.",
    ),
    ComplianceCheck(
        "review-interval-too-long",
        "PL-14",
        "error",
        "plan",
        "The plan's review interval is at most the profile's.",
    ),
    ComplianceCheck(
        "review-late",
        "PL-14",
        "error",
        "plan",
        "The signed plan was reviewed within the profile's review interval of its signing or "
        "its last review (due today is not late).",
    ),
    ComplianceCheck(
        "review-late-plan",
        "PL-14",
        "warning",
        "plan",
        "The signed plan was reviewed within its own review interval, where that is shorter "
        "than the profile's (due today is not late).",
    ),
    ComplianceCheck(
        "review-due",
        "PL-14",
        "info",
        "plan",
        "When the signed plan is next due for review under the profile.",
    ),
    ComplianceCheck(
        "review-incomplete",
        "PL-15",
        "warning",
        "plan",
        "Each review records its participants, progress on every objective and a decision for "
        "every active goal.",
    ),
    ComplianceCheck(
        "discharge-not-discussed",
        "PL-16",
        "error",
        "plan",
        "The discharge criteria were discussed with the client (the client endorsed the plan "
        "that holds them).",
    ),
    ComplianceCheck(
        "measure-not-administered",
        "PL-17",
        "warning",
        "plan",
        "An instrument the plan's targets use was administered within the profile's interval.",
    ),
    ComplianceCheck(
        "no-improvement",
        "PL-18",
        "warning",
        "plan",
        "Reviews in a row whose objectives had data but none improving led to a change of "
        "plan (a review with no data on any objective is no evidence either way).",
    ),
    ComplianceCheck(
        "note-no-objective",
        "PL-22",
        "warning",
        "plan",
        "Every session note under the plan cites an active objective and records progress on it.",
    ),
    ComplianceCheck(
        "note-missing-session-details",
        "PL-23",
        "error",
        "plan",
        "Every session note records its start and stop time, session type and setting "
        "(the telehealth method).",
    ),
    ComplianceCheck(
        "initial-plan-late",
        "PL-25",
        "warning",
        "plan",
        "The first plan was signed within the profile's deadline after intake.",
    ),
    ComplianceCheck(
        "signed-content-changed",
        "PL-26",
        "error",
        "plan",
        "The signed version still matches the content hash every signature vouches for.",
    ),
)

_IMPL = IMPLEMENTED

RULES: tuple[Rule, ...] = (
    Rule(
        "PL-01",
        "At least one ICD-10-CM diagnosis; every problem links to a diagnosis or need.",
        "error",
        PARTLY,
        "The diagnosis is checked, and its code against the ICD-10-CM code set; the plan has "
        "no problem list whose items could link to one.",
        ("NGS", "42 CFR 456.180", "Magellan TRR", "NC 26D .0904"),
        ("no-diagnosis", "diagnosis-unknown-code", "diagnosis-not-billable"),
    ),
    Rule(
        "PL-02",
        "An established date; for Medicare not older than 365 days at each date of service.",
        "error",
        _IMPL,
        "The signing date is the established date, checked against the profile's maximum age.",
        ("NGS",),
        ("plan-too-old",),
    ),
    Rule(
        "PL-03",
        "Every assessed need is addressed by a goal or deferred with a reason.",
        "warning",
        PARTLY,
        "The formulation's maintaining factors stand in for the assessed needs; "
        "there is no field for deferring one with a reason.",
        ("TJC findings", "Maine"),
        ("no-goals", "maintaining-factor-unaddressed"),
    ),
    Rule(
        "PL-04",
        "Each goal carries the client's own words.",
        "warning",
        _IMPL,
        "Each active goal's client-words field is checked.",
        ("TJC CTS.03.01.03", "CARF 2.C"),
        ("goal-no-client-words",),
    ),
    Rule(
        "PL-05",
        "The plan records strengths and at least one goal references them.",
        "warning",
        _IMPL,
        "Strengths must be recorded, and an active goal links a protective factor.",
        ("TJC CTS.03.01.03", "CARF 2.C", "Maryland", "NC 26D .0904"),
        ("no-strengths", "strengths-not-used"),
    ),
    Rule(
        "PL-06",
        "Each objective is measurable: a metric and a target value.",
        "error",
        _IMPL,
        "Each objective's target must name a measure and a target value.",
        ("TJC findings", "CARF 2.C", "Montana", "Maine", "Michigan", "Illinois"),
        ("objective-no-target",),
    ),
    Rule(
        "PL-07",
        "Each objective has a target date; for Medicare the duration is under a year.",
        "error",
        _IMPL,
        "Every target's due date is checked, and its distance from the plan date (an error "
        "under Medicare, where a target due a year to the day is not under a year).",
        ("CARF 2.C", "Michigan", "Maine", "NGS", "Magellan TRR"),
        ("objective-target-no-due-date", "goal-target-no-due-date", "target-beyond-a-year"),
    ),
    Rule(
        "PL-08",
        "Each objective has an intervention naming its modality or technique.",
        "error",
        _IMPL,
        "Every objective needs an intervention, and every intervention a modality.",
        ("Montana", "CARF 2.C", "Magellan Nebraska"),
        ("goal-no-objectives", "objective-no-interventions", "intervention-no-modality"),
    ),
    Rule(
        "PL-09",
        "Each intervention states its type, session length and frequency.",
        "error",
        _IMPL,
        "Type (individual, group, family), frequency and minutes are checked on each one.",
        ("NGS", "NGS mental health", "FCSO", "CARF 2.C", "Maine"),
        ("intervention-no-type", "intervention-no-frequency", "intervention-no-session-length"),
    ),
    Rule(
        "PL-10",
        "Each intervention names a responsible provider.",
        "warning",
        _IMPL,
        "Each intervention's responsible clinician is checked.",
        ("Montana", "Maine", "ComCare", "NC 26D .0904"),
        ("intervention-no-responsible",),
    ),
    Rule(
        "PL-11",
        "Client (or guardian) signature, or a documented reason and attempt log.",
        "error",
        PARTLY,
        "The client's endorsement is checked; there is no field for a documented reason "
        "the client could not sign.",
        ("Montana", "Maine", "Illinois", "Magellan TRR"),
        ("no-client-signature",),
    ),
    Rule(
        "PL-12",
        "Clinician signature with credentials and date, authenticated and tamper-evident.",
        "error",
        _IMPL,
        "The clinician's signature, its credentials (on a draft, the would-be signer's) and "
        "its password authentication are checked (dates are always kept; tamper evidence is "
        "PL-26).",
        ("NGS signatures", "Noridian", "Montana"),
        (
            "no-clinician-signature",
            "signature-no-credentials",
            "signer-no-credentials",
            "signature-not-authenticated",
        ),
    ),
    Rule(
        "PL-13",
        "Supervisor co-signature when the author is pre-licensed or the profile requires it.",
        "warning",
        PARTLY,
        "The profile's or the practice's co-signature rule is checked; whether a clinician "
        "is pre-licensed is not recorded.",
        ("Montana",),
        ("no-cosignature",),
    ),
    Rule(
        "PL-14",
        "The next review falls within the profile's interval after the last review.",
        "error",
        _IMPL,
        "The plan's interval against the profile's, and the signed plan's review date from "
        "its signing or last review (late against the profile is the error, late against the "
        "plan's own shorter interval a warning).",
        ("42 CFR 456.180", "Michigan", "Maine", "ComCare", "NGS", "NC 26D .0904"),
        (
            "review-interval-too-long",
            "review-late",
            "review-late-plan",
            "review-due",
            "review-interval-over-a-year",
            "review-overdue",
            "review-date",
        ),
    ),
    Rule(
        "PL-15",
        "Each review records date, participants, progress per objective and goal decisions.",
        "warning",
        _IMPL,
        "Every review of the version is checked for participants, objective progress (a "
        'status from data or a note, not "no data") and a decision per active goal (the date '
        "is always recorded).",
        ("Michigan", "ComCare"),
        ("review-incomplete",),
    ),
    Rule(
        "PL-16",
        'Discharge criteria present and marked "discussed with client".',
        "error",
        PARTLY,
        "Presence is checked; discussion is taken from the client's endorsement of the plan, "
        "as the plan has no separate flag for it.",
        ("TJC CTS.03.01.03", "42 CFR 456.180", "Montana", "Maine"),
        ("no-discharge-criteria", "discharge-not-discussed"),
    ),
    Rule(
        "PL-17",
        "A standardised instrument is linked to a goal, administered on a schedule, reviewed.",
        "warning",
        PARTLY,
        "The link and a recent administration are checked; that results were reviewed "
        "before each update is not, beyond the progress every review records.",
        ("TJC CTS.03.01.09", "TJC instrument FAQ"),
        ("no-standardised-measure", "measure-not-administered"),
    ),
    Rule(
        "PL-18",
        "No improvement across N reviews requires a plan change or a rationale.",
        "warning",
        PARTLY,
        "Reviews without an improving objective must lead to a revised goal or a new "
        "version; there is no field for a medical-necessity rationale instead.",
        ("NGS", "Optum LOCG"),
        ("no-improvement",),
    ),
    Rule(
        "PL-19",
        "Functional impairment or level is described.",
        "warning",
        NOT_SUPPORTED,
        "Neither the formulation nor the plan has a field for the client's functional level.",
        ("42 CFR 456.180", "Montana"),
    ),
    Rule(
        "PL-20",
        "Other treating providers or the PCP are listed, or a declined release documented.",
        "warning",
        NOT_SUPPORTED,
        "Other providers, the primary care physician and releases are not recorded.",
        ("Magellan TRR", "Carelon", "ComCare", "CARF 2.C"),
    ),
    Rule(
        "PL-21",
        "The plan is shared with the client in plain language.",
        "info",
        NOT_SUPPORTED,
        "No copy given to the client is logged; the client's endorsement (PL-11) is the "
        "nearest record.",
        ("CARF 2.C", "ComCare", "Magellan TRR"),
    ),
    Rule(
        "PL-22",
        "Every progress note cites an active objective and records progress on it.",
        "warning",
        _IMPL,
        "Each note under the version must cite an objective of an active goal, with progress.",
        ("Golden thread",),
        ("note-no-objective",),
    ),
    Rule(
        "PL-23",
        "Notes record session start/stop time, modality and telehealth method.",
        "error",
        PARTLY,
        "Times, session type and setting (in person, video, phone) are checked; the note does "
        "not record the technique used in session.",
        ("FCSO",),
        ("note-missing-session-details",),
    ),
    Rule(
        "PL-24",
        "Goal and objective text is not a library item or another client's plan unedited.",
        "warning",
        PARTLY,
        "Unchanged library items are found; comparing with other clients' plans would read "
        "records outside the care team.",
        ("TJC findings",),
        ("scripted-goal", "scripted-objective"),
    ),
    Rule(
        "PL-25",
        "The initial plan is completed within the profile's deadline after intake.",
        "warning",
        PARTLY,
        "Days and sessions before the first version was signed are checked; intake has no "
        "date of its own, so the earliest contact on record stands for it.",
        ("Montana", "Maine", "Texas"),
        ("initial-plan-late",),
    ),
    Rule(
        "PL-26",
        "A signed version is immutable; changes make a new version with author, time, reason.",
        "error",
        _IMPL,
        "The signed content must still hash to what the plan and every signature recorded.",
        ("Noridian",),
        ("signed-content-changed",),
    ),
)

RULES_BY_PL: dict[str, Rule] = {rule.pl: rule for rule in RULES}
CHECKS_BY_CODE: dict[str, ComplianceCheck] = {check.code: check for check in CHECKS}
PLAN_CHECKS_BY_CODE: dict[str, plan_checks.PlanCheck] = {c.code: c for c in plan_checks.CHECKS}

# Every finding code a profile may set the severity of.
ALL_CODES: frozenset[str] = frozenset(CHECKS_BY_CODE) | frozenset(PLAN_CHECKS_BY_CODE)


def pl_of(code: str) -> str:
    """The checklist item a finding code implements, or "" for plan-quality checks no payer
    names (too-few-goals, target-unconfirmed…)."""
    if code in CHECKS_BY_CODE:
        return CHECKS_BY_CODE[code].pl
    for rule in RULES:
        if code in rule.codes:
            return rule.pl
    return ""


def generic_message(code: str) -> str:
    """What a check looks at, in words that hold no client's data."""
    if code in CHECKS_BY_CODE:
        return CHECKS_BY_CODE[code].checks
    return PLAN_CHECKS_BY_CODE[code].checks


def source_of(code: str) -> str:
    """The sources behind a finding, as short names ("42 CFR 456.180; Michigan"), or the seed
    guidance a plan-quality check follows."""
    pl = pl_of(code)
    if pl:
        return "; ".join(RULES_BY_PL[pl].sources)
    return PLAN_CHECKS_BY_CODE[code].reference if code in PLAN_CHECKS_BY_CODE else ""
