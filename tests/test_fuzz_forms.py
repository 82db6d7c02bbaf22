"""Hypothesis against every form of every route: whatever is posted, the answer is never a
server error, and a post that is refused (anything but a redirect after saving, or a 204 after
a background save) saves nothing.

Each route is posted by a persona its policy admits, with a random set of the project's field
names (tests/test_hostile_input.py lists them) holding random text, numbers, dates or
nothing. "Saves nothing" is checked by counting the rows of every table except the ones a
read or a sign-in writes (the audit trail, sessions, sign-in records, an authenticator being
set up).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milepost.accounts.policies import Policy
from tests.base import make_personas
from tests.test_access_matrix import _url, project_routes
from tests.test_hostile_input import FIELDS

# A route sweep: CI runs it once, on PostgreSQL (docs/decisions/0014-ci-split.md).
pytestmark = pytest.mark.sweep

WHO = {
    Policy.PUBLIC: None,
    Policy.AUTHENTICATED: "alice",
    Policy.CLINICAL: "alice",
    Policy.ORG_ADMIN: "erin",
    Policy.PORTAL: "dana",
    Policy.OVERSIGHT: "sam",
}
# Written by reads and sign-ins, not by the form being refused.
NOT_COUNTED = ("audit.", "sessions.", "axes.", "otp_totp.", "otp_static.", "api.apitoken")

VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(-(10**12), 10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "0", "1", "on", "true", "phq9", "weekly", "individual", "<="]),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=12)


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.label_lower.startswith(NOT_COUNTED)
    }


ROUTES = [r for r in project_routes() if r.namespace != "admin" and r.name]


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", [r.name for r in ROUTES])
def test_random_posts_never_fail_and_refusals_save_nothing(route_name):
    route = next(r for r in ROUTES if r.name == route_name)
    personas = make_personas()
    url = _url(route, personas)
    who = WHO[route.callback.access_policy]  # type: ignore[attr-defined]
    http = HttpClient()
    user = personas.by_name(who) if who is not None else None
    if user is not None:
        http.force_login(user)

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=FORMS)
    def post(data):
        before = _counts()
        response = http.post(url, data)
        assert response.status_code < 500, f"{route_name} {data!r}: {response.status_code}"
        # 204: a background save that answers nothing (the portal's unsent drafts) saved.
        if response.status_code not in (204, 301, 302, 303):
            after = _counts()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            assert not changed, f"{route_name} refused {data!r} but saved {changed}"

    post()
