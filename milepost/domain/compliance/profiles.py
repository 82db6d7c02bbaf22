"""Payer profiles: what one payer or accreditor asks of a plan, as data (data/*.toml).

A profile sets the review interval, the signatures required, deadlines (the first plan after
intake, the plan's maximum age, how recent a standardised measure must be) and the severity
of any finding code (error, warning, info, or off). The file's name is the profile's key.
The loader validates every key: a bad file raises InvalidProfile naming the file and the key.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from milepost.domain.compliance.rules import ALL_CODES
from milepost.domain.errors import DomainError

SEVERITY_CHOICES: tuple[str, ...] = ("error", "warning", "info", "off")
DEFAULT_PROFILE = "default"
MAX_REVIEW_INTERVAL_DAYS = 365


class InvalidProfile(DomainError, ValueError):
    """A payer profile file is not valid; the message names the file and the key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        super().__init__(f"{source}: {key}: {problem}")


class UnknownProfile(DomainError, LookupError):
    def __init__(self, key: str, known: tuple[str, ...]) -> None:
        self.key = key
        super().__init__(f"unknown payer profile {key!r}; known: {', '.join(known)}")


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    description: str
    sources: tuple[str, ...]
    review_interval_days: int
    notes: str = ""
    client_signature: bool = True
    supervisor_cosign: bool = False
    # The client's endorsement must show the discharge criteria were discussed (PL-16).
    discharge_discussed: bool = False
    # PL-02; 365 is one calendar year (plan_checks.one_year_after: 29 February → 28 February).
    plan_max_age_days: int | None = None
    # PL-07: a target's duration must be under a year, so one due a year to the day is late.
    duration_under_a_year: bool = False
    initial_plan_days: int | None = None  # PL-25
    initial_plan_contacts: int | None = None  # PL-25
    measure_within_days: int | None = None  # PL-17
    no_improvement_reviews: int = 2  # PL-18
    severities: Mapping[str, str] = field(default_factory=dict)

    def severity(self, code: str, default: str) -> str:
        """The severity of a finding code under this profile ("off": not reported)."""
        return self.severities.get(code, default)


_TOP = {
    "name",
    "description",
    "notes",
    "sources",
    "review_interval_days",
    "plan_max_age_days",
    "initial_plan_days",
    "initial_plan_contacts",
    "measure_within_days",
    "no_improvement_reviews",
    "discharge_discussed",
    "duration_under_a_year",
    "signatures",
    "severity",
}
_SIGNATURES = {"client", "supervisor_cosign"}


def _text(source: str, data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise InvalidProfile(source, key, "is required")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidProfile(source, key, f"expected a non-empty string, got {value!r}")
    return value.strip()


def _days(
    source: str, data: Mapping[str, Any], key: str, *, low: int = 1, high: int = 3650
) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidProfile(source, key, f"expected a whole number {low}–{high}, got {value!r}")
    return value


def _flag(source: str, data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InvalidProfile(source, where, f"expected true or false, got {value!r}")
    return value


def parse(data: Mapping[str, Any], source: str, key: str) -> Profile:
    """One profile from its parsed TOML; `source` (the file name) names it in errors."""
    for unknown in sorted(set(data) - _TOP):
        raise InvalidProfile(source, unknown, "is not a profile key")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        raise InvalidProfile(source, "sources", "expected a non-empty list of URLs")
    for url in sources:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InvalidProfile(source, "sources", f"expected an http(s) URL, got {url!r}")
    interval = _days(source, data, "review_interval_days", high=MAX_REVIEW_INTERVAL_DAYS)
    if interval is None:
        raise InvalidProfile(source, "review_interval_days", "is required")
    signatures = data.get("signatures", {})
    if not isinstance(signatures, dict):
        raise InvalidProfile(source, "signatures", "expected a table")
    for unknown in sorted(set(signatures) - _SIGNATURES):
        raise InvalidProfile(source, f"signatures.{unknown}", "is not a signature key")
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise InvalidProfile(source, "severity", "expected a table of finding code = severity")
    for code, value in severity.items():
        if code not in ALL_CODES:
            raise InvalidProfile(source, f"severity.{code}", "is not a finding code")
        if value not in SEVERITY_CHOICES:
            raise InvalidProfile(
                source,
                f"severity.{code}",
                f"expected one of {', '.join(SEVERITY_CHOICES)}, got {value!r}",
            )
    reviews = _days(source, data, "no_improvement_reviews", high=12)
    return Profile(
        key=key,
        name=_text(source, data, "name"),
        description=_text(source, data, "description"),
        notes=_text(source, data, "notes", required=False),
        sources=tuple(sources),
        review_interval_days=interval,
        client_signature=_flag(source, signatures, "client", "signatures.client", True),
        supervisor_cosign=_flag(
            source, signatures, "supervisor_cosign", "signatures.supervisor_cosign", False
        ),
        discharge_discussed=_flag(
            source, data, "discharge_discussed", "discharge_discussed", False
        ),
        plan_max_age_days=_days(source, data, "plan_max_age_days"),
        duration_under_a_year=_flag(
            source, data, "duration_under_a_year", "duration_under_a_year", False
        ),
        initial_plan_days=_days(source, data, "initial_plan_days"),
        initial_plan_contacts=_days(source, data, "initial_plan_contacts", high=100),
        measure_within_days=_days(source, data, "measure_within_days"),
        no_improvement_reviews=reviews if reviews is not None else 2,
        severities=dict(severity),
    )


def load_text(text: str, source: str) -> Profile:
    """A profile from TOML text; `source` is its file name, whose stem is the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidProfile(source, "(file)", f"not valid TOML: {exc}") from exc
    return parse(data, source, source.removesuffix(".toml"))


@functools.cache
def all_profiles() -> dict[str, Profile]:
    """Every bundled profile by key, in file-name order (default first)."""
    data_dir = resources.files("milepost.domain.compliance") / "data"
    found: dict[str, Profile] = {}
    for entry in sorted(data_dir.iterdir(), key=lambda e: (e.name != "default.toml", e.name)):
        if entry.name.endswith(".toml"):
            profile = load_text(entry.read_text(encoding="utf-8"), entry.name)
            found[profile.key] = profile
    if DEFAULT_PROFILE not in found:
        raise InvalidProfile("default.toml", "(file)", "the default profile is missing")
    return found


def get_profile(key: str) -> Profile:
    known = all_profiles()
    if key not in known:
        raise UnknownProfile(key, tuple(known))
    return known[key]


def profile_choices() -> list[tuple[str, str]]:
    """(key, name) of every profile, for a form's choices."""
    return [(p.key, p.name) for p in all_profiles().values()]
