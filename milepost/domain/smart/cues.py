"""Word-list matchers built once from the lexicon (whole words, case already folded)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from milepost.domain.smart import lexicon
from milepost.domain.smart.matching import Guarded, alternation


def _words(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9'-])" + alternation(words) + r"(?![a-z0-9-])")


def _doubles_last(verb: str) -> bool:
    """One syllable ending consonant-vowel-consonant: "hit" -> "hitting", "shop" -> "shopping"."""
    return len(re.findall(r"[aeiou]+", verb)) == 1 and bool(
        re.search(r"[^aeiou][aeiou][^aeiouwxy]$", verb)
    )


def inflections(phrase: str) -> set[str]:
    """A verb (or verb phrase) with its -s and -ing forms: "identify" -> "identifies",
    "identifying"; "get out of bed" -> "gets out of bed", "getting out of bed".

    Forms already inflected ("attends", "walking") and hyphenated heads are kept as written.
    """
    head, _, rest = phrase.partition(" ")
    tail = f" {rest}" if rest else ""
    if head.endswith("ing") or (head.endswith("s") and not head.endswith("ss")) or "-" in head:
        return {phrase}
    if head.endswith(("s", "x", "z", "ch", "sh")):
        third = head + "es"
    elif head.endswith("y") and head[-2:-1] not in ("a", "e", "i", "o", "u"):
        third = head[:-1] + "ies"
    else:
        third = head + "s"
    if head.endswith("ie"):
        ing = head[:-2] + "ying"
    elif head.endswith("e") and not head.endswith(("ee", "ye", "oe")) and len(head) > 2:
        ing = head[:-1] + "ing"
    elif _doubles_last(head):
        ing = head + head[-1] + "ing"
    else:
        ing = head + "ing"
    return {phrase, third + tail, ing + tail}


def past_participle(verb: str) -> str:
    """ "identify" -> "identified", "verbalize" -> "verbalized", "list" -> "listed"."""
    head, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    if head.endswith("e"):
        return head + "d" + tail
    if head.endswith("y") and head[-2:-1] not in ("a", "e", "i", "o", "u"):
        return head[:-1] + "ied" + tail
    if _doubles_last(head):
        return head + head[-1] + "ed" + tail
    return head + "ed" + tail


def _inflected(*lists: Iterable[str]) -> set[str]:
    return {form for words in lists for word in words for form in inflections(word)}


_TOKEN = re.compile(r"[a-z][a-z'-]*|[^\sa-z0-9]")
_OPENS_CLAUSE = frozenset(',;:.!?()[]"/-\u201c')
_CLAUSE_PUNCT = re.compile(r"[,;:.!?()]")


def clause_start(s: str, start: int, window: int | None = None) -> int:
    """Where the clause holding s[start] begins: after the last clause punctuation before it,
    looking back no more than `window` characters when given (a bound on the work)."""
    begin = 0 if window is None else max(0, start - window)
    return max((m.end() for m in _CLAUSE_PUNCT.finditer(s, begin, start)), default=begin)


def in_verb_position(s: str, start: int) -> bool:
    """Is the word at s[start] in verb position: at a clause start, or after a modal, "to", a
    subject or a conjunction (lexicon.VERB_POSITION_BEFORE), with -ly adverbs between
    ("will independently request", "Comfortably drive")?"""
    window = max(0, start - 40)
    tokens = _TOKEN.findall(s, window, start)
    while tokens:
        last = tokens[-1]
        if last == "to" and len(tokens) > 1 and tokens[-2] == "how":
            return False  # "knows how to obtain": knowing, not doing
        if last in _OPENS_CLAUSE or last in lexicon.VERB_POSITION_BEFORE:
            return True
        if len(last) > 4 and last.endswith("ly"):
            tokens.pop()
            continue
        return False
    return window == 0


def in_condition(s: str, start: int) -> bool:
    """Does a trigger condition ("when you go out") open between the clause start and s[start]?"""
    clause = clause_start(s, start)
    return patterns()["condition"].search(s, clause, start) is not None


def in_relative(s: str, start: int) -> bool:
    """Does a relative clause ("that were strained by", "who value") open between the clause
    start and s[start]?"""
    clause = clause_start(s, start)
    return patterns()["relative"].search(s, clause, start) is not None


@lru_cache(maxsize=1)
def patterns() -> dict[str, Guarded]:
    """The word-list matchers, each skipping texts that lack the words it needs."""
    return {name: Guarded(compiled) for name, compiled in _compiled().items()}


def _compiled() -> dict[str, re.Pattern[str]]:
    bands = "|".join(re.escape(b) for b in sorted(lexicon.SEVERITY_BANDS, key=len, reverse=True))
    nouns = "|".join(lexicon.BAND_NOUNS)
    return {
        "frequency": _words(lexicon.FREQUENCY_WORDS),
        "log": _words(lexicon.LOG_WORDS),
        "rating": _words(lexicon.SELF_RATING_WORDS),
        "scale": re.compile(r"\b(?:\d+\s*-\s*\d+\s+scale|scale\s+of\s+\d+|on\s+a\s+scale)\b"),
        "band": re.compile(
            r"\b(?:(?:" + bands + r")\s+(?:" + nouns + r")\b"
            r"|(?:to|into|within)\s+(?:the\s+)?(?:" + bands + r")\b(?:\s+(?:" + nouns + r")\b)?"
            r"|(?:below|under)\s+(?:the\s+)?(?:clinical\s+)?(?:cut-?\s?off|threshold|caseness)\b)"
        ),
        "behaviour": _words(_inflected(lexicon.BEHAVIOUR_VERBS, lexicon.SAYING_VERBS)),
        "saying": _words(_inflected(lexicon.SAYING_VERBS)),
        # An outcome written as done, closing its clause: "feelings verbalized", "triggers
        # identified by week 4" (the nursing-outcome form).
        "said": re.compile(
            _words(past_participle(v) for v in lexicon.SAYING_VERBS).pattern
            + r"(?=\s*(?:$|[,;.(]|by\b|within\b|before\b|at\b))"
        ),
        "event": _words(lexicon.COUNTABLE_EVENTS),
        "technique": _words(lexicon.NAMED_TECHNIQUES),
        "state": _words(lexicon.OBSERVABLE_STATES),
        # "hostile and defiant behavior", "antisocial behaviours": a named kind of behaviour.
        "behaviour_kind": re.compile(
            r"(?<![a-z-])(?:"
            + "|".join(re.escape(w) for w in sorted(lexicon.BEHAVIOUR_ADJECTIVES, key=len)[::-1])
            + r")(?:(?:\s*,\s*|\s+(?:and|or|and/or)\s+|\s+)[a-z-]+){0,3}?\s+behaviou?rs?\b"
            r"(?!\s+patterns?)"
        ),
        # "the number of arguments": a counting frame and the two words after it.
        "count_frame": re.compile(
            _words(lexicon.COUNT_FRAMES).pattern + r"\s+(?:the\s+|his\s+|her\s+|my\s+|their\s+)?"
            r"[a-z][a-z'-]*(?:\s+[a-z][a-z'-]*)?"
        ),
        "condition": _words(lexicon.CONDITION_OPENERS),
        "relative": _words(lexicon.RELATIVE_OPENERS),
        "showing": _words(_inflected(lexicon.SHOWING_VERBS)),
        "showing_object": _words((*lexicon.SHOWING_OBJECTS, *lexicon.VAGUE_OUTCOMES)),
        "vague": _words(lexicon.VAGUE_OUTCOMES),
        "decrease": _words(lexicon.DECREASE_VERBS),
        "increase": _words(lexicon.INCREASE_VERBS),
        "comparative": _words(lexicon.INCREASE_COMPARATIVES),
        "weak_increase": _words(lexicon.WEAK_INCREASE_VERBS),
        # "panic-free", "substance-free": being free of something.
        # A zero count is avoidance too ("have zero panic attacks"; "zero" is "0" by now).
        "avoid": re.compile(
            _words((*lexicon.AVOIDANCE_CUES, *lexicon.ELIMINATION_CUES)).pattern
            # ... but not the start of a rise: "from 0 to 2 a month", "0 to 3 times".
            + r"|[a-z]+-free\b|(?<![\w./-])(?<!from )0(?![\w./%-])(?!\s+(?:to|and)\b)"
            r"(?=\s+[a-z])"
        ),
        "hedge": _words(lexicon.REDUCTION_HEDGES),
        "not_avoid": _words(lexicon.NOT_AVOIDANCE),
        "empty": _words(lexicon.EMPTY_VERBS),
        # A state verb, then only a duration or an article: "achieving one year of".
        "state_lead": re.compile(
            _words(lexicon.STATE_VERBS).pattern
            + r"(?:\s+(?:\d+|a|an|the|one|total|complete|full|continued|sustained|ongoing|"
            r"long-term|of|in|my|their|his|her|days?|weeks?|months?|years?))*\s*$"
        ),
        "approach": _words(lexicon.APPROACH_VERBS),
        "clause": re.compile(
            r"[,;:.!?()]|(?<![a-z])(?:"
            + "|".join(re.escape(w) for w in lexicon.CLAUSE_BREAKS)
            + r")(?![a-z])"
        ),
        "prefix": re.compile(
            r"^\s*(?:(?:"
            + "|".join(
                re.escape(p) for p in sorted(lexicon.SUBJECT_PREFIXES, key=len, reverse=True)
            )
            # Any named subject: "John will", "the student will", "[student's name] will".
            + r"|(?:the\s+|my\s+|our\s+)?\[?[a-z][a-z'-]*(?:\s+[a-z'-]+\])?\]?\s+(?:will|can|shall)"
            + r")\s+){0,4}"
        ),
        # Only a duration before a state cue: "30 days without self-harm", "90 days sober"
        # (or only its number, before "days clean").
        "duration_lead": re.compile(
            r"^(?:(?:at\s+least|over|for)\s+)?(?:\d+|a|an|one)(?:\s+(?:full|whole|straight|"
            r"consecutive))?(?:\s+(?:days?|weeks?|months?|years?))?(?:\s+(?:of|in\s+a\s+row))?$"
        ),
        "word": re.compile(r"[a-z][a-z'-]*"),
    }
