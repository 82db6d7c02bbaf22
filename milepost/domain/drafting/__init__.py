"""The drafting assistant: from intake notes to a first SMART plan, every item sourced.

Public API::

    from milepost.domain import drafting
    intake = drafting.parse_intake(json.loads(text))   # InvalidIntake names the field
    result = drafting.draft(intake, today=date.today())
    drafting.as_dict(result)     # the JSON shape of `milepost draft --json`

Offline: rules and wordings in ``data/rules.toml``, items from the goal library, thresholds
from the instruments' data. Every draft is judged by the SMART engine and the plan checks.
Pure Python: no Django, no network. See docs/drafting.md.
"""

from __future__ import annotations

from typing import Any

from milepost.domain.drafting.draft import cue_hits, draft, parse_intake
from milepost.domain.drafting.model import (
    CycleItem,
    Draft,
    DraftFactor,
    DraftGoal,
    DraftIntervention,
    DraftObjective,
    DraftTarget,
    ExistingFactor,
    ForClinician,
    Intake,
    IntakeScore,
    InvalidIntake,
    Risk,
    Source,
)
from milepost.domain.drafting.rules import InvalidDraftingRules, Rules, bundled

__all__ = [
    "CycleItem",
    "Draft",
    "DraftFactor",
    "DraftGoal",
    "DraftIntervention",
    "DraftObjective",
    "DraftTarget",
    "ExistingFactor",
    "ForClinician",
    "Intake",
    "IntakeScore",
    "InvalidDraftingRules",
    "InvalidIntake",
    "Risk",
    "Rules",
    "Source",
    "as_dict",
    "bundled",
    "cue_hits",
    "draft",
    "parse_intake",
    "target_dict",
]


def _sources(sources: tuple[Source, ...]) -> list[dict[str, str]]:
    return [s.as_dict() for s in sources]


def target_dict(t: DraftTarget | None) -> dict[str, Any] | None:
    """A target in the engine's structure (measure, baseline, target, comparator, deadline)."""
    if t is None:
        return None
    return {
        "measure": t.measure,
        "instrument": t.instrument or None,
        "unit": t.unit,
        "period": t.period or None,
        "baseline": _num(t.baseline),
        "target": _num(t.target),
        "comparator": t.comparator,
        "direction": t.direction,
        "deadline": {
            "text": f"within {t.weeks} weeks",
            "days": t.weeks * 7,
            "date": t.due_date.isoformat(),
        },
        "reasons": list(t.reasons),
        "sources": _sources(t.sources),
    }


def _num(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _intervention(x: DraftIntervention) -> dict[str, Any]:
    return {
        "id": x.id,
        "library_id": x.library_id,
        "modality": x.modality,
        "description": x.description,
        "type": x.type,
        "frequency": x.frequency,
        "session_minutes": x.session_minutes,
        "factors": list(x.factors),
        "sources": _sources(x.sources),
    }


def _objective(o: DraftObjective) -> dict[str, Any]:
    return {
        "id": o.id,
        "library_id": o.library_id,
        "statement": o.statement,
        "target": target_dict(o.target),
        "factors": list(o.factors),
        "analysis": o.analysis,
        "plan_findings": list(o.findings),
        "for_clinician": [n.as_dict() for n in o.for_clinician],
        "sources": _sources(o.sources),
        "interventions": [_intervention(x) for x in o.interventions],
    }


def as_dict(d: Draft) -> dict[str, Any]:
    """The draft in the JSON shape of `milepost draft --json` (docs/drafting.md)."""
    return {
        "plan_date": d.plan_date.isoformat(),
        "review_due": d.review_due.isoformat(),
        "areas": list(d.areas),
        "factors": [
            {"id": f.id, "kind": f.kind, "text": f.text, "source": _sources(f.sources)}
            for f in d.factors
        ],
        "cbt_cycle": [
            {"part": c.part, "text": c.text, "source": _sources(c.sources)} for c in d.cycle
        ],
        "goals": [
            {
                "id": g.id,
                "area": g.area,
                "library_id": g.library_id,
                "client_words": g.client_words,
                "statement": g.statement,
                "target": target_dict(g.target),
                "factors": list(g.factors),
                "analysis": g.analysis,
                "plan_findings": list(g.findings),
                "for_clinician": [n.as_dict() for n in g.for_clinician],
                "sources": _sources(g.sources),
                "objectives": [_objective(o) for o in g.objectives],
            }
            for g in d.goals
        ],
        "risk": {
            "mentioned": d.risk.mentioned,
            "quotes": _sources(d.risk.quotes),
            "message": d.risk.message,
        },
        "for_clinician": [n.as_dict() for n in d.for_clinician],
        "plan_findings": list(d.plan_findings),
    }
