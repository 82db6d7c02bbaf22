"""The SMART criteria, each with a verdict (None = cannot judge) and the words it relied on."""

from __future__ import annotations

import re

from milepost.domain.smart import concepts, lexicon
from milepost.domain.smart.cues import in_condition, in_relative, in_verb_position, patterns
from milepost.domain.smart.measures import scale_for_code
from milepost.domain.smart.model import Criterion, Finding, GoalContext
from milepost.domain.smart.quantities import (
    blank_quantity,
    every_phrase,
    frequency_word,
    observation_word,
    screen_word,
    trigger_spans,
    zero_phrase,
)
from milepost.domain.smart.reading import Reading, fmt, quote_span, quoted, rate

# A target that needs more than one reliable change every two weeks is not achievable.
MAX_RELIABLE_CHANGES_PER_WEEK = 0.5

_VAGUE_OBJECTS = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in lexicon.VAGUE_OBJECTS) + r")\b"
)


_OBJECT_END = re.compile(r"[,;.(]|\s(?:by|within|when|while|so that|in order to)\s")
_BEHAVIOUR_END = re.compile(r"[,;.(]|\s(?:by|within|in|for|and)\s")
_VAGUE_END = re.compile(r"[,;.(]|\s(?:by|within|in|for|from)\s")
_LEAD_WORD = re.compile(r"(?:\b[a-z-]+\s+)?$")
_DIGIT = re.compile(r"\d")
_TERM = re.compile(r"[a-z][a-z-]+")


def _behaviour(s: str) -> re.Match[str] | None:
    """The first behaviour verb in verb position, outside a trigger condition, whose object
    is not vague ("use coping skills"); a saying verb ("identify", "verbalize") is observable
    whatever its object."""
    pat = patterns()
    chain = -1  # where a behaviour verb ended: "practise expressing" chains two
    for m in pat["behaviour"].finditer(s):
        chained = chain >= 0 and m.group(0).endswith("ing") and not s[chain : m.start()].strip()
        chain = m.end()
        if not (chained or in_verb_position(s, m.start())) or in_condition(s, m.start()):
            continue
        if pat["vague"].match(s, m.start()):
            continue  # an idiom listed as vague: "move on", "let go"
        if not pat["saying"].fullmatch(m.group(0)):
            after = s[m.end() : m.end() + 30]
            cut = _OBJECT_END.search(after)
            obj = after[: cut.start()] if cut else after
            if _VAGUE_OBJECTS.search(obj):
                continue
            shown = re.split(r"\s(?:and|or)\s", obj, maxsplit=1)[0]
            if pat["showing"].fullmatch(m.group(0)) and pat["showing_object"].search(shown):
                continue  # "demonstrate decreased anxiety": a state shown, not a deed
        return m
    return None


