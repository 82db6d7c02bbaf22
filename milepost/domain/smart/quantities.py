"""Numbers in goal text and what each one is: its unit, comparator and role.

Every number is read with a bounded window of text on each side (40 characters before,
60 after), so the cost per number is constant and nothing can backtrack across the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from milepost.domain.smart import lexicon
from milepost.domain.smart.matching import Guarded, alternation
from milepost.domain.smart.measures import Scale
from milepost.domain.smart.normalise import Normalised

LEFT = 40
RIGHT = 60

# A number starts with a digit or the "o" or "t" of a word: the look-ahead tests that first.
_NUMBER = re.compile(
    r"(?=[\dot])(?:(?<![\w.,:])(\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?)(?![\d])"
    r"|\b(once|twice|thrice)\b)"
)


def _alternation(words: list[str]) -> str:
    return alternation(words)


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
_APPROX = re.compile(
    r"(?:~\s*|about\s+|approximately\s+|around\s+|roughly\s+|an?\s+|near(?:ly)?\s+|almost\s+"
    r"|close\s+to\s+)$"
)

_BASELINE_LEFT = re.compile(
    # Round 4 (0217): the words between may name an instrument, masked by then as MASK ("from
    # a PHQ-9 score of 18").
    r"(?:\bfrom\s+(?:an?\s+)?(?:(?:[a-z-]+|\ue000)\s+){0,3}?of|\bfrom(?:\s+an?)?(?:\s+(?:baseline|current|average|mean|typical|usual)"
    r"(?:\s+(?:score|level|rate|frequency|rating|of))?)?(?:\s+(?:score|level|rate|rating))?"
    r"(?:\s+of)?|\bbaseline(?:\s+(?:score|level|rating))?\s*(?:of|:|=|is|was|at)?"
    r"|\bcurrently(?:\s+(?:at|is|about))?|\bcurrent\s+(?:score|level|rate|rating)\s*(?:of|:|=|is)?"
    r"|\binstead\s+of(?:\s+an?)?|\bfrom\s+(?:the\s+|my\s+|a\s+)?usual(?:ly)?(?:\s+of)?"
    r"|\bfrom\s+(?:a\s+)?(?:score|level|rating)\s+of)\s*$"
)
_TARGET_LEFT = re.compile(
    r"(?:\bto|\breach(?:es|ing)?|\bachieve|\btarget(?:\s+(?:score|of|level))?\s*(?::|of)?"
    r"|\bscore\s+(?:of\s+)?|\bscoring|\bgoal(?:\s+of|:)?|\bdown\s+to|\bup\s+to"
    r"|\baim(?:ing)?\s+(?:for|at)(?:\s+at\s+least)?)\s*$"
)
_CHANGE_LEFT = re.compile(r"\bby\s*(?:an?\s+)?$|\bby\s+(?:at\s+least|about)\s*$")
_CHANGE_RIGHT = re.compile(
    r"^\s*(?:%|percent|per\s+cent)?\s*-?\s*(?:points?\s+|pts?\s+)?"
    r"(?:reduction|decrease|drop|increase|improvement|change\b|fewer|less\b|more\b|lower|higher)"
)
_CHANGE_VERB = re.compile(
    r"\b(?:reduc|decreas|increas|lower|rais|cut|drop|improv|from\b|go\s+from|move\s+from)"
)
_RATING_OF = ("10", "100")
_RANGE_LEFT = re.compile(r"\d\s*-\s*$")
_INTERVAL_LEFT = re.compile(r"\bevery(?:\s+other)?\s*$")
_NEGATED = re.compile(r"(?:\bnot|n't|\bnever)\s+(?:[a-z]+\s+){0,2}$")
_INVERT = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
_YEAR_LEFT = re.compile(
    # Round 6 (0219): "for 2020", "make 2016 the year", a year opening the text.
    r"(?:\b(?:in|by|of|since|until|before|after|year|during|for|make)|^|"
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
_WORD = re.compile(r"[a-z][a-z'-]*")
_DIGIT = re.compile(r"\d")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
_BLANK_RATIO = re.compile(r"_+\s*(?:out\s+of|of|/)")
_AT_LEAST = re.compile(r"\bat\s+least\b")


# Numbers that are not quantities: an intervention list "(1, 2)" closing a planner's line, a
# technique's name ("4-7-8 breathing", "5-4-3-2-1 grounding").
_REFERENCES = re.compile(r"\(\s*\d{1,2}(?:\s*,\s*\d{1,2})*\s*\)\s*\.?\s*$")
_TECHNIQUE = re.compile(r"(?=\d)(?<![\w.])\d{1,2}(?:-\d{1,2}){2,}(?![\w.])")
_CLOCK_AFTER = re.compile(r"\s*(?:a\.?m\.?|p\.?m\.?|o'?\s?clock)(?![a-z])|:\d")
_TRIAL = (
    r"(?:[a-z-]+\s+){0,2}?(?:"
    + "|".join(
        r"\s+".join(map(re.escape, w.split()))
        for w in sorted(lexicon.TRIAL_NOUNS, key=len, reverse=True)
    )
    + r")\b"
)
# "4 out of 5 opportunities", "4/5 trials", "8 of 10 instances"; with no such noun only "out of"
# a denominator other than 10 or 100 (those are ratings: "7/10", "3 out of 10").
_RATIO = re.compile(r"^\s*(?:out\s+of|of|/)\s*(\d+)\b(?!\s*%)(\s+" + _TRIAL + ")?")
# "80% of opportunities", "with 90% accuracy": the percentage is the criterion.
_PERCENT_CRITERION = re.compile(
    r"^\s*(?:%|percent\b|per\s+cent\b)\s*(?:of\b|accura|correct|success|independen)"
)
_RANGE_WORD = re.compile(r"(\d)\s*(?:to|and)\s*$")
# The denominator of a blank ratio or rating ("___/10", "___ out of 5") is no quantity.
_BLANK_DENOMINATOR = re.compile(r"_{2,}\s*(?:/|out\s+of|of)\s*$")
# A template blank where a number goes, known by the unit after it (the rubric: fill-in
# templates are measurable when the metric and unit are defined): "from ___ to ___ times per
# week", "__% accuracy", "___ out of ___ trials", "___/10", "___ minutes". A blank with no unit
# after it ("____ will use a strategy") is a name left out, not a number.
_BLANK_QUANTITY = re.compile(
    r"(?<![\w])_{2,}\s*(?:(%|percent\b|per\s+cent\b)|(/\s*(?:10|100)\b|out\s+of\s+(?:10|100)\b)"
    r"|(minutes?\b|mins?\b|hours?\b|hrs?\b|seconds?\b)"
    r"|((?:out\s+of|of|/)\s*(?:_{2,}|\d+)|times?\b|x\b|days?\b|nights?\b|per\b|a\s+(?:day|week)\b"
    r"|(?:[a-z-]+\s+){1,2}?(?:per|a|each|every)\s+(?:day|week|month|night|session)\b))"
)


# Round 5 (0218): a blank after a verb and before a plural noun is a count of things left to
# fill in ("identify ___ triggers", "make __ positive statements", "learn ___ strategies"):
# the metric and its unit are defined, the number is blank (the rubric's fill-in templates).
_BLANK_ITEMS = re.compile(
    r"(?<=[a-z] )_{2,}\s*(?:[a-z-]+(?:/[a-z-]+)?\s+){0,2}?"
    r"(?!(?:does|goes|was|this|his|its|hers|theirs|always|less|across|unless|yes|is|has)\b)"
    r"[a-z-]{2,}[^s\W]s\b"
)


def _minimal(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words no shorter word of the list sits inside: a substring test on them is a cheap
    guard for a pattern built from the whole list."""
    return tuple(w for w in words if not any(v != w and v in w for v in words))


