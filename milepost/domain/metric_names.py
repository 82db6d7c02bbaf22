"""Which of the practice's self-monitoring metrics a goal's or objective's words name.

"Do 5 pleasurable activities a week" names the metric "Pleasurable activities"; "Spend 1 hour
or less in bed during the day" names "Hours in bed during the day". A metric is named when every
content word of its name appears in the words, compared on a crude stem (plural, -ed and -ing
endings dropped). The metric naming the most words wins; a tie names none, so nothing is
preselected on a guess (decision 0815).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words too common to tell metrics apart.
_STOP = frozenset(
    {
        *("a", "an", "and", "at", "by", "during", "for", "from", "in", "into", "of", "on"),
        *("or", "per", "the", "to", "with", "within"),
    }
)
_WORD = re.compile(r"[a-z]+")


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP}


def metric_named(text: str, metrics: Iterable[tuple[str, str]]) -> str | None:
    """The id of the one metric, of (id, name) pairs, whose name the words state; or None."""
    words = _stems(text)
    best: list[tuple[int, str]] = []
    for metric_id, name in metrics:
        wanted = _stems(name)
        if wanted and wanted <= words:
            best.append((len(wanted), metric_id))
    if not best:
        return None
    best.sort(reverse=True)
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]
