"""SMART on FHIR scopes and the FHIR search values the API reads: pure rules, no Django.

Scopes follow SMART App Launch 2.2.0, "Scopes and Launch Context"
(https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html):

- v1 forms ``<context>/<type>.<read|write|*>`` and v2 forms ``<context>/<type>.<cruds>``,
  context ``patient``, ``user`` or ``system``, type a resource type or ``*``;
- ``launch``, ``launch/patient``, ``openid``, ``fhirUser``, ``offline_access`` and
  ``online_access`` ask for context or sign-in, not for data.

Search values follow FHIR R4 "Search" (https://hl7.org/fhir/R4/search.html): a date
parameter is an optional two-letter prefix and a date of any precision, which stands for the
whole range it covers (§3.1.1.4.5 and §3.1.1.5.3); a token is ``system|code``, ``code`` or
``|code`` (§3.1.1.5.4); a comma between values means "or".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

CONTEXTS = ("patient", "user", "system")
# What a v1 permission word grants, as v2 letters (SMART 2.2.0, "Scopes for requesting
# FHIR Resources", the v1 to v2 table): read → "rs", write → "cud", * → all.
V1_PERMISSIONS = {"read": "rs", "write": "cud", "*": "cruds"}
V2_LETTERS = "cruds"  # create, read, update, delete, search, in this order
# The interaction each API operation needs, as a v2 letter.
INTERACTIONS = {"create": "c", "read": "r", "update": "u", "delete": "d", "search": "s"}
CONTEXT_SCOPES = frozenset(
    {"launch", "launch/patient", "openid", "fhirUser", "offline_access", "online_access"}
)

_SCOPE = re.compile(r"^(patient|user|system)/([A-Za-z]+|\*)\.([a-z*]+)$")


class ScopeError(ValueError):
    pass


@dataclass(frozen=True)
class Grant:
    """One resource scope: in which context, on which type ("*" for any), with which letters."""

    context: str
    resource_type: str
    letters: str

    def allows(self, resource_type: str, interaction: str) -> bool:
        if self.resource_type not in ("*", resource_type):
            return False
        return INTERACTIONS[interaction] in self.letters


def parse_scope(scope: str) -> Grant | None:
    """The resource grant of one scope; None for a context scope; ScopeError when unknown."""
    if scope in CONTEXT_SCOPES:
        return None
    match = _SCOPE.match(scope)
    if match is None:
        raise ScopeError(f"{scope[:60]!r} is not a SMART scope")
    context, resource_type, permission = match.groups()
    if permission in V1_PERMISSIONS:
        return Grant(context, resource_type, V1_PERMISSIONS[permission])
    # v2: some of c, r, u, d, s, each at most once, in that order.
    letters = [letter for letter in V2_LETTERS if letter in permission]
    if not permission or "".join(letters) != permission:
        raise ScopeError(f"{scope[:60]!r}: permissions are letters of 'cruds', in that order")
    return Grant(context, resource_type, permission)


def is_scope(scope: str) -> bool:
    try:
        parse_scope(scope)
    except ScopeError:
        return False
    return True


def grants(scopes: list[str] | tuple[str, ...]) -> list[Grant]:
    found = []
    for scope in scopes:
        grant = parse_scope(scope)
        if grant is not None:
            found.append(grant)
    return found


def allows(scopes: list[str] | tuple[str, ...], resource_type: str, interaction: str) -> bool:
    """Whether any granted scope covers `interaction` ("read", "search", "create") on the type."""
    if interaction not in INTERACTIONS:
        raise ValueError(f"unknown interaction {interaction!r}")
    return any(g.allows(resource_type, interaction) for g in grants(scopes))


def contexts(scopes: list[str] | tuple[str, ...]) -> set[str]:
    return {g.context for g in grants(scopes)}


# ---------------------------------------------------------------- search values

DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")
_DATE = re.compile(
    r"^(?P<prefix>[a-z]{2})?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?P<time>T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?$"
)


class SearchValueError(ValueError):
    pass


@dataclass(frozen=True)
class DateRange:
    """A half-open range of instants [start, end), in UTC."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class DateParam:
    prefix: str
    range: DateRange

    def matches(self, value: DateRange) -> bool:
        """FHIR R4 §3.1.1.4.5: how a prefixed search range compares with a resource's range."""
        p, v = self.range, value
        return {
            "eq": p.start <= v.start and v.end <= p.end,
            "ne": not (p.start <= v.start and v.end <= p.end),
            "gt": v.end > p.end,
            "lt": v.start < p.start,
            "ge": v.end > p.start,
            "le": v.start < p.end,
            "sa": v.start >= p.end,
            "eb": v.end <= p.start,
        }[self.prefix]


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def date_range(value: str) -> DateRange:
    """The range a FHIR date or dateTime covers (a date-only value is the whole UTC day)."""
    match = _DATE.match(value)
    if match is None or match.group("prefix"):
        raise SearchValueError("must be a FHIR date such as 2026-03-01")
    return _range(match)


def _range(match: re.Match[str]) -> DateRange:
    year = int(match.group("year"))
    month, day, time = match.group("month"), match.group("day"), match.group("time")
    try:
        if time:
            moment = dt.datetime.fromisoformat(f"{year:04d}-{month}-{day}{time}")
            moment = moment.astimezone(dt.UTC)
            # A time to the second covers that second; to the minute, that minute.
            to_second = re.match(r"T\d{2}:\d{2}:\d{2}", time) is not None
            step = dt.timedelta(seconds=1) if to_second else dt.timedelta(minutes=1)
            return DateRange(moment, moment + step)
        if day:
            start = dt.datetime(year, int(month), int(day), tzinfo=dt.UTC)
            return DateRange(start, start + dt.timedelta(days=1))
        if month:
            start = dt.datetime(year, int(month), 1, tzinfo=dt.UTC)
            end_year, end_month = _month_after(year, int(month))
            return DateRange(start, dt.datetime(end_year, end_month, 1, tzinfo=dt.UTC))
        return DateRange(
            dt.datetime(year, 1, 1, tzinfo=dt.UTC), dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
        )
    except ValueError:
        raise SearchValueError("is not a real date") from None


def date_param(value: str) -> DateParam:
    match = _DATE.match(value.strip())
    if match is None:
        raise SearchValueError("must be a FHIR date with an optional prefix, such as ge2026-03-01")
    prefix = match.group("prefix") or "eq"
    if prefix not in DATE_PREFIXES:
        raise SearchValueError(f"the prefix {prefix!r} is not one of {', '.join(DATE_PREFIXES)}")
    return DateParam(prefix, _range(match))


@dataclass(frozen=True)
class Token:
    """``system|code`` (system None: any system; "": no system) or a bare ``code``."""

    system: str | None
    code: str

    def matches(self, codings: list[tuple[str, str]]) -> bool:
        return any(
            code == self.code and (self.system is None or system == self.system)
            for system, code in codings
        )


def token_params(value: str) -> list[Token]:
    """The alternatives of one token parameter (a comma means "or")."""
    tokens = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            raise SearchValueError("has an empty value")
        if "|" in part:
            system, _, code = part.partition("|")
            if not code:
                raise SearchValueError("needs a code after '|'")
            tokens.append(Token(system, code))
        else:
            tokens.append(Token(None, part))
    return tokens
