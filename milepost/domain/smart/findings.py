"""Findings (code, severity, message, fix) for the common mistakes in writing goals."""

from __future__ import annotations

import datetime as dt

from milepost.domain.smart import lexicon
from milepost.domain.smart.measures import Scale, scale_for_code
from milepost.domain.smart.model import Criteria, Finding, GoalContext, Positive
from milepost.domain.smart.reading import Reading, fmt

# Plans work best with 2-4 active goals (seed: "Most treatment plans work best with 2-4").
ACTIVE_GOALS_RANGE = (2, 4)

# Findings about a goal as a whole (the client's words, endorsement, its formulation link,
# the plan's count of goals and its review): not shown for an objective (decision 0312).
GOAL_ONLY_FINDINGS: frozenset[str] = frozenset(
    {
        "not-client-words",
        "not-endorsed",
        "no-formulation-link",
        "too-many-goals",
        "too-few-goals",
        "review-overdue",
    }
)


def suggested_scale(s: str) -> Scale | None:
    lowered = s.lower()
    for keys, code in lexicon.SUGGESTED_INSTRUMENTS:
        if any(lexicon.topic_key_in(k, lowered) for k in keys):
            scale = scale_for_code(code)
            if scale is not None:
                return scale
    return None


def text_findings(r: Reading, criteria: Criteria, pos: Positive) -> list[Finding]:
    out: list[Finding] = []
    st = r.structure
    s = r.norm.text
    if criteria.specific.met is False:
        suggestion = suggested_scale(s)
        fix = "Name the behaviour the client will do, or anchor the state to a measure"
        fix += f" (e.g. {suggestion.short_name})." if suggestion else "."
        out.append(
            Finding(
                "vague-outcome",
                "warning",
                f"Too vague: {criteria.specific.why}.",
                fix,
            )
        )
    if criteria.measurable.met is False:
        out.append(
            Finding(
                "no-measure",
                "warning",
                "No measure attached: nothing says how you will know the goal is met.",
                "Add a number, frequency or instrument score, with a target value.",
            )
        )
    if criteria.time_bound.met is False:
        out.append(
            Finding(
                "no-deadline",
                "warning",
                "No deadline or review point.",
                'Add a time frame, e.g. "within 12 weeks" or "by week 8".',
            )
        )
    if pos.met is False:
        out.append(
            Finding(
                "negative-wording",
                "warning",
                f"Negative wording: {pos.why}.",
                f'Say what the client will do instead, e.g. "{pos.reframe}"',
            )
        )
    if (
        criteria.measurable.met
        and st.baseline is None
        and st.target is not None
        and st.measure != "log"
        and r.change is None
    ):
        out.append(
            Finding(
                "no-baseline",
                "info",
                "No baseline: progress toward the target cannot be judged.",
                'Add where the client is now, e.g. "from 3 per week".',
            )
        )
    if st.comparator and st.direction and r.direction_source == "verb":
        clash = (
            st.direction == "decrease"
            and st.comparator in (">", ">=")
            and r.target is not None
            and r.target.comparator is not None
        ) or (
            st.direction == "increase"
            and st.comparator in ("<", "<=")
            and r.target is not None
            and r.target.comparator is not None
        )
        if clash and st.baseline is None:
            out.append(
                Finding(
                    "target-inconsistent",
                    "error",
                    f"The goal says {st.direction} but the target is "
                    f"{st.comparator} {fmt(st.target or 0)}.",
                    "Make the comparator point the same way as the change.",
                )
            )
    return out


def context_findings(ctx: GoalContext, today: dt.date | None) -> list[Finding]:
    out: list[Finding] = []
    low, high = ACTIVE_GOALS_RANGE
    if ctx.active_goals is not None and ctx.active_goals > high:
        out.append(
            Finding(
                "too-many-goals",
                "warning",
                f"The plan has {ctx.active_goals} active goals; more than {high} dilutes focus.",
                f"Prioritise {low}-{high} goals by severity, risk and what the client values.",
            )
        )
    if ctx.active_goals is not None and ctx.active_goals < low:
        out.append(
            Finding(
                "too-few-goals",
                "info",
                f"The plan has {ctx.active_goals} active goal(s); "
                f"fewer than {low} may miss problems.",
                f"Check the problem list: most plans work best with {low}-{high} active goals.",
            )
        )
    if ctx.review_due is not None and today is not None and ctx.review_due < today:
        out.append(
            Finding(
                "review-overdue",
                "warning",
                f"The review was due on {ctx.review_due.isoformat()} (set and forgotten).",
                "Review the goal with the client and record the decision.",
            )
        )
    return out