# A dose after a number ("10mg", "5 ml"): it fixes the task, it is no target (the rubric).
_DOSE_AFTER = re.compile(r"\s*(?:" + _alternation(list(lexicon.DOSE_UNITS)) + r")(?![a-z])")
# A name with a number in it ("12-step meetings", "run a 5k").
_NUMBERED_NAME = re.compile(
    r"(?<![\w.])(?:" + _alternation(list(lexicon.NUMBERED_NAMES)) + r")(?![\w])"
)
_NUMBERED_NEEDS = _minimal(lexicon.NUMBERED_NAMES)


# The range a rating scale is defined by ("on a scale of 1 to 10", "a 0 to 10 scale", "a 1-5
# scale"): it says what the numbers mean, it is no score.
_SCALE_RANGE = re.compile(
    r"\bscale\s+(?:of|from)\s+\d+\s*(?:to|-)\s*\d+\b"
    r"|(?<![\w.])\d+\s*(?:to|-)\s*\d+(?:\s*-?\s*point)?\s+(?:rating\s+)?scale\b"
    # its anchors: "(0 being not able to ..., 10 being ...)"
    r"|(?<![\w.])\d+\s+being\b"
)
# A number that names a part of a task ("read chapter 7", "complete exercises 1, 2, and 3",
# "the assignment in Key 3"): a label, not a quantity. Read before the number, with the list
# that may follow it, at a phrase end ("exercise 4-5 days a week" counts days).
_LABEL_LEFT = re.compile(r"\b(?:" + _alternation(list(lexicon.NUMBERED_LABELS)) + r")\s+$")
_LABEL_LIST = re.compile(
    r"(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|-\s*|to\s+)\d+(?![\w%]|\.\d))*"
    r"(?=\s*(?:$|[,.;:)]|(?:and|or|of|in|on|by|from|before|after|to|for|with)\b))"
)


