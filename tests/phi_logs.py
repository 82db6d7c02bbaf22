"""Every log record the test run produces, kept so the last test can look for client names.

The handler sits on the root logger from the first test to the last, at INFO (stricter than
production's WARNING default), so request lines of the browser tests' live server, warnings
and errors of every app all pass through it. `tests/test_phi_in_logs.py` runs last.
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


def leaks(lines: Iterable[str], names: Iterable[str]) -> list[tuple[str, str]]:
    """(name, line) for every line that contains one of `names` as a word, any case."""
    patterns = [(n, re.compile(rf"\b{re.escape(n)}\b", re.IGNORECASE)) for n in names if n]
    return [(name, line) for line in lines for name, pattern in patterns if pattern.search(line)]
