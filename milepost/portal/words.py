"""What the portal says to clients, in plain words: progress and feedback on a drafted goal.

No clinical jargon and never a scolding tone: the same facts the clinician's pages give
(milepost.domain.narrative, target_progress, the SMART engine's findings), said for the
person they are about. Pure functions over the domain's values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.domain import smart
from milepost.domain.plans import Target
from milepost.domain.plurals import unit_for
from milepost.domain.progress import Change
from milepost.domain.target_progress import TargetProgress

# The aim, as a client would say it: "9 or below", "at least 5".
_AIM = {
    "<=": "{v} or below",
    "<": "below {v}",
    ">=": "at least {v}",
    ">": "more than {v}",
    "=": "{v}",
}

# The reliable-change verdict (milepost.domain.narrative's headline), for the client.
_VERDICT = {
    "improved": "a reliable improvement",
    "deteriorated": "higher than before, by more than everyday ups and downs: worth talking over"
    " with your therapist",
    "none": "not yet more than the everyday ups and downs",
}
# Instruments whose higher scores mean better reverse the "deteriorated" wording.
_VERDICT_HIGHER_IS_BETTER = {
    **_VERDICT,
    "deteriorated": "lower than before, by more than everyday ups and downs: worth talking over"
    " with your therapist",
}


# A custom metric's aim, as a client would say it: "1 hour or less", "at least 5 activities".
_METRIC_AIM = {
    "<=": "{v} {u} or less",
    "<": "less than {v} {u}",
    ">=": "at least {v} {u}",
    ">": "more than {v} {u}",
    "=": "{v} {u}",
}


def _n(value: float) -> str:
    return f"{value:g}"


def amount_words(value: float, unit: str) -> str:
    """ "1 hour", "2.5 hours", "3 activities"."""
    said = unit_for(value, unit)
    return f"{_n(value)} {said}" if said else _n(value)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def aim_words(target: Target) -> str:
    """ "9 or below by 23 March 2027", "at least 5 activities a week by 1 June 2027",
    "1 hour or less a day"."""
    if target.instrument:
        text = _AIM.get(target.comparator, "{v}").format(v=_n(target.target_value))
    else:
        unit = unit_for(target.target_value, target.unit)
        text = _METRIC_AIM.get(target.comparator, "{v} {u}").format(
            v=_n(target.target_value), u=unit
        )
        text = " ".join(text.split())  # no unit: no double space
        if target.period in ("day", "week", "month"):
            text += f" a {target.period}"
    if target.due_date is not None:
        text += f" by {_day(target.due_date)}"
    return text


def change_words(change: Change, *, short_name: str, higher_is_better: bool = False) -> str:
    """ "Your PHQ-9 went from 18 to 11 — a reliable improvement." """
    verdicts = _VERDICT_HIGHER_IS_BETTER if higher_is_better else _VERDICT
    text = f"Your {short_name} went from {_n(change.before)} to {_n(change.after)}"
    verdict = verdicts.get(change.reliable_change or "")
    if change.before == change.after:
        return text.replace("went from", "is the same as when you started:") + "."
    return f"{text} — {verdict}." if verdict else f"{text}."


def progress_words(
    progress: TargetProgress,
    target: Target,
    *,
    short_name: str | None = None,
    higher_is_better: bool = False,
) -> str:
    """One or two sentences on where a goal or step stands, for the client."""
    name = short_name or target.measure
    aim = aim_words(target)
    if progress.latest is None:
        if target.instrument:
            return f"No {name} answers yet. Your aim: {aim}."
        return f"Nothing logged yet. Your aim: {aim}."
    if target.instrument:
        if progress.instrument_change is not None:
            text = change_words(
                progress.instrument_change, short_name=name, higher_is_better=higher_is_better
            )
        else:
            text = f"Your latest {name} was {_n(progress.latest)}."
    else:
        when = ""
        if progress.latest_on is not None:
            when = {
                "week": f" in the week of {progress.latest_on.day} {progress.latest_on:%B}",
                "month": f" in {progress.latest_on:%B %Y}",
                "day": f" on {progress.latest_on.day} {progress.latest_on:%B}",
            }.get(target.period, "")
        text = f"{name}: {amount_words(progress.latest, target.unit)}{when}"
        if progress.baseline is not None and progress.change:
            way = "up" if progress.change > 0 else "down"
            text += f", {way} from {_n(progress.baseline)} when you started"
        text += "."
    if progress.met:
        return f"{text} You have reached your aim of {aim}. Well done."
    return f"{text} Your aim: {aim}."


# ------------------------------------------------------------------ drafting a goal

# The SMART engine's finding codes as gentle suggestions. A code not listed here (the ones
# about the plan as a whole) is not the client's to act on and is not shown.
# In the order they are offered: at most three, the most helpful first.
SUGGESTIONS: dict[str, str] = {
    "negative-wording": (
        "You have named something you would like less of. What would you like to do "
        "instead? Aims about adding something to your life are often easier to keep."
    ),
    "vague-outcome": (
        "What would you be doing on a day when things are better? Picturing one moment "
        "(where you are, who is with you) can make this easier to work toward."
    ),
    "no-measure": (
        "You might add how you would notice the change: for example, how often you would "
        "do it in a week."
    ),
    "no-deadline": (
        'If you like, add a rough time, such as "in the next three months". You and your '
        "therapist can always change it."
    ),
    "no-baseline": (
        'It can help to say where things are now, such as "about once a week at the '
        'moment", so you can see how far you have come.'
    ),
    "target-inconsistent": (
        "The numbers seem to point a different way from the change you describe; your "
        "therapist can help you put it into words."
    ),
    "too-fast": (
        "That is a big change in a short time. Going step by step is just as good, and "
        "your therapist can help you pace it."
    ),
    "target-out-of-range": (
        "One of the numbers looks unusual for the questionnaire you mention; your therapist "
        "can go through it with you."
    ),
}

OPENING = "Thank you for writing this in your own words."
ALL_CLEAR = "This is clear and concrete. Your therapist will see it and talk it through with you."
CLOSING = "These are only ideas: your goal is yours, and you can send it as it is."


@dataclass(frozen=True)
class Feedback:
    opening: str
    suggestions: tuple[str, ...]
    closing: str


def proposal_text_for_analysis(text: str, how_you_would_know: str) -> str:
    """The proposal as the engine reads it: the goal, then how the client would know."""
    parts = [p.strip().rstrip(".") for p in (text, how_you_would_know) if p.strip()]
    return ". ".join(parts)


def proposal_feedback(text: str, how_you_would_know: str = "") -> Feedback:
    """The engine's findings on a drafted goal as at most three gentle suggestions."""
    analysis = smart.analyse(proposal_text_for_analysis(text, how_you_would_know))
    codes = {finding.code for finding in analysis.findings}
    seen = [suggestion for code, suggestion in SUGGESTIONS.items() if code in codes]
    if not seen:
        return Feedback(OPENING, (), ALL_CLEAR)
    return Feedback(OPENING, tuple(seen[:3]), CLOSING)