# Round 6 (0219): "one" in idioms is no quantity: "one day at a time", "one day I will"
# (some day), "one of my goals", "my number one goal", "the one goal".
_ONE_IDIOM = re.compile(
    r"(?<![\w.])1\s+(?:day\s+at\s+a\s+time|step\s+at\s+a\s+time|day\s+(?=(?:i|we|you|he|she|they)\b)"
    r"|of\s+(?=(?:my|the|his|her|their|our|your)\b))"
    r"|\bnumber\s+1\b|(?<![\w.])the\s+1\s+(?=(?:goal|thing|resolution|wish)\b)"
)


def not_quantities(s: str) -> list[tuple[int, int]]:
    """Spans of the normalised text whose digits are never read as quantities."""
    spans = [m.span() for m in _TECHNIQUE.finditer(s)]
    if "1" in s:
        spans.extend(m.span() for m in _ONE_IDIOM.finditer(s))
    if (m := _REFERENCES.search(s)) is not None:
        spans.append(m.span())
    if any(n in s for n in _NUMBERED_NEEDS):
        spans.extend(m.span() for m in _NUMBERED_NAME.finditer(s))
    return spans


class DeadlineLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def rank(self) -> int: ...
    @property
    def days(self) -> int | None: ...


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
    criterion: bool = False  # a ratio or percentage of opportunities: the main criterion

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
        for w in _WORD.finditer(m.group(1)):
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
    digit = _DIGIT.search(right)
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
    skip_until = -1
    # Numbers that define a rating scale are read (the scale makes the goal measurable), but
    # they are no score: role "scale".
    scale_spans = (
        [m.span() for m in _SCALE_RANGE.finditer(s)] if "scale" in s or "being" in s else []
    )
    for m in _NUMBER.finditer(s):
        a, b = m.span()
        if a < skip_until:
            continue  # the denominator of a ratio already read
        k = bisect_right(starts, a) - 1
        if k >= 0 and a < spans[k][1]:
            continue  # inside a deadline: "within 12 weeks" is not a measure
        word = m.group(2)
        left = s[max(0, a - LEFT) : a]
        if _BLANK_DENOMINATOR.search(left):
            continue  # "___/10": the number is left blank, 10 is the scale's top
        if _DOSE_AFTER.match(s, b):
            continue  # a dose: "lisinopril 10mg"
        if _LABEL_LEFT.search(left) and (labels := _LABEL_LIST.match(s, b)) is not None:
            skip_until = labels.end()  # a label: "chapter 7", "exercises 1, 2, and 3"
            continue
        if word is not None:
            value = float(lexicon.COUNT_WORDS[word])
        else:
            value = float(m.group(1).replace(",", ""))
            tail = s[b : b + 3]
            if _ORDINAL_AFTER.match(tail) or _CLOCK_AFTER.match(s, b):
                continue  # an ordinal ("2nd week") or a clock time ("7 pm", "10:30")
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
        criterion = False
        kind: str
        unit: str | None
        span: int
        ratio = _RATIO.match(right) if word is None else None
        if ratio is not None and (
            ratio.group(2)
            or (right.lstrip().startswith("out") and ratio.group(1) not in _RATING_OF)
        ):
            whole = float(ratio.group(1))
            if whole > 0 and value <= whole:
                value = float(round(100 * value / whole))
                kind, unit, span, criterion = "percent", "%", ratio.end(), True
                skip_until = b + ratio.end(1)
            else:
                ratio = None
        else:
            ratio = None
        if ratio is None:
            kind, unit, span = _classify(right)
            criterion = kind == "percent" and _PERCENT_CRITERION.match(right) is not None
            if unit is not None and (unit.startswith("/") or unit.startswith("out of")):
                skip_until = b + span  # "7/10", "3 out of 5": the denominator is no quantity
        if word is not None and kind in ("bare", "count"):
            kind, unit = "count", "times"
        if comparator is None and unit is not None and unit.startswith(("/", "out of")):
            # "3/10 or lower": the comparator follows the scale's top, not the score.
            comparator = _post_comparator(right[span:])
        comparator = comparator or _post_comparator(right)
        previous = found[-1] if found else None
        if any(x <= a < y for x, y in scale_spans):
            role = "scale"
        elif (
            previous is not None
            and (rw := _RANGE_WORD.search(left)) is not None
            and a - len(left) + rw.end(1) == previous.end
            and previous.role is None
            and not _CHANGE_VERB.search(s, 0, previous.start)
        ):
            # "6 to 8 hours", "between 4 and 6 hours": a range, read as its lower bound.
            role = "range-end"
            if previous.kind == "bare":
                found[-1] = replace(previous, kind=kind, unit=unit, quote_end=b + span)
        elif _RANGE_LEFT.search(left):
            role = "range-end"
            if previous is not None and previous.kind == "bare" and previous.role is None:
                # "3-5 minutes a day": the lower bound takes the range's unit.
                found[-1] = replace(previous, kind=kind, unit=unit, quote_end=b + span)
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
                criterion=criterion,
            )
        )
    return found


