"""Shared pieces of the API tests: tokens for personas, a client that sends them, and
dana's objective bound to a custom metric (so observations can be recorded)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from milepost.accounts.models import User
from milepost.api import services as tokens
from milepost.plans import services as plans
from milepost.plans.models import Target
from tests.base import Personas, dana_plan

BASE = "/api/v1"


class ApiClient:
    """Django's test client, sending a bearer token (or none) and JSON bodies."""

    def __init__(self, token: str | None = None, http: HttpClient | None = None) -> None:
        self.http = http or HttpClient()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = path if path.startswith(BASE) else BASE + path
        call = getattr(self.http, method.lower())
        if method.lower() == "get":
            return call(url, query, headers=self.headers)
        data = body if isinstance(body, str | bytes) else json.dumps(body or {})
        return call(url, data, content_type="application/json", headers=self.headers)

    def get(self, path: str, **query: Any) -> Any:
        return self.request("get", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("post", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("patch", path, body)


def token_for(user: User, name: str = "tests") -> str:
    _, raw = tokens.api_token_create(actor=user, name=name)
    return raw


def api_as(user: User | None) -> ApiClient:
    """Anonymous without a user; otherwise the user's own fresh token. Admins and portal
    clients get no token from the service, so theirs is made the way an old token of a
    user whose role changed would look: directly."""
    if user is None:
        return ApiClient()
    if user.membership.role in ("clinician", "supervisor"):
        return ApiClient(token_for(user))
    from milepost.api.models import ApiToken

    raw = tokens.TOKEN_MARK + user.public_id + "x" * 20
    ApiToken.objects.create(
        user=user, name="old", prefix=raw[:11], token_hash=tokens.token_hash(raw)
    )
    return ApiClient(raw)


_METRIC_TARGETS: dict[int, tuple[Personas, Target]] = {}


def dana_metric_target(p: Personas) -> Target:
    """Dana's objective bound to "Pleasurable activities" per week (5 or more by week 8)."""
    cached = _METRIC_TARGETS.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    objective = dana_plan(p).objective
    metric = plans.metric_create(
        actor=p.alice, name="Pleasurable activities", unit="activities", period="week"
    )
    target = plans.target_set(
        actor=p.alice,
        owner=objective,
        metric=metric,
        comparator=">=",
        target_value=5,
        baseline=1,
        due_date=timezone.localdate() + dt.timedelta(weeks=8),
    )
    _METRIC_TARGETS[id(p)] = (p, target)
    return target
