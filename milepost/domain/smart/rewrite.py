"""Suggested SMART wording: the client's words kept, anything missing as a visible placeholder."""

from __future__ import annotations

import re

from milepost.domain.smart.findings import suggested_scale
from milepost.domain.smart.model import Criteria, Finding, Positive
from milepost.domain.smart.reading import Reading, fmt

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:)])")
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_LEADING_PUNCT = re.compile(r"^[,;:\s]+")
_LEADING_COUNTED = re.compile(r"^of\s+[^,.;]{1,40},\s*")


def _core(r: Reading, fix_numbers: dict[int, str]) -> str:
    """The original words without their deadlines, offending numbers as placeholders."""
    s = r.norm.original
    edits: list[tuple[int, int, str]] = [
        (*r.norm.original_span(d.start, d.end), "") for d in r.deadlines if d.rank < 2
    ]
    for q in r.quantities:
        if q.start in fix_numbers:
            edits.append((*r.norm.original_span(q.start, q.end), fix_numbers[q.start]))
    edits.sort()
    pieces: list[str] = []
    pos = 0
    for a, b, replacement in edits:
        if a >= pos:
            pieces.append(s[pos:a])
            pieces.append(replacement)
            pos = b
    pieces.append(s[pos:])
    core = " ".join("".join(pieces).split())
    core = _SPACE_BEFORE_PUNCT.sub(r"\1", core)
    core = _EMPTY_PARENS.sub("", core)
    core = _LEADING_PUNCT.sub("", core)
    if edits and edits[0][0] == 0:
        # What the removed opening deadline was counting: "After 8 hours of nursing
        # intervention, the client will ..." leaves no "of nursing intervention," behind.
        core = _LEADING_COUNTED.sub("", core)
    return core.strip(" .,;:")


_PLACEHOLDER = re.compile(r"\[[^\[\]]{1,40}\]")


# The placeholders a rewrite adds. A text holding one is a rewrite taken but not filled in;
# blanks the page's author left ("By [date]") are not ours, so the text is still rewritten.
OWN_PLACEHOLDERS = frozenset(
    {
        "[baseline]",
        "[target]",
        "[when]",
        "[how often]",
        "[behaviour]",
        "[replacement behaviour]",
        "[replacement activity]",
        "[minutes]",
    }
)


def rewrite(r: Reading, criteria: Criteria, pos: Positive, findings: list[Finding]) -> str:
    """A suggested SMART wording: the client's words kept, what is missing as placeholders.

    Text that still holds the rewrite's own placeholders (a rewrite taken but not yet filled
    in) is returned as it is: the next step is to fill them, and new ones would only stack up.
    """
    if any(m.group(0) in OWN_PLACEHOLDERS for m in _PLACEHOLDER.finditer(r.norm.original)):
        return r.norm.original.strip().rstrip(" .") + "."
    st = r.structure
    if pos.met is False and pos.reframe:
        return pos.reframe
    codes = {f.code for f in findings}
    fix: dict[int, str] = {}
    if codes & {"target-out-of-range", "target-inconsistent"}:
        if r.target is not None:
            fix[r.target.start] = "[target]"
        if r.baseline is not None:
            fix[r.baseline.start] = "[baseline]"
    core = _core(r, fix) or "[behaviour]"
    core = core[0].upper() + core[1:]
    additions: list[str] = []
    s = r.norm.text
    if criteria.specific.met is False:
        suggestion = suggested_scale(s)
        if suggestion is not None:
            word = "or below" if suggestion.higher_is_worse else "or above"
            additions.append(f"({suggestion.short_name} from [baseline] to [target] {word})")
        else:
            additions.append("as shown by [behaviour] [how often]")
    elif criteria.measurable.met is False:
        if st.direction == "decrease":
            additions.append("from [baseline] to [target] per week")
        else:
            additions.append("[how often]")
    elif st.baseline is None and st.target is not None and r.change is None and st.measure != "log":
        additions.append("(baseline: [baseline])")
    # A change from a baseline needs at least a week (criteria.achievable): a deadline under
    # a week ("today", "within 2 days") is kept only when no baseline is asked for.
    asks_baseline = any("[baseline]" in a for a in additions) or "[baseline]" in fix.values()
    too_soon = st.deadline is not None and st.deadline.days is not None and st.deadline.days < 7
    keep_deadline = (
        st.deadline is not None
        and r.deadline is not None
        and r.deadline.rank < 2
        and "too-fast" not in codes
        and not (asks_baseline and too_soon)
    )
    when = st.deadline.text if keep_deadline and st.deadline is not None else "by [when]"
    if when[:1].isupper() and when[1:2].islower():
        when = when[0].lower() + when[1:]  # "Within 12 weeks, ..." moves to the end
    if additions and core[-1:].isdigit() and additions[0][:1] == "[":
        core += ","  # "on a scale of 1 to 10, [how often]": the numbers stay apart
    text = " ".join([core, *additions, when])
    return text.rstrip(" .") + "."


# Example values that fill each placeholder (used to check that a filled rewrite passes).
PLACEHOLDER_FILLS: dict[str, str] = {
    "[how often]": "4 times a week",
    "[when]": "week 12",
    "[behaviour]": "going for a 20-minute walk",
    "[replacement behaviour]": "Go for a 20-minute walk",
    "[replacement activity]": "a board game",
    "[minutes]": "15",
}


# Blanks other people leave in published templates, by a word inside them.
BLANK_FILLS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("date",), "June 30"),
    (("month",), "June"),
    (("year",), "2027"),
    (("name", "student", "child", "client", "person"), "Sam"),
)


def fill_placeholders(
    text: str, *, direction: str | None = None, target: float | None = None
) -> str:
    """The rewrite with example values in every placeholder.

    Baseline and target follow the direction (and a target already in the text), so the
    filled sentence is what a clinician would write after filling the blanks.
    """
    if direction == "increase":
        baseline = max(0.0, target - 3) if target is not None else 2.0
        goal = 5.0
    else:
        baseline = target + 6 if target is not None else 12.0
        goal = 6.0
    values = {**PLACEHOLDER_FILLS, "[baseline]": fmt(baseline), "[target]": fmt(goal)}

    def value(m: re.Match[str]) -> str:
        if (known := values.get(m.group(0))) is not None:
            return known
        # A blank the page's author left ("By [annual review date]", "[Month] 8, [Year]",
        # "[student's name] will"): what a clinician would write there.
        inside = m.group(0).lower()
        for keys, example in BLANK_FILLS:
            if any(k in inside for k in keys):
                return example
        return "3"

    return re.sub(r"\[[^\[\]]{1,80}\]", value, text)