def specific(r: Reading) -> Criterion:
    s, norm, pat = r.norm.text, r.norm, patterns()
    if norm.mentions:
        return Criterion(True, f"anchored to an instrument: {quoted(norm.mentions[0].text)}")
    if m := pat["band"].search(s):
        return Criterion(
            True, f"anchored to a severity band: {quote_span(norm, m.start(), m.end())}"
        )
    for q in r.quantities:
        if q.role == "change" or q.role == "range-end":
            continue
        if q.kind in ("frequency", "duration", "self-rating") or (
            q.kind == "count" and q.unit not in ("times", None)
        ):
            return Criterion(True, f"counts {quote_span(norm, q.quote_start, q.quote_end)}")
    for m in pat["event"].finditer(s):
        if not in_relative(s, m.start()):
            return Criterion(
                True, f"names a countable event: {quote_span(norm, m.start(), m.end())}"
            )
    for m in pat["count_frame"].finditer(s):
        if not _VAGUE_OBJECTS.search(m.group(0)) and not pat["vague"].search(m.group(0)):
            return Criterion(True, f"counts events: {quote_span(norm, m.start(), m.end())}")
    if m := pat["behaviour_kind"].search(s):
        return Criterion(True, f"names a kind of behaviour: {quote_span(norm, m.start(), m.end())}")
    if m := pat["technique"].search(s):
        return Criterion(True, f"names a technique: {quote_span(norm, m.start(), m.end())}")
    for m in pat["state"].finditer(s):
        if not in_relative(s, m.start()):
            return Criterion(
                True, f"names a state anyone can check: {quote_span(norm, m.start(), m.end())}"
            )
    if m := _behaviour(s):
        end = min(len(s), m.end() + 30)
        phrase = s[m.start() : end]
        cut = _BEHAVIOUR_END.search(phrase)
        stop = m.start() + (cut.start() if cut else len(phrase))
        return Criterion(
            True, f"names an observable behaviour: {quote_span(norm, m.start(), stop)}"
        )
    if m := pat["said"].search(s):
        start = max(0, s.rfind(",", 0, m.start()) + 1)
        return Criterion(True, f"names an observable behaviour: {quote_span(norm, start, m.end())}")
    if m := pat["vague"].search(s):
        phrase_end = min(len(s), m.end() + 25)
        tail = _VAGUE_END.search(s[m.end() : phrase_end])
        end = m.end() + (tail.start() if tail else 0)
        start = m.start()
        lead = _LEAD_WORD.search(s[max(0, start - 20) : start])
        if (
            lead
            and lead.group(0).strip()
            and lead.group(0).strip() not in lexicon.VERB_POSITION_BEFORE
        ):
            start -= len(lead.group(0))
        return Criterion(
            False,
            f"names a global state, not an observable behaviour or score: "
            f"{quote_span(norm, start, end)}",
        )
    words = r.norm.original.split()
    if not words:
        return Criterion(False, "the statement is empty")
    shown = " ".join(words[:8]) + (" \u2026" if len(words) > 8 else "")
    return Criterion(
        False,
        f"names no observable behaviour, countable event, instrument or band: {quoted(shown)}",
    )


def _outside(spans: list[tuple[int, int]], m: re.Match[str] | None) -> re.Match[str] | None:
    if m is None or any(a <= m.start() < b for a, b in spans):
        return None
    return m


def measurable(r: Reading) -> Criterion:
    s, norm, pat = r.norm.text, r.norm, patterns()
    counted = (q for q in r.quantities if q.role != "trigger")
    q = r.target or r.baseline or r.change or next(counted, None)
    if q is not None:
        if r.baseline is not None and r.target is not None:
            quote = quote_span(norm, r.baseline.quote_start, r.target.quote_end)
            # Far apart, or the baseline after the target ("walk 5 times a week (baseline:
            # 2)"), the target alone is quoted.
            if not 0 <= r.target.start - r.baseline.end <= 40:
                quote = quote_span(norm, r.target.quote_start, r.target.quote_end)
        else:
            quote = quote_span(norm, q.quote_start, max(q.quote_end, q.end))
        return Criterion(True, f"has a number: {quote}")
    if m := frequency_word(s):
        return Criterion(True, f"has a frequency: {quote_span(norm, m.start(), m.end())}")
    if norm.mentions:
        return Criterion(True, f"names an instrument: {quoted(norm.mentions[0].text)}")
    triggers = trigger_spans(s)
    if m := _outside(triggers, pat["rating"].search(s)) or _outside(
        triggers, pat["scale"].search(s)
    ):
        return Criterion(True, f"names a rating: {quote_span(norm, m.start(), m.end())}")
    if m := pat["log"].search(s):
        return Criterion(True, f"names a log: {quote_span(norm, m.start(), m.end())}")
    if blank := blank_quantity(s):
        m = blank[0]
        return Criterion(True, f"leaves a number blank: {quote_span(norm, m.start(), m.end())}")
    if m := screen_word(s):
        return Criterion(True, f"names a screen: {quote_span(norm, m.start(), m.end())}")
    if m := observation_word(s):
        return Criterion(True, f"names an observation: {quote_span(norm, m.start(), m.end())}")
    if r.structure.target == 0 and (m := zero_phrase(s)):
        return Criterion(True, f"sets none at all: {quote_span(norm, m.start(), m.end())}")
    if r.structure.target == 100 and (m := every_phrase(s)):
        return Criterion(True, f"asks for every one: {quote_span(norm, m.start(), m.end())}")
    why = "no number, frequency, duration, percentage, instrument, rating or log"
    if triggers and r.quantities:
        a, b = triggers[0]
        why += f"; {quote_span(norm, a, b)} is when to act, not a target"
    d = r.deadline
    if d is not None and _DIGIT.search(s[d.start : d.end]):
        why += f"; the only number is in the deadline {quote_span(norm, d.start, d.end)}"
    return Criterion(False, why)


