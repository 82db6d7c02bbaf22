"""Word lists the SMART engine reads: the rules as data.

The lists live in ``data/*.toml``, one table per list, each with the reason it exists (or
the source it comes from), so a clinician can read (and a reviewer can change) what the
engine knows without reading the matching code. They are loaded and checked once, at
import (``loader.py``): a word listed twice in one list, or in two lists the engine reads
as opposite answers, stops the import with an error naming the file, the list and the word.

This module exposes each list under the name the engine modules use, as a plain tuple,
frozenset or mapping. Words are lower case; the matching code adds word boundaries and
joins the alternatives into one pattern.
"""

from __future__ import annotations

import functools
import re

from milepost.domain.smart.loader import load_bundled

_LISTS = load_bundled()

# --- Numbers (numbers.toml) ------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = _LISTS["number_words"].value
NUMBER_PHRASES: dict[str, str] = _LISTS["number_phrases"].value
COUNT_WORDS: dict[str, int] = _LISTS["count_words"].value
ZERO_PHRASES: tuple[str, ...] = _LISTS["zero_phrases"].value
ZERO_VERB_CUES: tuple[str, ...] = _LISTS["zero_verb_cues"].value
ZERO_EVENTS: tuple[str, ...] = _LISTS["zero_events"].value

# --- Time (time.toml) ------------------------------------------------------------------
DAYS_PER_UNIT: dict[str, float] = _LISTS["days_per_unit"].value
MONTHS: dict[str, int] = _LISTS["months"].value
REVIEW_POINTS: tuple[str, ...] = _LISTS["review_points"].value
FREQUENCY_WORDS: tuple[str, ...] = _LISTS["frequency_words"].value
NAMED_DAYS: dict[str, tuple[int, int]] = _LISTS["named_days"].value
SEASONS: tuple[str, ...] = _LISTS["seasons"].value
SAME_DAY: tuple[str, ...] = _LISTS["same_day"].value
HOLD_NOUNS: tuple[str, ...] = _LISTS["hold_nouns"].value
EVENT_PERIODS: tuple[str, ...] = _LISTS["event_periods"].value
PLACEHOLDER_WORDS: tuple[str, ...] = _LISTS["placeholder_words"].value
WEEKDAYS: tuple[str, ...] = _LISTS["weekdays"].value
BARE_EVENT_PERIODS: tuple[str, ...] = _LISTS["bare_event_periods"].value
SCHOOL_PERIODS: tuple[str, ...] = _LISTS["school_periods"].value
RECORD_PARTICIPLES: tuple[str, ...] = _LISTS["record_participles"].value
OCCASION_SPANS: tuple[str, ...] = _LISTS["occasion_spans"].value
ONE_OFF_OCCASIONS: tuple[str, ...] = _LISTS["one_off_occasions"].value

# --- Comparators (comparators.toml) ----------------------------------------------------
COMPARATORS_BEFORE: tuple[tuple[str, str], ...] = _LISTS["comparators_before"].value
COMPARATORS_AFTER: tuple[tuple[str, str], ...] = _LISTS["comparators_after"].value

# --- Direction (direction.toml) --------------------------------------------------------
DECREASE_VERBS: tuple[str, ...] = _LISTS["decrease_verbs"].value
INCREASE_VERBS: tuple[str, ...] = _LISTS["increase_verbs"].value
INCREASE_COMPARATIVES: tuple[str, ...] = _LISTS["increase_comparatives"].value
WEAK_INCREASE_VERBS: tuple[str, ...] = _LISTS["weak_increase_verbs"].value

