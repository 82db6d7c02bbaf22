"""The practice's language model, against a small local server that speaks the
OpenAI chat-completions protocol (no network): what is sent, what is shown, the fallback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse

from milepost.accounts.models import Organization
from milepost.audit.models import AuditEvent
from milepost.drafting import services
from milepost.drafting.models import DraftedItem, ModelEndpoint
from milepost.plans import services as plans
from milepost.plans.models import Goal

pytestmark = pytest.mark.django_db

REPLY = {
    "factors": [
        {"kind": "maintaining", "text": "Withdrawal", "quote": "has stopped seeing friends"}
    ],
    "goals": [
        {
            "client_words": "I want my life back.",
            "statement": "Increase time with friends from 0 to 2 evenings a week within 8 weeks.",
            "factors": [0],
            "objectives": [
                {
                    "statement": "Plan 3 activities with others a week within 4 weeks.",
                    "interventions": [{"modality": "Activity scheduling", "frequency": "weekly"}],
                }
            ],
        }
    ],
}


class Server:
    """Answers every chat completion with `answer` (a str body) after `delay` seconds."""

    def __init__(self) -> None:
        self.answer: str = json.dumps({"choices": [{"message": {"content": json.dumps(REPLY)}}]})
        self.delay = 0.0
        self.status = 200
        self.bodies: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                server.bodies.append(json.loads(self.rfile.read(length)))
                time.sleep(server.delay)
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(server.answer.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


@pytest.fixture
def plan(personas):
    return plans.plan_create_draft(actor=personas.alice, client=personas.dana_client)


@pytest.fixture
def endpoint(personas, server):
    return services.model_endpoint_set(
        actor=personas.erin,
        enabled=True,
        base_url=server.url,
        model="llama3.1:8b",
        api_key="",
        covers_health_information=False,
        timeout_seconds=1,
    )


def _post(http, p, plan, do, **extra):
    url = reverse("drafting:assistant", args=[p.dana_client.public_id, plan.public_id])
    return http.post(
        url,
        {
            "presenting_problem": "Dana Quillfeather is low and has stopped seeing friends.",
            "client_words": "I want my life back.",
            "do": do,
            **extra,
        },
    )


def test_the_model_is_off_by_default(personas, login_as, plan, server):
    _post(login_as(personas.alice), personas, plan, "draft")
    assert server.bodies == []


def test_model_goals_are_shown_checked_and_names_are_not_sent(
    personas, login_as, plan, server, endpoint
):
    page = _post(login_as(personas.alice), personas, plan, "draft")
    assert b'data-drafted-by="model"' in page.content
    assert b"Increase time with friends from 0 to 2 evenings" in page.content
    sent = json.dumps(server.bodies[0])
    assert "Quillfeather" not in sent
    assert "Dana" not in sent
    assert server.bodies[0]["response_format"]["type"] == "json_schema"
    goal = page.context["draft_json"]["goals"][0]
    assert goal["analysis"]["criteria"]["measurable"]["met"] is True
    assert not Goal.objects.filter(plan=plan).exists()  # nothing saved before acceptance
    assert not DraftedItem.objects.exists()


def test_under_an_agreement_health_information_is_sent_as_written(
    personas, login_as, plan, server, endpoint
):
    ModelEndpoint.objects.update(covers_health_information=True)
    _post(login_as(personas.alice), personas, plan, "draft")
    assert "Quillfeather" in json.dumps(server.bodies[0])


def test_another_practices_endpoint_is_never_used(personas, login_as, plan, server):
    other = Organization.objects.get(name="Elsewhere Clinic")
    ModelEndpoint.objects.create(
        organization=other, enabled=True, base_url=server.url, model="m", timeout_seconds=1
    )
    page = _post(login_as(personas.alice), personas, plan, "draft")
    assert page.status_code == 200
    assert server.bodies == []
    assert b'data-drafted-by="model"' not in page.content


def test_accepting_a_model_item_reuses_the_signed_answer(
    personas, login_as, plan, server, endpoint
):
    http = login_as(personas.alice)
    page = _post(http, personas, plan, "draft")
    token = page.context["reply_token"]
    _post(http, personas, plan, "accept g1", model_reply=token)
    assert len(server.bodies) == 1  # asked once
    goal = Goal.objects.get(plan=plan)
    assert goal.statement.startswith("Increase time with friends")
    row = DraftedItem.objects.get(object_id=goal.public_id)
    assert row.drafted_by == "model"
    assert "with a model" in row.description


@pytest.mark.parametrize(
    ("answer", "status", "delay", "message"),
    [
        ("not json at all", 200, 0, b"not a chat completion"),
        (
            json.dumps({"choices": [{"message": {"content": "I cannot help."}}]}),
            200,
            0,
            b"does not follow the schema",
        ),
        (
            json.dumps({"choices": [{"message": {"content": ""}}]}),
            200,
            0,
            b"answered nothing",
        ),
        ("", 200, 0, b"not a chat completion"),
        ("{}", 500, 0, b"answered with an error (500)"),
        ("{}", 200, 2.0, b"did not answer in time"),
    ],
)
def test_nonsense_errors_and_timeouts_fall_back_to_the_offline_draft(
    personas, login_as, plan, server, endpoint, answer, status, delay, message
):
    server.answer, server.status, server.delay = answer, status, delay
    page = _post(login_as(personas.alice), personas, plan, "draft")
    assert page.status_code == 200
    assert b"Showing the offline draft" in page.content
    assert message in page.content
    assert b"Withdrawal from activities and people" in page.content  # the offline draft


def test_an_unreachable_endpoint_falls_back(personas, login_as, plan, endpoint):
    ModelEndpoint.objects.update(base_url="http://127.0.0.1:9/v1")
    page = _post(login_as(personas.alice), personas, plan, "draft")
    assert b"could not be reached" in page.content


def test_the_admin_sets_the_endpoint_and_the_key_is_never_audited(personas, login_as):
    http = login_as(personas.erin)
    url = reverse("drafting_practice:endpoint")
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        {
            "enabled": "on",
            "base_url": "http://127.0.0.1:11434/v1",
            "model": "llama3.1:8b",
            "api_key": "sk-secret",
            "timeout_seconds": "20",
        },
    )
    assert response.status_code == 302
    endpoint = ModelEndpoint.objects.get()
    assert (endpoint.enabled, endpoint.api_key, endpoint.covers_health_information) == (
        True,
        "sk-secret",
        False,
    )
    event = AuditEvent.objects.get(action="assistant.endpoint.update")
    assert "sk-secret" not in json.dumps(event.detail)


def test_switching_on_without_an_address_is_refused_with_the_field_named(personas, login_as):
    http = login_as(personas.erin)
    response = http.post(
        reverse("drafting_practice:endpoint"),
        {"enabled": "on", "base_url": "", "model": "", "timeout_seconds": "20"},
    )
    assert response.status_code == 200
    assert b"Give the endpoint" in response.content
    assert not ModelEndpoint.objects.filter(enabled=True).exists()
