"""Every log record the test run produces, kept so the last test can look for client names.

The handler sits on the root logger from the first test to the last, at INFO (stricter than
production's WARNING default), so request lines of the browser tests' live server, warnings
and errors of every app all pass through it.

Under pytest-xdist every worker is its own process with its own records, so each process scans
what it captured when its session ends (the `capture_logs` fixture in tests/conftest.py): the
union of the workers' records is every record of the run, whichever worker ran which test.
A leak fails the run as an error at the teardown of that worker's last test.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable


class LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record whose arguments do not format is still scanned
            text = f"{record.msg} {record.args}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


CAPTURE = LogCapture()


# Dana's and Chris's family names (tests/base.py); the demo's clients are added when Django
# is set up (the pure domain run, `pytest -p no:django tests/domain`, never loads the demo).
PERSONA_CLIENT_NAMES = ("Quillfeather", "Farshore")


def client_names() -> list[str]:
    """The family names of every client the suite's personas and the demo practice have."""
    names = set(PERSONA_CLIENT_NAMES)
    from django.apps import apps

    if apps.ready:
        from milepost.demo.data import CLIENTS

        names.update(spec.family_name for spec in CLIENTS)
    return sorted(names)


def leak_report(lines: Iterable[str], names: Iterable[str]) -> str:
    """An empty string when no line names a client; else one line per leak, for the failure."""
    found = leaks(lines, names)
    return "\n".join(f"{name}: {line[:300]}" for name, line in found)


def leaks(lines: Iterable[str], names: Iterable[str]) -> list[tuple[str, str]]:
    """(name, line) for every line that contains one of `names` as a word, any case."""
    patterns = [(n, re.compile(rf"\b{re.escape(n)}\b", re.IGNORECASE)) for n in names if n]
    return [(name, line) for line in lines for name, pattern in patterns if pattern.search(line)]
