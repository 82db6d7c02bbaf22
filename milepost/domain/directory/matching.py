"""From a person's own words to focus areas and fitting approaches.

"What brings you here?" is read two ways, both from data Milepost already keeps with sources:
the SMART engine's concept map names the focus areas the words touch ("panic attacks on the
train" → panic and agoraphobia), and the goal library finds the goals closest to the words,
whose interventions say which approaches fit ("understand my early experiences and how I
relate to others" → psychodynamic therapy). The text is only read here; nothing keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from milepost.domain import library
from milepost.domain.directory.rules import rules
from milepost.domain.smart.concepts import mentions

# The library goals whose interventions vote for approaches.
_GOALS_READ = 2
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Need:
    focus: str  # a focus area (a SMART concept name)
    words: str  # the person's words that named it


@dataclass(frozen=True)
class Fit:
    approach: str  # a modality code (a library approach)
    label: str  # "CBT"
    area: str  # the library area it fits, in lower case: "panic and agoraphobia"

    @property
    def reason(self) -> str:
        return f"{self.label} for {self.area}"


@dataclass(frozen=True)
class Reading:
    needs: tuple[Need, ...]
    fits: tuple[Fit, ...]

    @property
    def focus_areas(self) -> frozenset[str]:
        return frozenset(n.focus for n in self.needs)

    @property
    def approaches(self) -> frozenset[str]:
        return frozenset(f.approach for f in self.fits)


NOTHING = Reading((), ())


def read(text: str) -> Reading:
    """What the words are about and which approaches fit; empty words read as nothing."""
    words = text.strip()[: rules().text_max_chars]
    if not words:
        return NOTHING
    known = set(rules().focus_areas)
    needs = tuple(Need(m.concept, m.words) for m in mentions(words) if m.concept in known)
    labels = {area.code: area.label.lower() for area in library.areas()}
    fits: dict[str, Fit] = {}
    for goal in library.search(words, kind="goal", limit=_GOALS_READ):
        for item_id in goal.intervention_ids:
            approach = library.get(item_id).approach
            if approach in rules().modalities and approach not in fits:
                fits[approach] = Fit(
                    approach, rules().modalities[approach], labels.get(goal.area, goal.area)
                )
    return Reading(needs, tuple(fits.values()))


def terms(text: str) -> tuple[str, ...]:
    """The words of ``text`` that full-text search looks for in a listing's own text: in
    order, each once, lower case, without stop words or single letters, at most
    ``max_terms``. Both databases look for exactly these (each stems them its own way)."""
    found: dict[str, None] = {}
    stop = rules().stop_words
    for word in _WORD.findall(text.strip()[: rules().text_max_chars].lower()):
        if len(word) > 1 and word not in stop:
            found.setdefault(word)
            if len(found) == rules().max_terms:
                break
    return tuple(found)
