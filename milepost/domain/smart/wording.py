"""Positive (approach) wording: flag goals that only remove something, and reframe them."""

from __future__ import annotations

import re
from functools import cache

from milepost.domain.smart import lexicon
from milepost.domain.smart.cues import in_condition, in_verb_position, patterns
from milepost.domain.smart.model import Positive
from milepost.domain.smart.normalise import MASK
from milepost.domain.smart.reading import Reading, quote_span


def _clauses(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in patterns()["clause"].finditer(s):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(s):
        spans.append((start, len(s)))
    return spans


# Clause breaks that open a purpose: what follows is why, not what the client will do instead.
_PURPOSE = ("so that", "in order to")


def _state_cue(cue: str) -> bool:
    """A cue naming a state of being without something: a listed one, or "X-free"."""
    return cue in lexicon.STATE_CUES or cue.endswith("-free")


def _avoidance_cue(clause: str) -> re.Match[str] | None:
    pat = patterns()
    masked = pat["not_avoid"].sub(lambda m: " " * len(m.group(0)), clause)
    return pat["avoid"].search(masked)


def positive(r: Reading) -> Positive:
    s, norm, pat = r.norm.text, r.norm, patterns()
    negative: list[tuple[int, int, re.Match[str]]] = []
    approach = False
    candidates: list[str] = []  # clauses that may say what to do; read only if one removes
    # Most goals hold no avoidance cue at all: then no clause can only remove something.
    spans = _clauses(s) if _avoidance_cue(s) is not None else []
    for i, (a, b) in enumerate(spans):
        clause = s[a:b]
        prefix = pat["prefix"].match(clause)
        body = clause[prefix.end() :] if prefix is not None else clause
        body = body.lstrip()
        offset = b - len(body)
        words = pat["word"].findall(body)
        if not words:
            continue
        joined = s[spans[i - 1][1] : a].strip() if i else ""
        if (
            negative
            and negative[-1][1] == spans[i - 1][1]
            and joined in ("or", "nor")
            and not (pat["decrease"].match(body) or pat["increase"].match(body))
        ):
            continue  # "not drink or use drugs": the negation runs on past "or"
        if negative and negative[-1][1] == spans[i - 1][1] and joined in _PURPOSE:
            continue  # "quit smoking so that I can save up": a reason, not something instead
        if negative and _LIST_GAP.fullmatch(s[negative[-1][1] : a]) and _lists_on(body, words):
            # Round 8 (0221): "stop drinking and smoking", "quit drinking, smoking, porn": the
            # next items of what stops, not something to do instead.
            negative[-1] = (negative[-1][0], b, negative[-1][2])
            continue
        cue = _avoidance_cue(body)
        if cue is not None and in_condition(body, cue.start()):
            cue = None  # "verbalize when thoughts are not reality-based": a condition
        if cue is not None and pat["hedge"].search(body, cue.end()):
            cue = None  # "don't fight so much": doing it less is a reduction
            approach = True
            continue
        if (
            cue is not None
            and cue.group(0) in ("stop", "stops")
            and len(words) == 1
            and i + 1 < len(spans)
            and s[b : spans[i + 1][0]].strip() == "and"
        ):
            continue  # Round 7 (0220): "stop and think before I act" is a technique, not a stop
        if cue is not None:
            lead = body[: cue.start()].strip()
            empty = pat["empty"].match(lead) if lead else None
            lead_words = pat["word"].findall(lead)
            if (
                not lead
                or (empty is not None and empty.end() == len(lead))
                or (empty is not None and len(lead_words) <= 6 and _state_cue(cue.group(0)))
                or (pat["state_lead"].match(lead) and _state_cue(cue.group(0)))
                or (pat["duration_lead"].match(lead) and _state_cue(cue.group(0)))
            ):
                negative.append((offset + cue.start(), offset + len(body), cue))
                continue
        shared = (
            len(words) == 1
            and not pat["decrease"].match(body)  # "minimise or prevent": a reduction
            and i + 1 < len(spans)
            and s[b : spans[i + 1][0]].strip() in ("and", "or", "and/or")
        )
        if not shared:
            # A lone verb before "and"/"or" shares the next clause's object ("achieve and
            # maintain relief from symptoms"): that clause says whether it removes.
            candidates.append(body)
    if negative and not approach:
        approach = any(_is_content(body) for body in candidates)
    if negative and not approach:
        start, end, cue = negative[0]
        end = min([end, *(d.start for d in r.deadlines if start < d.start < end)])
        quote = quote_span(norm, start, end)
        return Positive(
            False,
            f"only removes something: {quote}; say what the client will do instead",
            reframe(r, s[start:end], cue.group(0)),
        )
    if negative:
        return Positive(True, "pairs what stops with what the client will do instead")
    if r.structure.direction == "decrease":
        return Positive(True, "a symptom or behaviour reduction, not an avoidance goal")
    return Positive(True, "states what the client will do or reach")


_LIST_GAP = re.compile(r"\s*(?:,|&|and|or|,\s*(?:and|or))\s*")


def _lists_on(body: str, words: list[str]) -> bool:
    """Does this clause only name more of what the clause before it stops: a gerund ("and
    smoking") or a word or two that is no verb of its own ("porn")? "and start walking",
    "and exercise" say what to do instead."""
    if len(words) > 4:
        return False
    if words[0].endswith("ing") and words[0] not in _DOING_INSTEAD:
        return True
    if len(words) > 2:
        return False
    pat = patterns()
    return not any(pat[name].match(body) for name in ("behaviour", "approach", "increase"))


# Gerunds that open something to do instead ("and starting a walking group").
_DOING_INSTEAD = frozenset(
    {"starting", "beginning", "replacing", "using", "practising", "practicing"}
)


def _is_content(body: str) -> bool:
    """Does this clause (subject already stripped) start with something to do or reach?"""
    pat = patterns()
    if MASK in body:
        return True
    for name in ("behaviour", "decrease", "increase", "approach"):
        m = pat[name].match(body)
        if m is not None:
            return True
    # Something to do later in the clause, in verb position ("the student will use a script").
    for name in ("behaviour", "approach"):
        for m in pat[name].finditer(body):
            if in_verb_position(body, m.start()) and not in_condition(body, m.start()):
                return True
    return False


_OBJECT_LEAD = re.compile(r"^(?:of|from|to|any|all|more|having|doing)\s+")


@cache
def _replacements() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each reframe rule's keys as one pattern: a key at the start of a word."""
    return tuple(
        (re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + ")"), replacement)
        for keys, replacement in lexicon.REPLACEMENTS
    )


def reframe(r: Reading, negated: str, cue: str) -> str:
    """'Stop eating junk food' -> 'Eat a home-cooked meal [how often] by [when]'."""
    if cue.endswith("-free"):
        obj = cue.removesuffix("-free")  # "panic-free" removes panic
    else:
        obj = negated.split(cue, 1)[-1].strip(" .,;:")
        obj = _OBJECT_LEAD.sub("", obj)
    when = r.structure.deadline.text if r.structure.deadline is not None else "by [when]"
    if when[:1].isupper() and when[1:2].islower():
        when = when[0].lower() + when[1:]
    for keys, replacement in _replacements():
        if keys.search(obj):
            return f"{replacement} [how often] {when}."
    what = obj if obj else "the old behaviour"
    return f"[replacement behaviour] instead of {what} [how often] {when}."
