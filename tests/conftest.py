from __future__ import annotations

import logging
import os
import shutil

import pytest
from hypothesis import settings

from tests.phi_logs import CAPTURE, client_names, leak_report

# Django-dependent imports live inside the fixtures, so the pure domain tests also run
# without the Django plugin: `pytest -p no:django tests/domain`.

# Property tests judge results, never speed (speed is measured by `make bench`): no
# per-example deadline, so a loaded CI machine cannot fail them by being slow.
settings.register_profile("milepost", deadline=None)
settings.load_profile("milepost")

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


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """A module's shared database world, made once per module and worker.

    The fixture opens a transaction that lasts the whole module and is rolled back at its
    end; each test's own `db` transaction is then a savepoint inside it, rolled back after
    the test, so every test starts from exactly what the module's builder made. A module
    opts in by overriding `personas` (see tests/test_access_matrix.py): the matrices make
    the personas and every sample record once instead of once per case.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


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
    """Keep every log record of this process's tests; when its session ends, no record may
    name a client (tests/phi_logs.py: each xdist worker scans its own records)."""
    root = logging.getLogger()
    level = root.level
    root.addHandler(CAPTURE)
    root.setLevel(min(level, logging.INFO))
    yield CAPTURE
    root.removeHandler(CAPTURE)
    root.setLevel(level)
    report = leak_report(CAPTURE.lines, client_names())
    assert not report, "a client's name reached the logs:\n" + report


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that touch the database (CI's second database run)",
    )


def _touches_database(item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    if "_django_db_helper" in getattr(item, "fixturenames", ()):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TransactionTestCase

        return issubclass(cls, TransactionTestCase)
    return False


def pytest_collection_modifyitems(config, items):
    """Browser tests carry the `browser` mark (CI runs them once); `--database-tests-only`
    keeps the tests that touch the database (docs/decisions/0014-ci-split.md)."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if ("page" in fixtures or "live_server" in fixtures) and not item.get_closest_marker(
            "browser"
        ):
            raise pytest.UsageError(f"{item.nodeid} drives a browser: mark it `browser`")
    if config.getoption("--database-tests-only"):
        kept = [item for item in items if _touches_database(item)]
        dropped = [item for item in items if not _touches_database(item)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
