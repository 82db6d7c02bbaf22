"""The payer compliance linter: PL-01…PL-26 under payer profiles kept as data.

Pure Python over milepost.domain.plans (never Django, never an app):

    record = ComplianceRecord(plan=plan, established_on=..., signatures=..., ...)
    findings = lint(record, get_profile("medicaid-90"), today=date.today())
    RULES        # every checklist item with its status and sources (docs/compliance.md)
"""

from __future__ import annotations

from milepost.domain.compliance.linter import Finding, errors, lint
from milepost.domain.compliance.profiles import (
    DEFAULT_PROFILE,
    InvalidProfile,
    Profile,
    UnknownProfile,
    all_profiles,
    get_profile,
    profile_choices,
)
from milepost.domain.compliance.record import (
    EVIDENCE,
    AdministrationRecord,
    Citation,
    ComplianceRecord,
    NoteRecord,
    ReviewRecord,
    SignatureRecord,
)
from milepost.domain.compliance.rules import CHECKS, RULES, RULES_BY_PL, SOURCES, STATUSES, Rule

__all__ = [
    "CHECKS",
    "DEFAULT_PROFILE",
    "EVIDENCE",
    "RULES",
    "RULES_BY_PL",
    "SOURCES",
    "STATUSES",
    "AdministrationRecord",
    "Citation",
    "ComplianceRecord",
    "Finding",
    "InvalidProfile",
    "NoteRecord",
    "Profile",
    "ReviewRecord",
    "Rule",
    "SignatureRecord",
    "UnknownProfile",
    "all_profiles",
    "errors",
    "get_profile",
    "lint",
    "profile_choices",
]