def time_bound(r: Reading) -> Criterion:
    norm = r.norm
    d = r.deadline
    if d is not None:
        quote = quote_span(norm, d.start, d.end)
        if d.rank == 2:
            return Criterion(True, f"sets a period the change must hold: {quote}")
        if d.rank == 1:
            return Criterion(True, f"sets a review point: {quote}")
        return Criterion(True, f"sets a deadline: {quote}")
    why = "no deadline, window or review point"
    if m := frequency_word(norm.text):
        why += f"; {quote_span(norm, m.start(), m.end())} is a frequency, not a deadline"
    else:
        for q in r.quantities:
            if q.kind == "frequency":
                quote = quote_span(norm, q.quote_start, q.quote_end)
                why += f"; {quote} is a frequency, not a deadline"
                break
    return Criterion(False, why)


def achievable(r: Reading, ctx: GoalContext) -> tuple[Criterion, list[Finding]]:
    st = r.structure
    scale = r.scale
    if scale is None and ctx.instrument:
        scale = scale_for_code(ctx.instrument)
    baseline = st.baseline if st.baseline is not None else ctx.baseline
    target = st.target
    if r.target is not None and r.target.role == "change":
        target = None  # "by 50%" is a change, not a score on the scale
    days = st.deadline.days if st.deadline is not None else None
    if days is None:
        days = ctx.time_frame_days
    findings: list[Finding] = []
    name = scale.short_name if scale is not None else "the measure"
    if scale is not None and scale.total_min is not None and scale.total_max is not None:
        lo, hi = scale.total_min, scale.total_max
        for label, value in (("target", target), ("baseline", baseline)):
            if value is not None and not (lo <= value <= hi):
                why = f"{label} {fmt(value)} is outside the {name} range {fmt(lo)}-{fmt(hi)}"
                findings.append(
                    Finding(
                        "target-out-of-range",
                        "error",
                        f"The {why}.",
                        f"Use a {label} between {fmt(lo)} and {fmt(hi)}.",
                    )
                )
                return Criterion(False, why), findings
    if baseline is not None and target is not None and st.direction is not None:
        wrong = (st.direction == "decrease" and target > baseline) or (
            st.direction == "increase" and target < baseline
        )
        if r.baseline is not None and r.target is not None:
            a, b = rate(r.baseline), rate(r.target)
            if r.baseline.per_day is None or r.target.per_day is None:
                a, b = r.baseline.value, r.target.value
            wrong = (st.direction == "decrease" and b > a) or (st.direction == "increase" and b < a)
        if wrong:
            why = f"target {fmt(target)} does not {st.direction} from baseline {fmt(baseline)}"
            findings.append(
                Finding(
                    "target-inconsistent",
                    "error",
                    f"The goal says {st.direction} but its {why}.",
                    "Check the baseline, the target and the verb: they must point the same way.",
                )
            )
            return Criterion(False, why), findings
    if baseline is None and target is None:
        return Criterion(None, "needs a measurable target and a baseline"), findings
    if baseline is None:
        return Criterion(None, "needs a baseline"), findings
    if target is None:
        return Criterion(None, "needs a target"), findings
    if days is None:
        return Criterion(None, "needs a time frame in days"), findings
    change = abs(baseline - target)
    if scale is not None and scale.reliable_change:
        weeks = max(days / 7.0, 1.0 / 7.0)
        units = change / scale.reliable_change
        allowed = max(1.0, weeks * MAX_RELIABLE_CHANGES_PER_WEEK)
        detail = (
            f"{name} {fmt(baseline)} to {fmt(target)} in {days} days is "
            f"{units:.1f} reliable changes of {fmt(scale.reliable_change)} points"
        )
        if units > allowed:
            findings.append(
                Finding(
                    "too-fast",
                    "warning",
                    f"{detail}, more than one every two weeks.",
                    "Allow more time or set an intermediate target.",
                )
            )
            return Criterion(False, f"{detail}: faster than one every two weeks"), findings
        return Criterion(True, f"{detail}: within one every two weeks"), findings
    if days < 7:
        return Criterion(False, f"change from {fmt(baseline)} to {fmt(target)} in {days} days"), [
            *findings,
            Finding(
                "too-fast",
                "warning",
                f"The change from {fmt(baseline)} to {fmt(target)} is due in under a week.",
                "Allow at least a few weeks for the change.",
            ),
        ]
    return (
        Criterion(True, f"change from {fmt(baseline)} to {fmt(target)} over {days} days"),
        findings,
    )


