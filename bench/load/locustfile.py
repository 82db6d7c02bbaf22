"""The load: clients' questionnaires arriving, and clinicians reading their dashboards.

Questionnaire users submit PHQ-9s through the JSON API (as an integration or the portal
would), each with its own time so that every submission is a distinct record; dashboard
users sign in once and reload the caseload page; an outcomes user (the demo supervisor) reads
the practice outcomes dashboard and now and then asks the worker to rebuild it. With
LOAD_HOSTS (several web processes, `--cluster`), each user picks one process at random, as a
proxy without sticky sessions would. The facts (tokens, client ids, logins)
come from bench/load/setup_data.py through the LOAD_SETUP environment variable.
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


@events.quitting.add_listener
def _write_ledger(environment: object, **kwargs: object) -> None:
    with open(os.environ["LOAD_LEDGER"], "w", encoding="utf-8") as handle:
        json.dump({"sent": SENT, "accepted": ACCEPTED}, handle)


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
