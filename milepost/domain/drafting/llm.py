"""The optional language model: what is sent (de-identified unless an agreement covers it),
the JSON schema the answer must follow, and how every returned item is checked.

Pure Python: no network here (the drafting app sends the request). A reply is validated
against the schema with pydantic; a formulation factor whose quote is not in the intake, an
item that states risk the intake does not mention, or a goal the schema cannot read is
dropped with its reason; every goal and objective is judged again by the SMART engine and
the plan checks like an offline draft, so a weak item is shown with its findings, never
silently accepted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from milepost.domain import instruments, library, smart
from milepost.domain.drafting.draft import domain_plan, judged, number_items, scripted_id
from milepost.domain.drafting.model import (
    Draft,
    DraftFactor,
    DraftGoal,
    DraftIntervention,
    DraftObjective,
    DraftTarget,
    ForClinician,
    Intake,
    Source,
)
from milepost.domain.plan_checks import check_plan
from milepost.domain.plans import MAINTAINING
from milepost.domain.target_words import instrument_code

MAX_REPLY = 60_000


class ModelFactor(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["predisposing", "precipitating", "maintaining", "protective"]
    text: str = Field(min_length=3, max_length=500)
    quote: str = Field(min_length=3, max_length=500)


class ModelIntervention(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modality: str = Field(min_length=3, max_length=200)
    frequency: str = Field(min_length=3, max_length=100)


class ModelObjective(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement: str = Field(min_length=5, max_length=400)
    interventions: list[ModelIntervention] = Field(default_factory=list, max_length=4)


class ModelGoal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_words: str = Field(default="", max_length=400)
    statement: str = Field(min_length=5, max_length=400)
    factors: list[int] = Field(default_factory=list, max_length=8)
    objectives: list[ModelObjective] = Field(default_factory=list, max_length=5)


class ModelReply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    factors: list[ModelFactor] = Field(default_factory=list, max_length=20)
    goals: list[ModelGoal] = Field(min_length=1, max_length=4)


SCHEMA: dict[str, Any] = ModelReply.model_json_schema()

SYSTEM_PROMPT = (
    "You draft a first psychotherapy treatment plan for a clinician to review. Use only what "
    "the intake says. For each formulation factor, quote the exact phrase of the intake it "
    "comes from. Write 2 to 4 goals, each in SMART wording (a measure, a baseline, a target "
    "and a time frame), with the client's own words copied from the intake when it has "
    "them, the 0-based indexes of the maintaining factors each targets, objectives and "
    "interventions. Never write anything about risk or suicide that the intake does not "
    "say. Answer with one JSON object that follows the schema, nothing else."
)

# Words that make a statement about risk; one the intake does not support is refused.
_RISK = re.compile(r"suicid|self[- ]harm|homicid|\bSI\b|\bHI\b|kill (?:him|her|my|them)self", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    r"\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}\b",
    re.I,
)
_LONG_NUMBER = re.compile(r"\b[A-Za-z]{0,3}\d{5,}\b")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? [A-Z][a-z]+")


def deidentify(text: str, names: Iterable[str] = ()) -> str:
    """The text with identifiers replaced: the given names, titled names, e-mail addresses,
    phone numbers, dates and long numbers (record, member or account numbers)."""
    out = _EMAIL.sub("[EMAIL]", text)
    out = _PHONE.sub("[PHONE]", out)
    out = _DATE.sub("[DATE]", out)
    out = _LONG_NUMBER.sub("[NUMBER]", out)
    out = _TITLED.sub("[NAME]", out)
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        out = re.sub(rf"\b{re.escape(name)}\b", "[NAME]", out, flags=re.I)
    return out


def messages(
    intake: Intake, *, health_information_covered: bool, names: Iterable[str] = ()
) -> list[dict[str, str]]:
    """The chat messages for an OpenAI-compatible endpoint."""
    problem, words = intake.presenting_problem, intake.client_words
    if not health_information_covered:
        problem, words = deidentify(problem, names), deidentify(words, names)
    scores = "; ".join(
        f"{instruments.get(s.instrument).short_name} {s.total:g}" for s in intake.scores
    )
    user = json.dumps(
        {
            "presenting_problem": problem,
            "client_words": words,
            "scores": scores,
            "diagnoses": list(intake.diagnoses) if health_information_covered else [],
            "schema": SCHEMA,
        },
        ensure_ascii=False,
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


class BadReply(ValueError):
    """The endpoint answered something that is not a usable draft; the message says why."""


@dataclass(frozen=True)
class Checked:
    """The model's draft after every check, and what was dropped and why."""

    draft: Draft
    dropped: tuple[str, ...]


def parse(content: object) -> ModelReply:
    """The reply's JSON against the schema; BadReply with a short reason otherwise."""
    if not isinstance(content, str) or not content.strip():
        raise BadReply("the model answered nothing")
    if len(content) > MAX_REPLY:
        raise BadReply("the model's answer is too long")
    text = content.strip()
    # Some servers wrap JSON in a Markdown code fence despite being asked not to.
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    try:
        return ModelReply.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "answer"
        raise BadReply(
            f"the model's answer does not follow the schema ({where}: {first['msg']})"
        ) from None


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))