# --- Measures other than instruments (measures.toml) -----------------------------------
DURATION_UNITS: dict[str, str] = _LISTS["duration_units"].value
PERIOD_UNITS: dict[str, str] = _LISTS["period_units"].value
LOG_WORDS: tuple[str, ...] = _LISTS["log_words"].value
RECORD_LOGS: tuple[str, ...] = _LISTS["record_logs"].value
SELF_RATING_WORDS: tuple[str, ...] = _LISTS["self_rating_words"].value
SEVERITY_BANDS: tuple[str, ...] = _LISTS["severity_bands"].value
BAND_NOUNS: tuple[str, ...] = _LISTS["band_nouns"].value
OTHER_SCALES: tuple[str, ...] = _LISTS["other_scales"].value
TRIAL_NOUNS: tuple[str, ...] = _LISTS["trial_nouns"].value
OBSERVATION_WORDS: tuple[str, ...] = _LISTS["observation_words"].value
OBSERVERS: tuple[str, ...] = _LISTS["observers"].value
SCREEN_WORDS: tuple[str, ...] = _LISTS["screen_words"].value
WEIGHT_WORDS: tuple[str, ...] = _LISTS["weight_words"].value
NOT_FREQUENCY_AFTER: tuple[str, ...] = _LISTS["not_frequency_after"].value
NOT_FREQUENCY_BEFORE: tuple[str, ...] = _LISTS["not_frequency_before"].value
DOSE_UNITS: tuple[str, ...] = _LISTS["dose_units"].value
NUMBERED_NAMES: tuple[str, ...] = _LISTS["numbered_names"].value
NUMBERED_LABELS: tuple[str, ...] = _LISTS["numbered_labels"].value

# --- Specific (specific.toml) ----------------------------------------------------------
BEHAVIOUR_VERBS: tuple[str, ...] = _LISTS["behaviour_verbs"].value
COUNTABLE_EVENTS: tuple[str, ...] = _LISTS["countable_events"].value
VAGUE_OUTCOMES: tuple[str, ...] = _LISTS["vague_outcomes"].value
VAGUE_OBJECTS: tuple[str, ...] = _LISTS["vague_objects"].value
VERB_POSITION_BEFORE: frozenset[str] = _LISTS["verb_position_before"].value
SAYING_VERBS: tuple[str, ...] = _LISTS["saying_verbs"].value
NAMED_TECHNIQUES: tuple[str, ...] = _LISTS["named_techniques"].value
OBSERVABLE_STATES: tuple[str, ...] = _LISTS["observable_states"].value
BEHAVIOUR_ADJECTIVES: tuple[str, ...] = _LISTS["behaviour_adjectives"].value
COUNT_FRAMES: tuple[str, ...] = _LISTS["count_frames"].value
CONDITION_OPENERS: tuple[str, ...] = _LISTS["condition_openers"].value
RELATIVE_OPENERS: tuple[str, ...] = _LISTS["relative_openers"].value
SHOWING_VERBS: tuple[str, ...] = _LISTS["showing_verbs"].value
SHOWING_OBJECTS: tuple[str, ...] = _LISTS["showing_objects"].value

# --- Positive wording (wording.toml) ---------------------------------------------------
APPROACH_VERBS: tuple[str, ...] = _LISTS["approach_verbs"].value
AVOIDANCE_CUES: tuple[str, ...] = _LISTS["avoidance_cues"].value
NOT_AVOIDANCE: tuple[str, ...] = _LISTS["not_avoidance"].value
EMPTY_VERBS: tuple[str, ...] = _LISTS["empty_verbs"].value
SUBJECT_PREFIXES: tuple[str, ...] = _LISTS["subject_prefixes"].value
CLAUSE_BREAKS: tuple[str, ...] = _LISTS["clause_breaks"].value
ELIMINATION_CUES: tuple[str, ...] = _LISTS["elimination_cues"].value
STATE_VERBS: tuple[str, ...] = _LISTS["state_verbs"].value
STATE_CUES: frozenset[str] = _LISTS["state_cues"].value
REDUCTION_HEDGES: tuple[str, ...] = _LISTS["reduction_hedges"].value
REPLACEMENTS: tuple[tuple[tuple[str, ...], str], ...] = _LISTS["replacements"].value

# --- Relevance (relevance.toml) --------------------------------------------------------
SUGGESTED_INSTRUMENTS: tuple[tuple[tuple[str, ...], str], ...] = _LISTS[
    "suggested_instruments"
].value


@functools.cache
def _topic_pattern(key: str) -> re.Pattern[str]:
    ending = r"\b" if len(key) <= 3 else ""
    return re.compile(rf"\b{re.escape(key)}{ending}")


def topic_key_in(key: str, lowered: str) -> bool:
    """Does lowercased text hold this topic key? Keys match at the start of a word; keys of
    three letters or fewer ("low", "sad") only as whole words, so "follow" is not "low"."""
    return key in lowered and _topic_pattern(key).search(lowered) is not None


STOPWORDS: frozenset[str] = _LISTS["stopwords"].value
