"""No client's name reaches the logs: every process of the run reads every record it made
when its session ends (tests/conftest.py, capture_logs; tests/phi_logs.py).

The names are those of the test personas' clients and of the demo practice's clients (the
demo is loaded by the demo and browser tests). Staff names may appear; client names never.
"""

from __future__ import annotations

import logging

from tests.phi_logs import LogCapture, client_names, leak_report, leaks


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


def test_the_end_of_session_check_names_every_client_and_reports_each_leak():
    # tests/conftest.py's capture_logs runs this check on every process's records when its
    # session ends (each xdist worker on its own share of the run).
    names = client_names()
    assert {"Quillfeather", "Farshore"} <= set(names)
    from milepost.demo.data import CLIENTS

    assert {spec.family_name for spec in CLIENTS} <= set(names)
    assert len(names) >= 6
    assert leak_report(["milepost.plans: saved", "django.server: GET /clients/"], names) == ""
    report = leak_report(["milepost.plans: saved plan for quillfeather"], names)
    assert report == "Quillfeather: milepost.plans: saved plan for quillfeather"