def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9'-])" + _alt_words(words) + r"(?![a-z0-9-])")


def _alt_words(words: tuple[str, ...]) -> str:
    return alternation(words, spaced=True)


@lru_cache(maxsize=1)
def _cues() -> dict[str, Guarded]:
    """The matchers below, each skipping texts that lack the words it needs."""
    return {name: Guarded(compiled) for name, compiled in _compiled_cues().items()}


def _compiled_cues() -> dict[str, re.Pattern[str]]:
    from milepost.domain.smart.cues import patterns

    return {
        "frequency": patterns()["frequency"].compiled,
        "adjective": re.compile(r"\s+" + _phrases(lexicon.NOT_FREQUENCY_AFTER).pattern),
        "state_before": re.compile(
            _phrases(lexicon.NOT_FREQUENCY_BEFORE).pattern + r"\s+(?:(?:on|at)\s+an?\s+)?$"
        ),
        "zero": _phrases(lexicon.ZERO_PHRASES),
        "zero_verb": _phrases(lexicon.ZERO_VERB_CUES),
        "zero_event": _phrases(lexicon.ZERO_EVENTS),
        "observation": _phrases(lexicon.OBSERVATION_WORDS),
        "observer": re.compile(
            r"\b(?:measured|documented|recorded|reported|observed|charted|noted|evidenced|"
            r"verified|monitored|tracked|collected|rated|scored)\s+by\s+(?:the\s+|a\s+|his\s+|"
            r"her\s+|their\s+|my\s+)?(?:"
            + _alt_words(lexicon.OBSERVERS)
            + r")(?![a-z0-9-])|\b(?:per\s+)?(?:"
            + _alt_words(lexicon.OBSERVERS)
            + r")\s+(?:report|reports|observation|observations|data|records|checklist|"
            r"checklists|notes|documentation|rating|ratings)\b"
        ),
        "screen": _phrases(lexicon.SCREEN_WORDS),
        "record_log": _phrases(lexicon.RECORD_LOGS),
        "weight": _phrases(lexicon.WEIGHT_WORDS),
        "trigger": re.compile(
            r"\b(?:when|whenever|if)\b(?=[^,;.]{0,60}?\b(?:above|over|below|under|more\s+than|"
            r"higher\s+than|less\s+than|reaches|exceeds|hits)\s+(?:an?\s+)?\d)[^,;.]*"
        ),
        "hold_verb": re.compile(
            r"\b(?:stay|stays|staying|remain|remains|remaining|maintain|maintains|maintaining|"
            r"sustain|sustains|sustaining|keep|keeps|keeping)\b"
        ),
        "hold_noun": _phrases(lexicon.HOLD_NOUNS),
        "hold_period": re.compile(
            r"(\d+(?:\.\d+)?|\ban?\b)\s*-?\s*(?:consecutive\s+|straight\s+|successive\s+|full\s+)?"
            r"(day|week|fortnight|month|year)s?\b"
        ),
    }