def _terms(text: str) -> set[str]:
    words = set(_TERM.findall(text.lower()))
    out: set[str] = set()
    for w in words:
        if w in lexicon.STOPWORDS or len(w) < 3:
            continue
        out.add(w)
        for suffix in ("ing", "es", "s", "ed"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                out.add(w[: -len(suffix)])
                break
    return out


def _related(goal: str, other: str) -> str | None:
    """What a goal and another text have in common, quoted: a shared word ("grocery"), or a
    concept both name ("PHQ-9 ~ withdrawal" (low mood and inactivity), concepts.py)."""
    shared = sorted(_terms(goal) & _terms(other))
    if shared:
        return quoted(shared[0])
    common = concepts.shared(goal, other)
    if common is not None:
        mine, theirs = common
        return f"{quoted(f'{mine.words} ~ {theirs.words}')} ({mine.concept})"
    return None


def relevant(text: str, ctx: GoalContext) -> tuple[Criterion, list[Finding]]:
    findings: list[Finding] = []
    if ctx.endorsed is False:
        findings.append(
            Finding(
                "not-endorsed",
                "warning",
                "The client has not endorsed this goal (a therapist goal, not a client goal).",
                "Co-create the goal with the client and record their endorsement.",
            )
        )
    if ctx.client_words is not None and not ctx.client_words.strip():
        findings.append(
            Finding(
                "not-client-words",
                "info",
                "The client's own words for this goal are not recorded.",
                "Record what the client said they want, in their words.",
            )
        )
    elif ctx.client_words and not _terms(text) & _terms(ctx.client_words):
        findings.append(
            Finding(
                "not-client-words",
                "info",
                f"The goal shares no words with the client's own words {quoted(ctx.client_words)}.",
                "Keep the client's words in the goal so they recognise it as theirs.",
            )
        )
    if ctx.formulation_factors is not None:
        factors = [f for f in ctx.formulation_factors if f.strip()]
        if not factors:
            findings.append(
                Finding(
                    "no-formulation-link",
                    "warning",
                    "The goal is not linked to any factor in the formulation.",
                    "Link the goal to the maintaining factor it targets.",
                )
            )
            return Criterion(False, "not linked to any formulation factor"), findings
        for factor in factors:
            if (shared := _related(text, factor)) is not None:
                return (
                    Criterion(True, f"shares {shared} with the linked factor {quoted(factor)}"),
                    findings,
                )
        findings.append(
            Finding(
                "no-formulation-link",
                "warning",
                "The goal shares no word or clinical concept with its linked factors "
                f"{quoted('; '.join(factors))}.",
                "Check that the goal targets the maintaining factor it is linked to.",
            )
        )
        return Criterion(
            False,
            f"shares no word or concept with the linked factors {quoted('; '.join(factors))}",
        ), findings
    if ctx.endorsed is False:
        return Criterion(False, "the client has not endorsed the goal"), findings
    if ctx.client_words and (words := sorted(_terms(text) & _terms(ctx.client_words))):
        return Criterion(True, f"echoes the client's words ({quoted(words[0])})"), findings
    if ctx.endorsed is True:
        return Criterion(True, "endorsed by the client"), findings
    return Criterion(
        None, "needs the linked formulation factors or the client's own words"
    ), findings
