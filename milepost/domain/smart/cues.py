"""Word-list matchers built once from the lexicon (whole words, case already folded)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from milepost.domain.smart import lexicon


def _words(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile(
        r"(?<![a-z0-9'-])(?:" + "|".join(re.escape(w) for w in ordered) + r")(?![a-z0-9-])"
    )


@lru_cache(maxsize=1)
def patterns() -> dict[str, re.Pattern[str]]:
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
        "behaviour": _words(lexicon.BEHAVIOUR_VERBS),
        "event": _words(lexicon.COUNTABLE_EVENTS),
        "vague": _words(lexicon.VAGUE_OUTCOMES),
        "decrease": _words(lexicon.DECREASE_VERBS),
        "increase": _words(lexicon.INCREASE_VERBS),
        # "panic-free", "substance-free": being free of something.
        "avoid": re.compile(_words(lexicon.AVOIDANCE_CUES).pattern + r"|[a-z]+-free\b"),
        "not_avoid": _words(lexicon.NOT_AVOIDANCE),
        "empty": _words(lexicon.EMPTY_VERBS),
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
            + r")\s+){0,4}"
        ),
        "word": re.compile(r"[a-z][a-z'-]*"),
    }
