"""No client's name reaches the logs: the last test of the run reads every record it made.

The names are those of the test personas' clients and of the demo practice's clients (the
demo is loaded by the demo and browser tests). Staff names may appear; client names never.
"""

from __future__ import annotations

import logging

import pytest

from tests.phi_logs import CAPTURE, LogCapture, leaks


def _client_names() -> list[str]:
    from milepost.demo.data import CLIENTS

    names = {"Quillfeather", "Farshore"}  # tests/base.py: Dana's and Chris's family names
    for spec in CLIENTS:
        names.add(spec.family_name)
    return sorted(names)


def test_the_scanner_finds_a_name_in_a_message_an_argument_or_a_traceback():
    capture = LogCapture()
    logger = logging.getLogger("milepost.test-phi")
    logger.addHandler(capture)
    logger.propagate = False  # these made-up leaks stay out of the run's own capture
    try:
        logger.warning("saved plan for Quillfeather")
        logger.warning("client %s", "farshore")
        try:
            raise ValueError("Quillfeather")
        except ValueError:
            logger.exception("failed")
        logger.warning("Quillfeathers and Farshored are other words")
    finally:
        logger.removeHandler(capture)
        logger.propagate = True
    found = leaks(capture.lines, ["Quillfeather", "Farshore"])
    assert [name for name, _ in found] == ["Quillfeather", "Farshore", "Quillfeather"]


@pytest.mark.run_last
def test_no_client_name_in_any_log_record_of_the_run():
    names = _client_names()
    assert len(names) >= 6
    found = leaks(CAPTURE.lines, names)
    assert found == [], "\n".join(f"{name}: {line[:300]}" for name, line in found)
