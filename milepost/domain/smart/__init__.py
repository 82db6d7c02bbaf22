"""Goal-text analysis: SMART criteria, common-mistake findings, structure, reframing.

Public API::

    from milepost.domain import smart
    analysis = smart.analyse("Reduce PHQ-9 from 18 to 9 or below within 16 weeks")
    analysis.criteria.measurable.met, analysis.structure.target, analysis.findings
    smart.as_dict(analysis, id="g1")      # the exact JSON shape of `milepost smart --json`

Pure Python: no Django, no network, no models. See docs/smart.md.
"""

from __future__ import annotations

from typing import Any

from milepost.domain.smart.engine import analyse
from milepost.domain.smart.findings import GOAL_ONLY_FINDINGS
from milepost.domain.smart.model import (
    Analysis,
    Criteria,
    Criterion,
    Deadline,
    Finding,
    GoalContext,
    Positive,
    Structure,
)
from milepost.domain.smart.rewrite import PLACEHOLDER_FILLS, fill_placeholders

__all__ = [
    "GOAL_ONLY_FINDINGS",
    "PLACEHOLDER_FILLS",
    "Analysis",
    "Criteria",
    "Criterion",
    "Deadline",
    "Finding",
    "GoalContext",
    "Positive",
    "Structure",
    "analyse",
    "as_dict",
    "fill_placeholders",
]


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _criterion(c: Criterion) -> dict[str, Any]:
    return {"met": c.met, "why": c.why}


def as_dict(analysis: Analysis, *, id: object = None) -> dict[str, Any]:
    """The analysis in the stable JSON shape of DESIGN.md ("Stable interfaces")."""
    st = analysis.structure
    deadline = (
        {
            "text": st.deadline.text,
            "days": st.deadline.days,
            "date": st.deadline.date.isoformat() if st.deadline.date else None,
        }
        if st.deadline is not None
        else None
    )
    c = analysis.criteria
    return {
        "id": id,
        "text": analysis.text,
        "criteria": {
            "specific": _criterion(c.specific),
            "measurable": _criterion(c.measurable),
            "achievable": _criterion(c.achievable),
            "relevant": _criterion(c.relevant),
            "time_bound": _criterion(c.time_bound),
        },
        "positive": {
            "met": analysis.positive.met,
            "why": analysis.positive.why,
            "reframe": analysis.positive.reframe,
        },
        "structure": {
            "measure": st.measure,
            "baseline": _number(st.baseline),
            "target": _number(st.target),
            "comparator": st.comparator,
            "direction": st.direction,
            "unit": st.unit,
            "deadline": deadline,
        },
        "findings": [
            {"code": f.code, "severity": f.severity, "message": f.message, "fix": f.fix}
            for f in analysis.findings
        ],
        "rewrite": analysis.rewrite,
    }
