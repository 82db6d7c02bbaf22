"""Units read after a number: "1 hour", "2 hours", "1 message or call".

Shared by the staff pages, the PDFs and the portal's plain language.
"""

from __future__ import annotations

# Plurals that do not end in a plain "s" or "ies": the unit as written, and its singular.
_SINGULAR_EXCEPTIONS = {"people": "person", "%": "%"}


def _singular_word(word: str) -> str:
    lower = word.lower()
    if lower in _SINGULAR_EXCEPTIONS:
        return _SINGULAR_EXCEPTIONS[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


def unit_for(value: float, unit: str) -> str:
    """The unit as it reads after `value`: "1 hour", "2 hours", "1 message or call".

    A unit is written in the plural ("hours", "activities", "messages or calls"); for 1 it
    is made singular word by word, leaving a bracket ("rating (0–10)") as it is.
    """
    unit = unit.strip()
    if value != 1 or not unit or "(" in unit:
        return unit
    return " ".join(
        word if word in ("or", "and") else _singular_word(word) for word in unit.split(" ")
    )
