"""Numbers in goal text and what each one is: its unit, comparator and role.

Every number is read with a bounded window of text on each side (40 characters before,
60 after), so the cost per number is constant and nothing can backtrack across the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from milepost.domain.smart import lexicon
from milepost.domain.smart.measures import Scale
from milepost.domain.smart.normalise import Normalised

LEFT = 40
RIGHT = 60

_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?)(?![\d])|\b(once|twice|thrice)\b"
)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PERIOD = "(" + _alternation([*lexicon.PERIOD_UNITS, "morning", "evening", "weeknight"]) + ")"
_PERIOD_OF: dict[str, str] = {**lexicon.PERIOD_UNITS, "morning": "day", "evening": "day"}
_PERIOD_OF["weeknight"] = "night"

_COMP_BEFORE = re.compile(
    r"(?:^|[^a-z])("
    + _alternation([w for w, _ in lexicon.COMPARATORS_BEFORE])
    + r")\s*(?:~\s*|about\s+|approximately\s+|around\s+|roughly\s+|an?\s+)?$"
)
_COMP_BEFORE_MAP = dict(lexicon.COMPARATORS_BEFORE)
_COMP_AFTER = re.compile(
    r"(?:^|\s)(" + _alternation([w for w, _ in lexicon.COMPARATORS_AFTER if w != "+"]) + r")\b"
)
_COMP_AFTER_MAP = dict(lexicon.COMPARATORS_AFTER)
_APPROX = re.compile(r"(?:~\s*|about\s+|approximately\s+|around\s+|roughly\s+|an?\s+)$")

_BASELINE_LEFT = re.compile(
    r"(?:\bfrom\s+(?:an?\s+)?(?:[a-z-]+\s+){0,3}?of|\bfrom(?:\s+an?)?(?:\s+(?:baseline|current|average|mean|typical|usual)"
    r"(?:\s+(?:score|level|rate|frequency|rating|of))?)?(?:\s+(?:score|level|rate|rating))?"
    r"(?:\s+of)?|\bbaseline(?:\s+(?:score|level|rating))?\s*(?:of|:|=|is|was|at)?"
    r"|\bcurrently(?:\s+(?:at|is|about))?|\bcurrent\s+(?:score|level|rate|rating)\s*(?:of|:|=|is)?"
    r"|\bfrom\s+(?:a\s+)?(?:score|level|rating)\s+of)\s*$"
)
_TARGET_LEFT = re.compile(
    r"(?:\bto|\breach(?:es|ing)?|\bachieve|\btarget(?:\s+(?:score|of|level))?\s*(?::|of)?"
    r"|\bscore\s+(?:of\s+)?|\bscoring|\bgoal(?:\s+of|:)?|\bdown\s+to|\bup\s+to)\s*$"
)
_CHANGE_LEFT = re.compile(r"\bby\s*(?:an?\s+)?$|\bby\s+(?:at\s+least|about)\s*$")
_CHANGE_RIGHT = re.compile(
    r"^\s*(?:%|percent|per\s+cent)?\s*-?\s*(?:points?\s+|pts?\s+)?"
    r"(?:reduction|decrease|drop|increase|improvement|change|fewer|less\b|more\b|lower|higher)"
)
_RANGE_LEFT = re.compile(r"\d\s*-\s*$")
_INTERVAL_LEFT = re.compile(r"\bevery(?:\s+other)?\s*$")
_NEGATED = re.compile(r"(?:\bnot|n't|\bnever)\s+(?:[a-z]+\s+){0,2}$")
_INVERT = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
_YEAR_LEFT = re.compile(
    r"(?:\b(?:in|by|of|since|until|before|after|year|during)|"
    + "|".join(sorted(lexicon.MONTHS, key=len, reverse=True))
    + r")[\s,]*$"
)
_POST_COMPARATOR = re.compile(
    r"^\s*(?:\+|(?:" + _alternation([w for w, _ in lexicon.COMPARATORS_AFTER if w != "+"]) + r")\b)"
)

_PERCENT = re.compile(r"^\s*(?:%|percent\b|per\s+cent\b)")
_RATING = re.compile(r"^\s*(?:/\s*|out\s+of\s+)(10|100)\b")
_OUT_OF = re.compile(r"^\s*(?:/\s*|out\s+of\s+)(\d+)\b")
_FREQ_DIRECT = re.compile(
    r"^\s*(?:x\s*|times?\s+|time\s+)?(?:/\s*|per\s+|an?\s+|each\s+|every\s+|in\s+an?\s+)"
    + _PERIOD
    + r"\b"
)
_TIMES = re.compile(r"^\s*(?:times?|x)\b")
_DURATION = re.compile(r"^\s*-?\s*(" + _alternation(list(lexicon.DURATION_UNITS)) + r")\b")
_POINTS = re.compile(r"^\s*-?\s*(?:points?|pts?)\b")
_NOUN_FREQ = re.compile(
    r"^\s*((?:[a-z][a-z'/-]*\s+){0,5}?[a-z][a-z'-]*)\s*(?:/\s*|\s+(?:per|an?|each|every|in\s+an?)\s+)"
    + _PERIOD
    + r"\b"
)
_NOUN = re.compile(r"^\s*-?\s*([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2})")
_POST_PLUS = re.compile(r"^\s*\+")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    kind: str  # frequency | duration | percent | self-rating | points | count | bare
    unit: str | None
    comparator: str | None
    role: str | None  # baseline | target | change | range-end | None
    quote_start: int = 0  # the phrase to quote: comparator, number and unit
    quote_end: int = 0
    scale: Scale | None = None

    @property
    def per_day(self) -> float | None:
        """A rate in events per day, so 3/week and 1/month compare."""
        if self.kind != "frequency" or not self.unit:
            return None
        period = self.unit.removeprefix("per ")
        days = {"day": 1.0, "night": 1.0, "week": 7.0, "fortnight": 14.0, "month": 30.44}
        days.update({"year": 365.0, "weekend": 7.0, "session": 7.0})
        return self.value / days.get(period, 7.0)


@lru_cache(maxsize=1)
def _noun_stop() -> frozenset[str]:
    return frozenset(
        [
            "to",
            "from",
            "or",
            "and",
            "of",
            "on",
            "in",
            "by",
            "at",
            "the",
            "a",
            "an",
            "within",
            "for",
            "over",
            "during",
            "before",
            "after",
            "until",
            "till",
            "when",
            "with",
            "as",
            "using",
            "via",
            "is",
            "are",
            "was",
            "were",
            "each",
            "every",
            "per",
            "than",
            "but",
            "so",
            "because",
            "if",
            "while",
            "then",
            "this",
            "that",
            "into",
            "onto",
            "out",
            "up",
            "down",
        ]
    )


def _classify(right: str) -> tuple[str, str | None, int]:
    """(kind, unit, characters of `right` the unit spans)."""
    if (post := _POST_COMPARATOR.match(right)) is not None:
        kind, unit, span = _classify(right[post.end() :])
        return kind, unit, (post.end() + span) if span else 0
    if m := _PERCENT.match(right):
        return "percent", "%", m.end()
    if m := _RATING.match(right):
        return "self-rating", f"/{m.group(1)}", m.end()
    if m := _FREQ_DIRECT.match(right):
        return "frequency", "per " + _PERIOD_OF[m.group(1)], m.end()
    if m := _DURATION.match(right):
        end = m.end()
        if f := _FREQ_DIRECT.match(right[end:]):
            end += f.end()
        return "duration", lexicon.DURATION_UNITS[m.group(1)], end
    if m := _POINTS.match(right):
        return "points", "points", m.end()
    if m := _OUT_OF.match(right):
        return "count", f"out of {m.group(1)}", m.end()
    if m := _TIMES.match(right):
        end = m.end()
        if f := _FREQ_DIRECT.match(right[end:]):
            return "frequency", "per " + _PERIOD_OF[f.group(1)], end + f.end()
        return "count", "times", end
    if m := _NOUN_FREQ.match(right):
        first = m.group(1).split()[0]
        if first not in _noun_stop():
            return "frequency", "per " + _PERIOD_OF[m.group(2)], m.end()
    if m := _NOUN.match(right):
        words = []
        end = 0
        for w in re.finditer(r"[a-z][a-z'-]*", m.group(1)):
            if w.group(0) in _noun_stop() or w.group(0) in lexicon.PERIOD_UNITS:
                break
            words.append(w.group(0))
            end = m.start(1) + w.end()
        if words:
            return "count", " ".join(words), end
    return "bare", None, 0


def _post_comparator(right: str) -> str | None:
    if _POST_PLUS.match(right):
        return ">="
    cut = len(right)
    for stop in (",", ";", ".", "(", ")", "\ue000"):
        k = right.find(stop)
        if 0 <= k < cut:
            cut = k
    digit = re.search(r"\d", right)
    if digit and digit.start() < cut:
        cut = digit.start()
    window = right[: min(cut, 32)]
    m = _COMP_AFTER.search(window)
    return _COMP_AFTER_MAP[m.group(1)] if m else None


def find_quantities(norm: Normalised, excluded: list[tuple[int, int]]) -> list[Quantity]:
    """Every number outside `excluded` spans (deadlines), with what it measures."""
    s = norm.text
    spans = sorted(excluded)
    starts = [x for x, _ in spans]
    found: list[Quantity] = []
    for m in _NUMBER.finditer(s):
        a, b = m.span()
        k = bisect_right(starts, a) - 1
        if k >= 0 and a < spans[k][1]:
            continue  # inside a deadline: "within 12 weeks" is not a measure
        word = m.group(2)
        left = s[max(0, a - LEFT) : a]
        if word is not None:
            value = float(lexicon.COUNT_WORDS[word])
        else:
            value = float(m.group(1).replace(",", ""))
            tail = s[b : b + 3]
            if re.match(r"(?:st|nd|rd|th)\b", tail) or re.match(r"[:]\d", tail):
                continue  # an ordinal ("2nd week") or a clock time
            if len(m.group(1)) == 4 and 1900 <= value <= 2100 and _YEAR_LEFT.search(left):
                continue  # a year ("in 2026", "June 2026")
        right = s[b : b + RIGHT]
        comparator: str | None = None
        role: str | None = None
        quote_start = a
        if cm := _COMP_BEFORE.search(left):
            comparator = _COMP_BEFORE_MAP[cm.group(1)]
            quote_start = a - len(left) + cm.start(1)
            left = left[: cm.start(1)]
            if comparator in _INVERT and _NEGATED.search(left):
                comparator = _INVERT[comparator]  # "don't drink more than 2" means <= 2
        else:
            left = _APPROX.sub("", left) if _APPROX.search(left) else left
        kind, unit, span = _classify(right)
        if word is not None and kind in ("bare", "count"):
            kind, unit = "count", "times"
        comparator = comparator or _post_comparator(right)
        if _RANGE_LEFT.search(left):
            role = "range-end"
        elif _INTERVAL_LEFT.search(left):
            role = "interval"  # "every 2 weeks" is a frequency, not a target
        elif _BASELINE_LEFT.search(left):
            role = "baseline"
        elif _TARGET_LEFT.search(left):
            role = "target"
        elif _CHANGE_LEFT.search(left) or _CHANGE_RIGHT.match(right):
            role = "change"
        found.append(
            Quantity(
                a,
                b,
                value,
                kind,
                unit,
                comparator,
                role,
                quote_start=quote_start,
                quote_end=b + span,
            )
        )
    return found