def _target(statement: str, start: dt.date) -> DraftTarget | None:
    st = smart.analyse(statement).structure
    if st.target is None or not st.comparator or st.deadline is None or not st.deadline.days:
        return None
    code = instrument_code(st.measure)
    weeks = max(1, round(st.deadline.days / 7))
    return DraftTarget(
        measure=instruments.get(code).short_name if code else (st.measure or "count"),
        instrument=code or "",
        unit="points" if code else (st.unit or "times"),
        period="" if code else "week",
        baseline=st.baseline,
        target=st.target,
        comparator=st.comparator,
        direction=st.direction or "decrease",
        weeks=weeks,
        due_date=start + dt.timedelta(days=st.deadline.days),
        reasons=("read by the SMART engine from the model's wording",),
        sources=(Source("model", "statement", statement),),
    )


def check(reply: ModelReply, intake: Intake, base: Draft, *, model_name: str) -> Checked:
    """The model's items as a Draft (offline factors kept), each re-checked; what was
    dropped, with why."""
    dropped: list[str] = []
    intake_text = _norm(" ".join([intake.presenting_problem, intake.client_words]))
    risk_in_intake = bool(_RISK.search(intake.presenting_problem + " " + intake.client_words))
    model_source = Source("model", model_name)
    factors = list(base.factors)
    index_to_id: dict[int, str] = {}
    for i, f in enumerate(reply.factors):
        if _norm(f.quote) not in intake_text:
            dropped.append(f"factor {i + 1}: its quote is not in the intake")
            continue
        if _RISK.search(f.text) and not risk_in_intake:
            dropped.append(f"factor {i + 1}: speaks of risk the intake does not mention")
            continue
        kind = MAINTAINING if f.kind == "maintaining" else f.kind
        existing = next(
            (x for x in factors if x.kind == kind and _norm(x.text) == _norm(f.text)), None
        )
        if existing is not None:
            index_to_id[i] = existing.id
            continue
        fid = f"m{i + 1}"
        index_to_id[i] = fid
        factors.append(
            DraftFactor(fid, kind, f.text, (Source("intake", "intake", f.quote), model_source))
        )
    modalities = {
        item.modality.lower(): item
        for item in library.all_items()
        if item.kind == "intervention" and item.modality
    }
    goals: list[DraftGoal] = []
    for gi, g in enumerate(reply.goals, start=1):
        texts = [g.statement, g.client_words, *(o.statement for o in g.objectives)]
        if any(_RISK.search(t) for t in texts) and not risk_in_intake:
            dropped.append(f"goal {gi}: speaks of risk the intake does not mention")
            continue
        words = (
            g.client_words if _norm(g.client_words) and _norm(g.client_words) in intake_text else ""
        )
        if g.client_words and not words:
            dropped.append(f"goal {gi}: its client's words are not in the intake (left for you)")
        linked = tuple(
            index_to_id[i]
            for i in g.factors
            if i in index_to_id
            and next(f for f in factors if f.id == index_to_id[i]).kind == MAINTAINING
        )
        objectives = []
        for oi, o in enumerate(g.objectives, start=1):
            interventions = []
            for xi, x in enumerate(o.interventions, start=1):
                item = modalities.get(x.modality.lower())
                sources = (Source("library", item.id, item.text),) if item else ()
                interventions.append(
                    DraftIntervention(
                        id=f"g{gi}.o{oi}.i{xi}",
                        library_id=item.id if item else "",
                        modality=x.modality,
                        description=item.text if item else "",
                        type=item.type if item else "individual",
                        frequency=x.frequency,
                        session_minutes=item.session_minutes if item else None,
                        factors=linked,
                        sources=(*sources, model_source),
                    )
                )
            objectives.append(
                DraftObjective(
                    id=f"g{gi}.o{oi}",
                    library_id="",
                    statement=o.statement,
                    target=_target(o.statement, base.plan_date),
                    interventions=tuple(interventions),
                    factors=linked,
                    sources=(model_source,),
                )
            )
        goals.append(
            DraftGoal(
                id=f"g{gi}",
                area="",
                library_id="",
                client_words=words,
                statement=g.statement,
                target=_target(g.statement, base.plan_date),
                factors=linked,
                objectives=tuple(objectives),
                sources=(model_source,),
                for_clinician=()
                if words
                else (ForClinician("client_words", "Write the client's words with them."),),
            )
        )
    if not goals:
        raise BadReply("none of the model's goals passed the checks")
    renumbered = number_items(goals)
    plan = domain_plan(intake, base.plan_date, factors, renumbered)
    findings = check_plan(
        plan,
        today=base.plan_date,
        scripted=scripted_id,
        read_words=lambda text: smart.analyse(text).structure,
    )
    checked_goals = judged(renumbered, factors, findings, base.plan_date)
    return Checked(
        replace(base, factors=tuple(factors), goals=tuple(checked_goals)),
        tuple(dropped),
    )
