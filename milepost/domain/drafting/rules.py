"""The drafting rules (``data/rules.toml``) as frozen dataclasses, checked when they load.

Every library id a rule names must exist and be of the right kind, every instrument must be
bundled, every baseline pattern must compile with a group named ``n`` (or ``m``), and
unknown keys are refused, so a typo cannot silently drop a rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from milepost.domain import instruments, library
from milepost.domain.errors import DomainError, UnknownInstrument
from milepost.domain.plans import COMPARATORS, FACTOR_KINDS

DATA_FILE = "rules.toml"


class InvalidDraftingRules(DomainError):
    """The drafting rules file is malformed; the message names the section and the field."""


@dataclass(frozen=True)
class AreaRule:
    code: str
    symptoms: str
    instrument: str  # "" when the area has no bundled instrument
    diagnoses: tuple[str, ...]
    strong: tuple[str, ...]
    cues: tuple[str, ...]
    weeks: int
    source: str


@dataclass(frozen=True)
class Response:
    area: str
    objective: str
    interventions: tuple[str, ...]


@dataclass(frozen=True)
class MaintainingRule:
    code: str
    label: str
    cues: tuple[str, ...]
    source: str
    responses: tuple[Response, ...]
    behaviour: bool = False
    thought: bool = False


@dataclass(frozen=True)
class FactorRule:
    kind: str
    cues: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Wording:
    """How one library objective or goal is worded for a client (see the data file)."""

    library: str
    with_baseline: str
    without_baseline: str
    baseline: re.Pattern[str] | None
    target: float
    comparator: str
    weeks: int
    area: str = ""
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Modality:
    code: str
    names: tuple[str, ...]
    interventions: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Rules:
    areas: tuple[AreaRule, ...]
    maintaining: tuple[MaintainingRule, ...]
    factors: tuple[FactorRule, ...]
    emotions: tuple[str, ...]
    thought_markers: tuple[str, ...]
    cycle_source: str
    risk_cues: tuple[str, ...]
    risk_source: str
    risk_objective: str
    risk_interventions: tuple[str, ...]
    objectives: dict[str, Wording]
    functional_goals: tuple[Wording, ...]
    target_rule: str
    target_source: str
    modalities: tuple[Modality, ...] = ()

    def area(self, code: str) -> AreaRule:
        return next(a for a in self.areas if a.code == code)

    def modality(self, name: str) -> Modality | None:
        """The modality a clinician's word names ("EMDR", "behavioral activation"), or None."""
        key = " ".join(name.lower().split())
        return next((m for m in self.modalities if key == m.code or key in m.names), None)


def _fail(where: str, problem: str) -> InvalidDraftingRules:
    return InvalidDraftingRules(f"{DATA_FILE}: {where}: {problem}")


def _keys(raw: dict[str, Any], where: str, required: set[str], optional: set[str]) -> None:
    missing = required - set(raw)
    if missing:
        raise _fail(where, f"missing {', '.join(sorted(missing))}")
    unknown = set(raw) - required - optional
    if unknown:
        raise _fail(where, f"unknown key {', '.join(sorted(unknown))}")


def _cues(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(c, str) and c for c in raw):
        raise _fail(where, "cues must be a list of non-empty strings")
    for cue in raw:
        if cue != cue.lower():
            raise _fail(where, f"cue {cue!r} must be lower case")
    return tuple(raw)


def _library_id(item_id: str, kind: str, where: str) -> str:
    try:
        item = library.get(item_id)
    except library.UnknownLibraryItem:
        raise _fail(where, f"unknown library item {item_id!r}") from None
    if item.kind != kind:
        raise _fail(where, f"{item_id!r} is a {item.kind}, not a {kind}")
    return item_id


def _pattern(raw: str, where: str) -> re.Pattern[str] | None:
    if not raw:
        return None
    try:
        pattern = re.compile(raw, re.IGNORECASE)
    except re.error as error:
        raise _fail(where, f"baseline pattern does not compile: {error}") from None
    if "n" not in pattern.groupindex:
        raise _fail(where, "baseline pattern has no group named n")
    return pattern


def _wording(raw: dict[str, Any], where: str, kind: str, *, goal: bool) -> Wording:
    required = {"library", "with_baseline", "without_baseline", "baseline", "target"}
    required |= {"comparator", "weeks"}
    if goal:
        required |= {"area", "cues"}
    _keys(raw, where, required, set())
    if raw["comparator"] not in COMPARATORS:
        raise _fail(where, f"comparator must be one of {', '.join(COMPARATORS)}")
    pattern = _pattern(raw["baseline"], where)
    if (pattern is None) != (raw["with_baseline"] == ""):
        raise _fail(where, "a baseline pattern needs a with_baseline wording, and back")
    if raw["with_baseline"] and "{baseline}" not in raw["with_baseline"]:
        raise _fail(where, "with_baseline must hold {baseline}")
    return Wording(
        library=_library_id(raw["library"], kind, where),
        with_baseline=raw["with_baseline"],
        without_baseline=raw["without_baseline"],
        baseline=pattern,
        target=float(raw["target"]),
        comparator=raw["comparator"],
        weeks=int(raw["weeks"]),
        area=raw.get("area", ""),
        cues=_cues(raw["cues"], where) if goal else (),
    )


