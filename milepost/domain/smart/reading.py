"""Read a goal statement: deadlines, quantities and the Target they describe (Structure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from milepost.domain.smart import lexicon
from milepost.domain.smart.cues import patterns
from milepost.domain.smart.deadlines import DeadlineMatch, find_deadlines, primary
from milepost.domain.smart.measures import Scale
from milepost.domain.smart.model import Deadline, Structure
from milepost.domain.smart.normalise import Mention, Normalised, normalise
from milepost.domain.smart.quantities import (
    Quantity,
    blank_quantity,
    every_phrase,
    find_quantities,
    frequency_word,
    hold_target,
    not_quantities,
    observation_word,
    record_log,
    screen_word,
    trigger_spans,
    weight_word,
    zero_phrase,
)

# Longest quote put in a `why`.
QUOTE_MAX = 80

_DECREASE_AFTER = re.compile(r"reduc|decreas|drop|fewer|less|lower")
_INCREASE_AFTER = re.compile(r"increas|improv|more|higher")


@dataclass(frozen=True)
class Reading:
    """Everything found in the text, shared by the criteria, findings and rewrite."""

    norm: Normalised
    deadlines: tuple[DeadlineMatch, ...]
    deadline: DeadlineMatch | None
    quantities: tuple[Quantity, ...]
    baseline: Quantity | None
    target: Quantity | None
    change: Quantity | None
    scale: Scale | None
    structure: Structure
    direction_source: str | None  # "verb" | "improve" | "numbers" | "comparator"


def quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_MAX:
        text = text[: QUOTE_MAX - 1].rstrip() + "\u2026"
    return f'"{text}"'


def quote_span(norm: Normalised, start: int, end: int) -> str:
    return quoted(norm.quote(start, end))


def _attach_scale(q: Quantity, mentions: tuple[Mention, ...]) -> Scale | None:
    if not mentions or q.kind in ("frequency", "duration", "percent", "self-rating"):
        return None
    best = min(mentions, key=lambda m: abs(m.at - q.start))
    if abs(best.at - q.start) > 60:
        return None
    return best.scale if best.scale is not None else Scale(code=None, short_name=best.text)


def _mention_scale(mention: Mention) -> Scale:
    return mention.scale if mention.scale is not None else Scale(code=None, short_name=mention.text)


def _pick(quantities: list[Quantity]) -> tuple[Quantity | None, Quantity | None, Quantity | None]:
    baseline = next((q for q in quantities if q.role == "baseline"), None)
    target: Quantity | None = None
    if baseline is not None:
        after = [
            q
            for q in quantities
            if q.start > baseline.start and q.role not in ("range-end", "interval", "scale")
        ]
        target = next((q for q in after if q.role == "target"), None)
        if target is None:
            target = next((q for q in after if q.role not in ("change", "baseline")), None)
            if target is not None and target.start - baseline.end > 60:
                target = None
    if target is None:
        usable = [
            q
            for q in quantities
            if q.role not in ("change", "baseline", "range-end", "interval", "trigger", "scale")
        ]
        target = next((q for q in usable if q.role == "target"), None)
        # The main outcome criterion: a ratio or percentage of opportunities over the counts
        # it is judged on, and how often over how long each time ("30 minutes, 3 times a
        # week" is 3).
        target = target or next((q for q in usable if q.criterion), None)
        first = next(iter(usable), None)
        if target is None and first is not None and first.kind == "duration":
            # A count of times beats the length of each ("walk 40 minutes, 3 times this week").
            target = next((q for q in usable if q.kind == "frequency"), None) or next(
                (q for q in usable if q.kind == "count" and q.unit == "times"), None
            )
        target = target or first
    change = next((q for q in quantities if q.role == "change"), None)
    if target is None and baseline is None and change is not None:
        target = change  # a relative change is the target: "by 50%" is 50 (the rubric)
    return baseline, target, change


def rate(q: Quantity) -> float:
    return q.per_day if q.per_day is not None else q.value


# A keep-it-as-it-is verb beside a rise pulls both ways (the rubric's convention 9): no
# direction. Purpose clauses ("in order to gain") describe why, not what changes.
_LESS = re.compile(r"\b(?:less|fewer)\b")
_MIXED = re.compile(r"\b(?:maintain(?:s|ing)?|sustain(?:s|ing)?|in order to|so as to)\b")


def _direction(
    s: str, baseline: Quantity | None, target: Quantity | None, change: Quantity | None
) -> tuple[str | None, str | None]:
    pat = patterns()
    anchor = next((q for q in (baseline, target, change) if q is not None), None)
    # A change verb counts when it comes before the quantity it governs.
    limit = anchor.start if anchor is not None else len(s)
    dec = pat["decrease"].search(s, 0, limit)
    inc = pat["increase"].search(s, 0, limit)
    weak_inc = inc is not None and inc.group(0).startswith("improv")
    verb: str | None = None
    if dec and (not inc or dec.start() < inc.start() or weak_inc):
        verb = "decrease"
    elif inc and not weak_inc:
        verb = "increase"
    numbers: str | None = None
    if baseline is not None and target is not None:
        a, b = rate(baseline), rate(target)
        if target.per_day is None or baseline.per_day is None:
            a, b = baseline.value, target.value
        numbers = "decrease" if b < a else "increase" if b > a else None
    if verb is not None:
        if verb == "increase" and _MIXED.search(s, 0, limit):
            return None, None  # "gaining or maintaining", "develop and maintain": both ways
        return verb, "verb"
    if numbers is not None:
        return numbers, "numbers"
    if inc is not None or pat["weak_increase"].search(s, 0, limit):
        if _MIXED.search(s, 0, limit):
            return None, None
        return "increase", "improve"
    comparator = target.comparator if target is not None else None
    if comparator in ("<", "<="):
        return "decrease", "comparator"
    if comparator in (">", ">=") and not (target is not None and target.unit == "times"):
        # ... but "at least once", "3 times" alone is a count to perform, not a change (the
        # rubric's plain actions: no direction)
        return "increase", "comparator"
    if change is not None:
        right = s[change.end : change.end + 30]
        if _DECREASE_AFTER.search(right):
            return "decrease", "numbers"
        if _INCREASE_AFTER.search(right):
            return "increase", "numbers"
    if (
        anchor is None
        and pat["comparative"].search(s)
        and not pat["decrease"].search(s)
        and not _LESS.search(s)  # "more regulated and less overwhelmed": both ways
    ):
        return "increase", "comparative"  # "make more friends", "sleep better"
    return None, None


_RECORDED = re.compile(
    r"\b(?:"
    + "|".join(re.escape(w) for w in lexicon.RECORD_PARTICIPLES)
    + r")\s+(?:by|in|on|with|using|through|via)\b[^,;.]*$"
)


def _rating_named(s: str, triggers: list[tuple[int, int]]) -> bool:
    """A rating or scale named outside a trigger ("when my anxiety is above 5 on a scale of 1
    to 10, ..." only says when to act: no measure)."""
    pat = patterns()
    for name in ("rating", "scale"):
        for m in pat[name].finditer(s):
            if not any(a <= m.start() < b for a, b in triggers):
                return True
    return False


def _measure_name(
    scale: Scale | None, primary_q: Quantity | None, s: str, triggers: list[tuple[int, int]]
) -> str | None:
    pat = patterns()
    if scale is not None:
        return scale.short_name
    if primary_q is not None:
        kind = primary_q.kind
        if kind in ("frequency", "count"):
            return "count"
        if kind in ("duration", "percent", "self-rating"):
            return kind
        if pat["rating"].search(s) or pat["scale"].search(s):
            return "self-rating"
        if kind == "points":
            return "self-rating"
        return "count"
    if pat["log"].search(s):
        return "log"
    if _rating_named(s, triggers):
        return "self-rating"
    if blank := blank_quantity(s):
        return blank[1]
    if weight_word(s):
        return "weight"
    if frequency_word(s):
        return "count"
    return None


def _record(s: str, primary_q: Quantity | None) -> str | None:
    """How the result is recorded, when the text names it: it wins over a count or percent."""
    if record_log(s):
        return "log"  # a log or journal named anywhere (the rubric), even beside an observer
    if observation_word(s):
        return "observation"
    if screen_word(s):
        return "urine screen"
    if (m := patterns()["log"].search(s)) is not None and (
        primary_q is None or _RECORDED.search(s, max(0, m.start() - 40), m.start())
    ):
        # A chart or worksheet beside a number is the task's material ("using a feeling chart,
        # with 80% accuracy"), unless it is named as the record ("as measured by ... forms").
        return "log"
    if primary_q is not None and primary_q.unit is not None and weight_word(primary_q.unit):
        return "weight"
    if primary_q is not None and primary_q.kind in ("count", "frequency") and weight_word(s):
        return "weight"
    return None


def _unit(scale: Scale | None, q: Quantity | None) -> str | None:
    if q is not None and q.kind in ("frequency", "duration", "percent", "self-rating"):
        return q.unit
    if scale is not None:
        return "points"
    return q.unit if q is not None else None


def read(text: str, *, today: dt.date | None = None) -> Reading:
    norm = normalise(text)
    s = norm.text
    deadlines = find_deadlines(s, today)
    main = primary(deadlines)
    spans = [(d.start, d.end) for d in deadlines] + not_quantities(s)
    quantities = find_quantities(norm, spans)
    triggers = trigger_spans(s)
    if triggers:
        # "when my anxiety is above 5 of 10, use paced breathing": the scale is a trigger.
        quantities = [
            replace(q, role="trigger") if any(a <= q.start < b for a, b in triggers) else q
            for q in quantities
        ]
    pat = patterns()
    if pat["rating"].search(s) or pat["scale"].search(s):
        quantities = [
            replace(q, kind="self-rating") if q.kind == "bare" and not norm.mentions else q
            for q in quantities
        ]
    baseline, target, change = _pick(quantities)
    held = None
    if target is None and baseline is None:
        held = hold_target(s, deadlines)  # "stay sober for six months": the period is the target
        if held is not None:
            quantities = [*quantities, held]
            target = held
    primary_q = target or baseline or change
    scale: Scale | None = None
    for q in (target, baseline, change):
        if q is not None and (scale := _attach_scale(q, norm.mentions)) is not None:
            break
    if (
        scale is None
        and norm.mentions
        and (
            primary_q is None
            or primary_q.kind in ("bare", "points")
            or (
                primary_q.role == "change"
                and baseline is None
                and (target is None or target.role == "change")
            )
        )
    ):
        scale = _mention_scale(norm.mentions[0])
    if target is not None and target.role == "change" and scale is not None:
        target = None  # "PHQ-9 by 50%": a change of the score, not a score to reach
    direction, source = _direction(s, baseline, target, change)
    if source == "improve" and scale is not None and scale.higher_is_worse:
        direction = "decrease"  # improving a score where higher is worse lowers it
    comparator: str | None = None
    if target is not None:
        comparator = target.comparator
        if comparator is None:
            if target.value == 0 or (target.value == 100 and target.unit == "%"):
                comparator = "="  # none at all, or every time (the rubric)
            elif target.role == "change" or target is held or target.criterion:
                # at least this much change; at least this long; at least this share of the
                # opportunities, whatever the verb ("reduce it 50% of the time")
                comparator = ">="
            elif direction == "decrease" or (
                direction is None and scale is not None and scale.higher_is_worse
            ):
                comparator = "<="
            else:
                comparator = ">="
    measure = _record(s, primary_q) if scale is None else None
    target_value = target.value if target is not None else None
    if target is None and baseline is None and (zero := zero_phrase(s)) is not None:
        # "an absence of hallucinations", "eliminate all aggressive acts": none at all.
        target_value, comparator, measure = 0.0, "=", measure or "count"
        del zero
    every = None
    if target is None and baseline is None and target_value is None and not quantities:
        every = every_phrase(s)
    if every is not None:
        # "turn in all of my work", "at every opportunity": every one of them (the rubric).
        target_value, comparator, measure = 100.0, "=", "percent"
    unit = _unit(scale, target or baseline or change) if every is None else "%"
    if unit is None and baseline is not None and target is not None:
        unit = baseline.unit
    deadline = (
        Deadline(text=norm.quote(main.start, main.end), days=main.days, date=main.date)
        if main is not None
        else None
    )
    if held is not None and target is held and scale is None:
        measure = "duration"
    if (
        measure is None
        and primary_q is None
        and any(
            q.role == "scale" and not any(a <= q.start < b for a, b in triggers) for q in quantities
        )
    ):
        measure = "self-rating"  # "on a 0 to 10 scale" with no score given
    structure = Structure(
        measure=measure or _measure_name(scale, primary_q, s, triggers),
        baseline=baseline.value if baseline is not None else None,
        target=target_value,
        comparator=comparator,
        direction=direction,
        unit=unit,
        deadline=deadline,
    )
    return Reading(
        norm=norm,
        deadlines=tuple(deadlines),
        deadline=main,
        quantities=tuple(quantities),
        baseline=baseline,
        target=target,
        change=change,
        scale=scale,
        structure=structure,
        direction_source=source,
    )


def fmt(value: float) -> str:
    """18.0 -> '18', 2.5 -> '2.5'."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