def frequency_word(s: str) -> re.Match[str] | None:
    """The first frequency word used as one: "daily functioning" is an adjective, and
    "function daily" a state, not a rate."""
    cues = _cues()
    for m in cues["frequency"].finditer(s):
        if cues["adjective"].match(s, m.end()):
            continue
        if cues["state_before"].search(s, max(0, m.start() - 24), m.start()):
            continue
        return m
    return None


# Round 6 (0219): a letter standing for the number left to fill in ("gain X pounds", "X days a
# week ... less than Z days a week", "a size X"), before a unit word only.
_LETTER_BLANK = re.compile(
    r"(?<=[a-z,] )[xyz]\s+(?:days?|nights?|times?|kilograms?|kilos?|kg|pounds?|lbs?|calories|"
    r"minutes?|hours?|drinks?|glasses|servings|steps|miles|meals|sessions)\b|\bsize\s+x\b"
)


def blank_quantity(s: str) -> tuple[re.Match[str], str] | None:
    """A template blank left for a number, and the measure its unit makes it."""
    if "__" not in s:
        letter = _LETTER_BLANK.search(s) if " x" in s or " y" in s or " z" in s else None
        if letter is None:
            return None
        timed = re.search(r"\b(?:minutes?|hours?)$", letter.group(0))
        return letter, "duration" if timed else "count"
    m = _BLANK_QUANTITY.search(s)
    if m is None:
        items = _BLANK_ITEMS.search(s)
        return (items, "count") if items is not None else None
    if m.group(1):
        return m, "percent"
    if m.group(2):
        return m, "self-rating"
    if m.group(3):
        return m, "duration"
    if _BLANK_RATIO.match(m.group(0)):
        return m, "percent"  # a blank ratio of trials is a percentage (the rubric)
    return m, "count"


# Round 5 (0218): "all" or "every" over a set of tasks, instances or opportunities is a 100 %
# criterion (the rubric's convention 6): "turn in all of my work", "smile at every
# opportunity", "put away all mobile devices". Not over an amount or a state ("all the weight",
# "eliminate all stress"), not a period ("every day" is a frequency), not an idiom ("at all
# times", "all or nothing", "all the time").
_EVERY_TIME_WORDS = (
    "day|days|week|weeks|weekend|weekday|morning|afternoon|evening|night|month|year|hour|"
    "minute|time|times|other|once|single|bit|now|monday|tuesday|wednesday|thursday|friday|"
    "saturday|sunday|session|meal|class|lesson|school|shift|visit|few"
)
_EVERY_SET = re.compile(
    r"(?<![\w-])(?:(?:at|in|on|for|to|of)\s+)?(?:every\s+|all\s+(?:of\s+)?(?:the\s+|my\s+|his\s+|her\s+|their\s+|your\s+|our\s+)?)"
    r"(?!(?:" + _EVERY_TIME_WORDS + r")\b)"
    r"(?:([a-z][a-z'-]*[^s\W'-]s)|([a-z][a-z'-]*)\s+([a-z][a-z-]*[^s\W-]s)|(opportunity|person|"
    r"assignment|task|item|question|request|instruction|direction|prompt|chance|occasion|work|homework))\b"
    r"(?!\s+(?:or|and)\s+nothing)"
)
# Plural nouns after "all" that name an amount, a state or a feeling, not a set of things done.
_EVERY_NOT_SETS = frozenset(
    {
        "feelings",
        "thoughts",
        "emotions",
        "symptoms",
        "worries",
        "fears",
        "problems",
        "issues",
        "needs",
        "costs",
        "means",
        "ages",
        "sorts",
        "kinds",
        "types",
        "ways",
        "things",
        "odds",
        "others",
        "circumstances",
        "aspects",
        "areas",
        "levels",
        "sides",
        "parts",
    }
)


