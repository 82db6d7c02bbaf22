from __future__ import annotations

import logging
import os
import shutil

import pytest

from tests.phi_logs import CAPTURE

# Django-dependent imports live inside the fixtures, so the pure domain tests also run
# without the Django plugin: `pytest -p no:django tests/domain`.

# Playwright's sync API runs an event loop; Django's ORM refuses to run inside one
# unless told it is safe (the tests drive the browser from one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def personas(db: None):
    from tests.base import make_personas

    return make_personas()


@pytest.fixture
def login_as():
    """A test client signed in as the given user (None: anonymous)."""

    from django.test import Client as HttpClient

    def make(user) -> HttpClient:
        http = HttpClient()
        if user is not None:
            http.force_login(user)
        return http

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; under CI a missing browser is a failure.")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def capture_logs():
    """Keep every log record of the run for tests/test_phi_in_logs.py (which runs last)."""
    root = logging.getLogger()
    level = root.level
    root.addHandler(CAPTURE)
    root.setLevel(min(level, logging.INFO))
    yield CAPTURE
    root.removeHandler(CAPTURE)
    root.setLevel(level)


def pytest_collection_modifyitems(config, items):
    """Tests marked `run_last` run after all the others (they read what the others left)."""
    items.sort(key=lambda item: item.get_closest_marker("run_last") is not None)
