"""Errors raised by the pure domain.

Every error is one short line that a clinician or a script can act on. Callers (services,
the API, the CLI) catch :class:`DomainError` and show ``str(error)`` as it is.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on bad input or bad data."""


class UnknownInstrument(DomainError, LookupError):
    """No bundled instrument has this code, short name or alias."""

    def __init__(self, code: str, known: tuple[str, ...] = ()) -> None:
        self.code = code
        hint = f"; known: {', '.join(known)}" if known else ""
        super().__init__(f"unknown instrument {code!r}{hint}")


class InvalidAnswers(DomainError, ValueError):
    """The answers to a questionnaire cannot be scored as given.

    ``item`` is the 1-based item number the message is about, or ``None`` when the
    problem is the whole answer list (for example, it is not a list at all).
    """

    def __init__(self, message: str, *, item: int | None = None) -> None:
        self.item = item
        super().__init__(f"item {item}: {message}" if item is not None else message)


class InvalidScore(DomainError, ValueError):
    """A total given to a change or progress calculation is impossible for its instrument."""


class InvalidProgressInput(DomainError, ValueError):
    """Arguments to a progress statistic are unusable (no goals, a zero SD, a bad date …)."""


class InvalidInstrumentData(DomainError):
    """An instrument data file is malformed; the message names the file and the field."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        super().__init__(f"{source}: {field}: {problem}")