def every_phrase(s: str) -> re.Match[str] | None:
    """'all' or 'every' over a set of tasks or opportunities: the rubric's 100 % criterion."""
    if "all" not in s and "every" not in s:
        return None
    for m in _EVERY_SET.finditer(s):
        noun = m.group(1) or m.group(3) or m.group(4)
        if noun in _EVERY_NOT_SETS or (m.group(2) or "") in ("the", "a", "an", "of"):
            continue
        if m.group(0).startswith("every") and noun and noun.endswith("s") and m.group(4) is None:
            continue  # "every two weeks", "every few days": a frequency
        return m
    return None


def zero_phrase(s: str) -> re.Match[str] | None:
    """A phrase that sets none at all: a listed phrase ("an absence of"), or zero wording on a
    behaviour or countable event ("will not hit", "no outbursts")."""
    return _cues()["zero"].search(s) or zero_criterion(s)


# Round 6 (0219): a limit after the zero cue ("will not drink more than 2 drinks").
_LIMIT_AFTER = re.compile(r"[^,;.]{0,30}?\b(?:more|less|fewer|longer)\s+than\b")
_EVENT_ONLY_ZERO = frozenset({"never", "free of", "free from", "no"})
_STOP_ZERO = frozenset(
    {"stop", "stops", "stopping", "quit", "quits", "quitting", "abstain from", "abstaining from"}
    | {"give up", "giving up", "cease", "ceasing"}
)
_ZERO_NEEDS = (
    "not",
    "n't",
    "wont",
    "no",
    "refrain",
    "never",
    "free",
    "stop",
    "quit",
    "abstain",
    "give up",
    "giving up",
    "ceas",
)
# Adverbs and determiners that may stand between the cue and what it zeroes.
_ZERO_FILLER = re.compile(
    r"\s+(?:(?:any|ever|again|even|physically|verbally|intentionally|deliberately|more|"
    r"further|new|physical|verbal|having|have)\s+){0,2}"
)


# A vague or generic object after the verb ("use coping skills", "use egocentric behaviors"):
# no discrete event to count.
_GENERIC_OBJECT = re.compile(
    r"[^,;.(]{0,30}?(?<![a-z])(?:"
    + _alternation(list(lexicon.VAGUE_OBJECTS))
    + r"|behaviou?rs|strategies|skills|techniques|habits)(?![a-z])"
)


def zero_criterion(s: str) -> re.Match[str] | None:
    """Zero wording on a behaviour verb or a countable event, outside a trigger condition:
    "will not hit his brother", "no outbursts" (the rubric's zero criterion)."""
    if not any(n in s for n in _ZERO_NEEDS):
        return None
    if ("scale" in s or "being" in s) and _SCALE_RANGE.search(s):
        return None  # "0 being no hallucinations at all" defines a rating, it sets no zero
    from milepost.domain.smart.cues import in_condition, in_verb_position, patterns

    cues, pat = _cues(), patterns()
    for m in cues["zero_verb"].finditer(s):
        filler = _ZERO_FILLER.match(s, m.end())
        at = filler.end() if filler else m.end()
        hit = pat["event"].match(s, at) or cues["zero_event"].match(s, at)
        # "never" and "free of" zero only a countable event ("never self-harm again", "free
        # of injury"); before a verb they may zero a state ("never go to bed angry").
        events_only = m.group(0) in _EVENT_ONLY_ZERO
        if m.group(0) in _STOP_ZERO and not _stop_is_the_goal(s, m.start()):
            continue  # "state ways to stop smoking": the stop is what is talked about
        if (
            hit is None
            and not events_only
            and (m.group(0).endswith("from") or in_verb_position(s, at))
        ):
            hit = pat["behaviour"].match(s, at)  # "will not hit", "refrain from shouting"
            if hit is not None and _GENERIC_OBJECT.match(s, hit.end()):
                hit = None  # "refrain from using egocentric behaviors": a category, not events
        if hit is not None and _LIMIT_AFTER.match(s, hit.end()):
            continue  # "will not drink more than 2 drinks": a limit, not none at all
        if hit is not None and not in_condition(s, m.start()):
            return _span_match(s, m.start(), hit.end())
    return None


