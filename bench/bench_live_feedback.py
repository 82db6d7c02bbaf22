"""Live SMART feedback in the plan editor: one keystroke's round trip over HTTP.

A real server on loopback (Django's threaded WSGI server, the whole middleware stack,
session, CSRF, audit write, template partial) answers the HTMX POST that the goal form
sends while the clinician types; the client is http.client in this process. Beside it,
in the same run and over the same statements: the SMART engine alone. The ratio says how
many engine calls one round trip costs. Median and 95th percentile, in milliseconds.

The database is a throwaway SQLite file, migrated and filled with the test personas.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Result  # noqa: E402

ROUNDS = 200


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _setup() -> tuple[str, str, list[str]]:
    """Migrate a fresh database; return the plan's URL, a clinician's session, statements."""
    folder = tempfile.mkdtemp(prefix="milepost-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    from bench.eval_smart import load_cases
    from tests.base import dana_plan, make_personas

    personas = make_personas()
    plan = dana_plan(personas).plan
    browser = Client()
    browser.force_login(personas.alice)
    session = browser.cookies["sessionid"].value
    base = f"/clients/{personas.dana_client.public_id}/plans/{plan.public_id}"
    texts = [case.text for case in load_cases()][:ROUNDS]
    return base, session, texts


def _serve() -> tuple[object, int]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        # Headers and body leave in separate writes; with Nagle's algorithm and delayed
        # ACKs that adds ~40 ms of waiting to every response, on loopback as anywhere.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def run() -> list[Result]:
    base, session, texts = _setup()
    server, port = _serve()
    from django.utils import timezone

    from milepost.domain import smart

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = f"sessionid={session}"
    connection.request("GET", f"{base}/goals/new/", headers={"Cookie": cookie})
    page = connection.getresponse()
    body = page.read().decode()
    token_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if page.status != 200 or token_cookie is None or token is None:
        raise RuntimeError(f"could not open the goal form: HTTP {page.status}")
    headers = {
        "Cookie": f"{cookie}; csrftoken={token_cookie.group(1)}",
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "Referer": f"http://127.0.0.1:{port}{base}/goals/new/",
        "Host": f"127.0.0.1:{port}",
    }

    def round_trip(text: str) -> float:
        start = time.perf_counter()
        connection.request(
            "POST",
            f"{base}/smart/",
            body=urlencode({"csrfmiddlewaretoken": token.group(1), "statement": text}).encode(),
            headers=headers,
        )
        response = connection.getresponse()
        fragment = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200 or b"data-criterion" not in fragment:
            raise RuntimeError(f"the feedback request failed: HTTP {response.status}")
        return elapsed * 1000

    today = timezone.localdate()

    def engine(text: str) -> float:
        start = time.perf_counter()
        smart.analyse(text, today=today)
        return (time.perf_counter() - start) * 1000

    for text in texts[:10]:  # warm both paths: templates, patterns, connection
        round_trip(text)
        engine(text)
    trips, alone = [], []
    for text in texts:  # interleaved, so both see the same machine load
        trips.append(round_trip(text))
        alone.append(engine(text))
    connection.close()
    server.shutdown()  # type: ignore[attr-defined]

    results = []
    for label, share in (("median", 0.5), ("p95", 0.95)):
        value = _percentile(trips, share) if share != 0.5 else statistics.median(trips)
        baseline = _percentile(alone, share) if share != 0.5 else statistics.median(alone)
        results.append(
            Result(
                name=f"live feedback round trip, {label}",
                value=round(value, 2),
                unit="ms",
                baseline_name=f"smart.analyse alone, {label}",
                baseline_value=round(baseline, 3),
                ratio=round(value / baseline, 2) if baseline else 0.0,
            )
        )
    return results


if __name__ == "__main__":
    for result in run():
        print(result.as_dict())
