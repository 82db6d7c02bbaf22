"""The SMART engine: one goal statement in, criteria, findings, structure and a rewrite out.

Pipeline: normalise (mask scale names, digits for number words) -> deadlines -> quantities
-> structure -> criteria -> positive wording -> findings -> rewrite. Every verdict quotes
the words it relied on.
"""

from __future__ import annotations

import datetime as dt

from milepost.domain.smart.criteria import (
    achievable,
    measurable,
    relevant,
    specific,
    time_bound,
)
from milepost.domain.smart.findings import context_findings, text_findings
from milepost.domain.smart.matching import forget
from milepost.domain.smart.model import Analysis, Criteria, GoalContext
from milepost.domain.smart.reading import read
from milepost.domain.smart.rewrite import rewrite
from milepost.domain.smart.wording import positive


def analyse(
    text: str, context: GoalContext | None = None, *, today: dt.date | None = None
) -> Analysis:
    """Judge one goal or objective statement; never raises on any text."""
    try:
        return _analyse(text, context, today=today)
    finally:
        forget()  # nothing of the text stays in the matchers' memory


def _analyse(
    text: str, context: GoalContext | None = None, *, today: dt.date | None = None
) -> Analysis:
    ctx = context or GoalContext()
    r = read(text, today=today)
    achievable_c, a_findings = achievable(r, ctx)
    relevant_c, r_findings = relevant(text, ctx)
    criteria = Criteria(
        specific=specific(r),
        measurable=measurable(r),
        achievable=achievable_c,
        relevant=relevant_c,
        time_bound=time_bound(r),
    )
    pos = positive(r)
    findings = [
        *text_findings(r, criteria, pos),
        *a_findings,
        *r_findings,
        *context_findings(ctx, today),
    ]
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: order.get(f.severity, 3))
    return Analysis(
        text=text,
        criteria=criteria,
        positive=pos,
        structure=r.structure,
        findings=tuple(findings),
        rewrite=rewrite(r, criteria, pos, findings),
    )