def _stop_is_the_goal(s: str, start: int) -> bool:
    """Round 7 (0220): "stop"/"quit" zero a behaviour only as the clause's own verb, after at
    most a subject, a modal or an empty verb ("I want to quit smoking", "to completely abstain
    from"), not as the topic of another action ("state ways to stop smoking")."""
    from milepost.domain.smart.cues import clause_start, patterns

    # The bare patterns: a guarded one remembers the last text it saw, and the lead is not s.
    pat = {
        name: getattr(patterns()[name], "compiled", patterns()[name])
        for name in ("prefix", "empty")
    }
    # A subject and a modal are short: look no further back than 80 characters.
    lead = s[clause_start(s, start, window=80) : start]
    prefix = pat["prefix"].match(lead)
    lead = (lead[prefix.end() :] if prefix is not None else lead).strip()
    while lead:
        empty = pat["empty"].match(lead)
        if empty is None or empty.end() == 0:
            return False
        lead = lead[empty.end() :].strip()
    return True


def _span_match(s: str, start: int, end: int) -> re.Match[str]:
    """A match object over s[start:end], so callers quote it like any other match."""
    found = re.compile(rf"[\s\S]{{{end - start}}}").match(s, start)
    assert found is not None
    return found


_OBSERVER_NEEDS = ("by ", "report", "observ", "data", "record", "checklist", "notes", "rating")


def observation_word(s: str) -> re.Match[str] | None:
    """An observation word, or an observer named as the record ("as documented by the
    teacher", "per staff report")."""
    cues = _cues()
    if m := cues["observation"].search(s):
        return m
    if any(n in s for n in _OBSERVER_NEEDS):
        return cues["observer"].search(s)
    return None


_RECORD_LOG_NEEDS = ("log", "journal", "diar", "record", "report")


def record_log(s: str) -> re.Match[str] | None:
    """A log or journal kept as the record ("documented in a daily log")."""
    if not any(n in s for n in _RECORD_LOG_NEEDS):
        return None
    return _cues()["record_log"].search(s)


def screen_word(s: str) -> re.Match[str] | None:
    return _cues()["screen"].search(s)


def weight_word(s: str) -> re.Match[str] | None:
    return _cues()["weight"].search(s)


def trigger_spans(s: str) -> list[tuple[int, int]]:
    """Clauses that set a trigger, not a target: "when my anxiety is above 6 of 10"."""
    return [m.span() for m in _cues()["trigger"].finditer(s)]


def hold_target(s: str, deadlines: Sequence[DeadlineLike]) -> Quantity | None:
    """A period to stay sober, abstinent or stable is the target (the rubric's convention 3):
    "stay sober for at least six months" is 6 months, at least."""
    cues = _cues()
    zero: re.Match[str] | None = None
    for d in deadlines:
        if d.rank != 2 or d.days is None:
            continue
        if zero is None:
            zero = zero_criterion(s)
        if not (
            cues["hold_verb"].search(s, 0, d.start)
            or cues["hold_noun"].search(s, d.start, d.end)
            # Round 8 (0221): "stop drinking for 30 days", "won't drink for a month": none
            # at all for a stretch is sustained abstinence, so the stretch is the target.
            or (zero is not None and zero.end() <= d.start)
        ):
            continue
        m = cues["hold_period"].search(s, d.start, d.end)
        if m is None:
            return None
        value = 1.0 if m.group(1) in ("a", "an") else float(m.group(1))
        comparator = ">=" if _AT_LEAST.search(s[d.start : m.start()]) else None
        return Quantity(
            m.start(),
            m.end(),
            value,
            "duration",
            m.group(2) + "s",
            comparator,
            None,
            quote_start=d.start,
            quote_end=d.end,
        )
    return None
