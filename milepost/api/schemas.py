"""Request and response shapes.

Request bodies are plain pydantic models that forbid extra fields (a ninja Schema reads
attributes off non-dict input: docs/decisions/0530-json-api.md), and their fields
take JSON's own types: a number is not a string, true is not 1, a date is a string.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# Longer than any statement a plan holds (plans/services.py LONG_TEXT).
LONG_TEXT = 4000


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("Enter text.")
    if "\x00" in value:
        raise ValueError("The text contains a character that cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate from a "\ud800" escape: no database can store it.
        raise ValueError("The text contains a character that cannot be stored.") from None
    return value


def _whole(value: Any) -> Any:
    # JSON has one number type: 3.0 is the integer 3; true, "3" and 3.5 are not integers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Enter a whole number.")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError("Enter a whole number.")
        return int(value)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Enter a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("Enter a number.")
    return value


def _iso(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    return value


Text = Annotated[str, BeforeValidator(_text)]
WholeNumber = Annotated[int, BeforeValidator(_whole)]
Number = Annotated[float, BeforeValidator(_number)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso)]
PublicId = Annotated[str, Field(pattern=r"^[0-9a-z]{16}$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- requests


class GoalIn(Body):
    statement: Annotated[Text, Field(max_length=LONG_TEXT)]
    client_words: Annotated[Text, Field(max_length=LONG_TEXT)] = ""
    factors: Annotated[list[PublicId], Field(max_length=50)] = []


class GoalPatch(Body):
    statement: Annotated[Text, Field(max_length=LONG_TEXT)] | None = None
    client_words: Annotated[Text, Field(max_length=LONG_TEXT)] | None = None
    status: Annotated[Text, Field(max_length=20)] | None = None
    factors: Annotated[list[PublicId], Field(max_length=50)] | None = None


class ObjectiveIn(Body):
    statement: Annotated[Text, Field(max_length=LONG_TEXT)]


class AdministrationIn(Body):
    instrument: Annotated[Text, Field(max_length=20)]
    answers: Annotated[list[WholeNumber | None], Field(min_length=1, max_length=100)]
    administered_at: IsoDateTime | None = None


class ObservationIn(Body):
    value: Number
    period_start: IsoDate


class ClientSearchIn(Body):
    search: Annotated[Text, Field(min_length=1, max_length=100)]
    status: Annotated[str | None, Field(max_length=20)] = None


class SmartIn(Body):
    text: Annotated[Text, Field(max_length=LONG_TEXT)]
    today: IsoDate | None = None


# ---------------------------------------------------------------- responses


class CareTeamMemberOut(Schema):
    id: str
    name: str
    is_primary: bool


class ClientOut(Schema):
    id: str
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date
    pronouns: str
    status: str
    care_team: list[CareTeamMemberOut]


class ClientDetailOut(ClientOut):
    email: str
    phone: str
    referral_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime


class MetricOut(Schema):
    id: str
    name: str
    unit: str
    period: str


class TargetOut(Schema):
    id: str
    instrument: str | None
    metric: MetricOut | None
    baseline: float | None
    comparator: str
    target_value: float
    direction: str
    due_date: dt.date
    confirmed: bool


class InterventionOut(Schema):
    id: str
    order: int
    modality: str
    type: str
    frequency: str
    session_minutes: int | None
    responsible: str | None


class ObjectiveOut(Schema):
    id: str
    goal: str
    order: int
    statement: str
    target: TargetOut | None
    interventions: list[InterventionOut]


class GoalOut(Schema):
    id: str
    plan: str
    order: int
    statement: str
    client_words: str
    status: str
    factors: list[str]
    target: TargetOut | None
    objectives: list[ObjectiveOut]


class DiagnosisOut(Schema):
    id: str
    code: str
    text: str


class PlanSummaryOut(Schema):
    id: str
    version: int
    status: str
    created_at: dt.datetime
    signed_at: dt.datetime | None
    review_due_on: dt.date | None


class PlanOut(PlanSummaryOut):
    review_interval_days: int
    strengths: str
    discharge_criteria: str
    diagnoses: list[DiagnosisOut]
    goals: list[GoalOut]


class FlagOut(Schema):
    code: str
    severity: str
    message: str


class AlertOut(Schema):
    id: str
    code: str
    severity: str
    message: str
    open: bool


class AdministrationOut(Schema):
    id: str
    instrument: str
    administered_at: dt.datetime
    answers: list[int | None]
    total: int | None
    band: str | None
    band_label: str | None
    answered: int
    prorated: bool
    unscorable_reason: str | None
    subscales: dict[str, int | float]
    flags: list[FlagOut]
    source: str
    entered_in_error: bool
    alerts: list[AlertOut]


class ObservationOut(Schema):
    id: str
    metric: MetricOut
    value: float
    period_start: dt.date
    source: str
    entered_in_error: bool


class CriterionOut(Schema):
    met: bool | None
    why: str


class PositiveOut(CriterionOut):
    reframe: str | None


class DeadlineOut(Schema):
    text: str
    days: int | None
    date: str | None


class StructureOut(Schema):
    measure: str | None
    baseline: int | float | None
    target: int | float | None
    comparator: str | None
    direction: str | None
    unit: str | None
    deadline: DeadlineOut | None


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    fix: str


class SmartOut(Schema):
    """The JSON of `milepost smart --json` (DESIGN.md, "Stable interfaces")."""

    id: str | None
    text: str
    criteria: dict[str, CriterionOut]
    positive: PositiveOut
    structure: StructureOut
    findings: list[FindingOut]
    rewrite: str
