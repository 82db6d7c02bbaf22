"""The load: clients' questionnaires arriving, and clinicians reading their dashboards.

Questionnaire users submit PHQ-9s through the JSON API (as an integration would), each with
its own time so that every submission is a distinct record. Portal users are clients: each
signs in to the portal with the login form (CSRF token and all) and completes the
questionnaires due today through the portal's own forms, one question per screen, then sends
them from the review screen; when one client has none left, the user signs in as the next.
Dashboard users sign in once and reload the caseload page; an outcomes user (the demo
supervisor) reads the practice outcomes dashboard and now and then asks the worker to
rebuild it. Which of these users run is chosen on locust's command line (bench/load_test.py).
With LOAD_HOSTS (several web processes without a proxy), each user picks one process at
random. The facts (tokens, client ids, logins) come from bench/load/setup_data.py through
the LOAD_SETUP environment variable.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

SETUP = json.loads(os.environ["LOAD_SETUP"])
_counter = itertools.count()
# The ledger: the time of every submission sent, and of every one the server accepted (201),
# written when the run ends so the checker can match them to the stored rows one by one.
SENT: list[str] = []
ACCEPTED: list[str] = []
# The portal's: each assignment whose answers were sent from the review screen, and each one
# the portal thanked the client for (its answers stored).
PORTAL_SENT: list[str] = []
PORTAL_ACCEPTED: list[str] = []


@events.quitting.add_listener
def _write_ledger(environment: object, **kwargs: object) -> None:
    with open(os.environ["LOAD_LEDGER"], "w", encoding="utf-8") as handle:
        json.dump(
            {
                "sent": SENT,
                "accepted": ACCEPTED,
                "portal_sent": PORTAL_SENT,
                "portal_accepted": PORTAL_ACCEPTED,
            },
            handle,
        )


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]


def _pick_host(user: HttpUser) -> None:
    if HOSTS:
        user.client.base_url = random.choice(HOSTS)
        user.host = user.client.base_url


def _sign_in(user: HttpUser, email: str) -> None:
    page = user.client.get("/accounts/login/", name="GET login")
    token = _CSRF.search(page.text)
    user.client.post(
        "/accounts/login/",
        data={
            "username": email,
            "password": SETUP["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{user.host}/accounts/login/"},
        name="POST login",
    )


class QuestionnaireUser(HttpUser):
    weight = 4
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        _pick_host(self)
        account = random.choice(SETUP["tokens"])
        self.token = account["token"]
        self.clients = account["clients"]

    @task
    def submit_phq9(self) -> None:
        client_id = random.choice(self.clients)
        n = next(_counter)
        # A distinct time per submission (microseconds from the counter), never in the future.
        when = dt.datetime.now(dt.UTC) - dt.timedelta(days=1, microseconds=n)
        answers = [random.randint(0, 3) for _ in range(8)] + [0]
        stamp = when.isoformat()
        SENT.append(stamp)
        response = self.client.post(
            f"/api/v1/clients/{client_id}/administrations",
            json={"instrument": "phq9", "answers": answers, "administered_at": stamp},
            headers={"Authorization": f"Bearer {self.token}"},
            name="POST administration",
        )
        if response.status_code == 201:
            ACCEPTED.append(stamp)


_RADIO = re.compile(r'<input type="radio" name="item_(\d+)" value="(\d+)"')
_portal_accounts = iter(SETUP.get("portal", []))


class PortalUser(HttpUser):
    """A client completing the questionnaires due today in the portal, screen by screen."""

    weight = 6
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        _pick_host(self)
        self.due: list[dict] = []

    def _next_client(self) -> bool:
        account = next(_portal_accounts, None)
        if account is None:
            return False
        self.client.cookies.clear()  # a new browser: signed out
        _sign_in(self, account["email"])
        self.due = list(account["assignments"])
        return True

    @task
    def questionnaire(self) -> None:
        if not self.due and not self._next_client():
            return  # every client's questionnaires are taken: nothing left to do
        assignment = self.due.pop(0)
        base = f"/portal/questionnaires/{assignment['id']}/"
        # Start: the portal sends the client on to the first question not yet answered.
        with self.client.get(base, name="GET portal questionnaire", catch_response=True) as page:
            if not _leads_to(page, f"{base}questions/1/", question=1):
                return
            text = page.text
        for number in range(1, assignment["items"] + 1):
            answer = "0" if number in assignment["urgent"] else random.choice(_answers(text))
            last = number == assignment["items"]
            with self.client.post(
                f"{base}questions/{number}/",
                data={"csrfmiddlewaretoken": _token(text), f"item_{number}": answer, "nav": "next"},
                name="POST portal answer",
                catch_response=True,
            ) as page:
                following = f"{base}review/" if last else f"{base}questions/{number + 1}/"
                if not _leads_to(page, following, question=None if last else number + 1):
                    return
                text = page.text
        PORTAL_SENT.append(assignment["id"])
        with self.client.post(
            f"{base}review/",
            data={"csrfmiddlewaretoken": _token(text)},
            name="POST portal send",
            catch_response=True,
        ) as sent:
            if sent.url.endswith("/portal/questionnaires/") and "Thank you" in sent.text:
                PORTAL_ACCEPTED.append(assignment["id"])
            else:
                sent.failure("the answers were not sent")


def _token(text: str) -> str:
    found = _CSRF.search(text)
    return found.group(1) if found else ""


def _answers(text: str) -> list[str]:
    return [value for _number, value in _RADIO.findall(text)]


def _leads_to(page: object, path: str, *, question: int | None) -> bool:
    """Whether the portal led on to ``path``, with its form (and for a question, its answers);
    a failure of this request otherwise."""
    url, text = page.url, page.text  # type: ignore[attr-defined]
    problem = ""
    if not url.endswith(path):
        problem = f"led to {url.split('/portal/', 1)[-1]}, not {path}"
    elif not _token(text):
        problem = "no form on the page"
    elif question is not None and not any(int(n) == question for n, _v in _RADIO.findall(text)):
        problem = f"question {question} shows no answers"
    if problem:
        page.failure(problem)  # type: ignore[attr-defined]
    return not problem


class DashboardUser(HttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        _pick_host(self)
        _sign_in(self, random.choice(SETUP["logins"]))

    @task
    def caseload(self) -> None:
        with self.client.get("/clients/", name="GET caseload", catch_response=True) as response:
            if "Caseload" not in response.text:
                response.failure("not the caseload page (signed out?)")


class OutcomesUser(HttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        _pick_host(self)
        _sign_in(self, SETUP["outcomes_login"])

    @task(10)
    def dashboard(self) -> None:
        group_by = random.choice(["clinician", "instrument", "diagnosis", "period"])
        with self.client.get(
            f"/practice/outcomes/?group_by={group_by}", name="GET outcomes", catch_response=True
        ) as response:
            if "Outcomes" not in response.text:
                response.failure("not the outcomes page (signed out?)")

    @task(1)
    def refresh(self) -> None:
        page = self.client.get("/practice/outcomes/", name="GET outcomes")
        token = _CSRF.search(page.text)
        self.client.post(
            "/practice/outcomes/refresh/",
            data={"csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/practice/outcomes/"},
            name="POST outcomes refresh",
        )