def parse(data: dict[str, Any]) -> Rules:
    """Rules from the parsed TOML; :class:`InvalidDraftingRules` names what is wrong."""
    areas = []
    for i, raw in enumerate(data.get("areas", [])):
        where = f"areas[{i}]"
        _keys(
            raw,
            where,
            {"code", "symptoms", "instrument", "diagnoses", "strong", "cues", "weeks", "source"},
            set(),
        )
        if raw["instrument"]:
            try:
                instruments.get(raw["instrument"])
            except UnknownInstrument:
                raise _fail(where, f"unknown instrument {raw['instrument']!r}") from None
        if raw["code"] not in {a.code for a in library.areas()}:
            raise _fail(where, f"{raw['code']!r} is not a library area")
        areas.append(
            AreaRule(
                code=raw["code"],
                symptoms=raw["symptoms"],
                instrument=raw["instrument"],
                diagnoses=tuple(raw["diagnoses"]),
                strong=_cues(raw["strong"], where),
                cues=_cues(raw["cues"], where),
                weeks=int(raw["weeks"]),
                source=raw["source"],
            )
        )
    codes = {a.code for a in areas}
    objectives = {}
    for i, raw in enumerate(data.get("objectives", [])):
        wording = _wording(raw, f"objectives[{i}]", "objective", goal=False)
        objectives[wording.library] = wording
    maintaining = []
    for i, raw in enumerate(data.get("maintaining", [])):
        where = f"maintaining[{i}]"
        _keys(
            raw,
            where,
            {"code", "label", "cues", "source", "responses"},
            {"behaviour", "thought"},
        )
        responses = []
        for j, resp in enumerate(raw["responses"]):
            rwhere = f"{where}.responses[{j}]"
            _keys(resp, rwhere, {"area", "objective", "interventions"}, set())
            if resp["area"] not in codes:
                raise _fail(rwhere, f"unknown area {resp['area']!r}")
            responses.append(
                Response(
                    area=resp["area"],
                    objective=_library_id(resp["objective"], "objective", rwhere),
                    interventions=tuple(
                        _library_id(x, "intervention", rwhere) for x in resp["interventions"]
                    ),
                )
            )
        maintaining.append(
            MaintainingRule(
                code=raw["code"],
                label=raw["label"],
                cues=_cues(raw["cues"], where),
                source=raw["source"],
                responses=tuple(responses),
                behaviour=bool(raw.get("behaviour", False)),
                thought=bool(raw.get("thought", False)),
            )
        )
    factors = []
    for i, raw in enumerate(data.get("factors", [])):
        where = f"factors[{i}]"
        _keys(raw, where, {"kind", "cues", "source"}, set())
        if raw["kind"] not in FACTOR_KINDS:
            raise _fail(where, f"kind must be one of {', '.join(FACTOR_KINDS)}")
        factors.append(FactorRule(raw["kind"], _cues(raw["cues"], where), raw["source"]))
    cycle = data["cycle"]
    _keys(cycle, "cycle", {"emotions", "thoughts", "source"}, set())
    risk = data["risk"]
    _keys(risk, "risk", {"cues", "source", "objective", "interventions"}, set())
    goals = tuple(
        _wording(raw, f"functional_goals[{i}]", "goal", goal=True)
        for i, raw in enumerate(data.get("functional_goals", []))
    )
    for g in goals:
        if g.area not in codes:
            raise _fail(f"functional_goals {g.library}", f"unknown area {g.area!r}")
    targets = data["targets"]
    _keys(targets, "targets", {"rule", "source"}, set())
    modalities = []
    for i, raw in enumerate(data.get("modalities", [])):
        where = f"modalities[{i}]"
        _keys(raw, where, {"code", "names", "interventions", "source"}, set())
        modalities.append(
            Modality(
                code=raw["code"],
                names=_cues(raw["names"], where),
                interventions=tuple(
                    _library_id(x, "intervention", where) for x in raw["interventions"]
                ),
                source=raw["source"],
            )
        )
    return Rules(
        areas=tuple(areas),
        maintaining=tuple(maintaining),
        factors=tuple(factors),
        emotions=_cues(cycle["emotions"], "cycle"),
        thought_markers=_cues(cycle["thoughts"], "cycle"),
        cycle_source=cycle["source"],
        risk_cues=_cues(risk["cues"], "risk"),
        risk_source=risk["source"],
        risk_objective=_library_id(risk["objective"], "objective", "risk"),
        risk_interventions=tuple(
            _library_id(x, "intervention", "risk") for x in risk["interventions"]
        ),
        objectives=objectives,
        functional_goals=goals,
        target_rule=targets["rule"],
        target_source=targets["source"],
        modalities=tuple(modalities),
    )


@cache
def bundled() -> Rules:
    text = (
        resources.files("milepost.domain.drafting")
        .joinpath("data", DATA_FILE)
        .read_text(encoding="utf-8")
    )
    return parse(tomllib.loads(text))
