"""Every route of the project, for every persona, gets exactly what that persona may.

The routes are enumerated from the URL resolver, so a route added later is covered
without anyone remembering to add it here. Each view must declare its policy with
`milepost.accounts.policies.policy`; a view without one fails this test. What each
policy allows is written out below, by hand, as the specification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from milepost.accounts.policies import Policy
from tests.base import PERSONA_NAMES, Personas, dana_note, dana_plan, dana_target
from tests.directory.helpers import aetna, alice_referral, listed
from tests.interop.job_helpers import dana_import_job
from tests.portal.questionnaire_helpers import dana_assignment
from tests.portal_fixtures import (
    dana_change_request,
    dana_journal_entry,
    dana_log_entry,
    dana_portal,
    dana_proposal,
)

# A route sweep: CI runs it once, on PostgreSQL (docs/decisions/0014-ci-split.md).
pytestmark = pytest.mark.sweep

# What each outcome means for a response.
ALLOWED = "allowed"  # the view runs: not 403/404, not sent to the login page
LOGIN = "login"  # sent to the login page
FORBIDDEN = 403
HIDDEN = 404  # the record is not the persona's to see; it answers as if absent

_ANON = {"anonymous": LOGIN}

# The specification: persona -> outcome, per policy, for routes without a record id.
EXPECTED: dict[Policy, dict[str, object]] = {
    Policy.PUBLIC: dict.fromkeys(PERSONA_NAMES, ALLOWED),
    Policy.AUTHENTICATED: {**dict.fromkeys(PERSONA_NAMES, ALLOWED), **_ANON},
    Policy.CLINICAL: {
        **_ANON,
        **dict.fromkeys(["alice", "bob", "sam", "frank", "charlie"], ALLOWED),
        "erin": FORBIDDEN,
        "dana": FORBIDDEN,
    },
    Policy.ORG_ADMIN: {
        **_ANON,
        **dict.fromkeys(["alice", "bob", "sam", "frank", "charlie", "dana"], FORBIDDEN),
        "erin": ALLOWED,
    },
    Policy.PORTAL: {
        **_ANON,
        **dict.fromkeys(["alice", "bob", "sam", "frank", "charlie", "erin"], FORBIDDEN),
        "dana": ALLOWED,
    },
    Policy.OVERSIGHT: {
        **_ANON,
        **dict.fromkeys(["alice", "bob", "frank", "charlie", "dana"], FORBIDDEN),
        "sam": ALLOWED,
        "erin": ALLOWED,
    },
}

# Routes that name a client (dana's record): the care team and its supervisor only.
EXPECTED_FOR_CLIENT_RECORD: dict[str, object] = {
    **_ANON,
    "alice": ALLOWED,
    "bob": ALLOWED,
    "sam": ALLOWED,
    "frank": HIDDEN,
    "charlie": HIDDEN,
    "erin": FORBIDDEN,
    "dana": FORBIDDEN,
}

# Routes that refuse a persona their policy lets in. The clinical archive also needs the
# records-custodian grant, which the admin role does not imply and no persona holds: the
# practice admin never reads a clinical record (README; decision 0606).
# The directory's records belong to one clinician (alice's licence, the referral sent to
# her): other clinicians find nothing there. Her listing has no photo: 404 for everyone.
_ALICE_ONLY = {
    **EXPECTED[Policy.CLINICAL],
    **dict.fromkeys(["bob", "sam", "frank", "charlie"], HIDDEN),
}
EXPECTED_FOR_ROUTE: dict[str, dict[str, object]] = {
    "portability:clinical_archive": {**EXPECTED[Policy.ORG_ADMIN], "erin": FORBIDDEN},
    # The outcomes dashboard also needs the outcomes.view_practice_outcomes permission, which
    # no persona holds (decision 1004); tests/outcomes/test_views.py grants it.
    **{
        f"outcomes:{name}": {**EXPECTED[Policy.OVERSIGHT], "sam": FORBIDDEN, "erin": FORBIDDEN}
        for name in ("dashboard", "dashboard_csv", "dashboard_chart", "group", "refresh")
    },
    # A background import's page is for the clinician who uploaded the file only.
    "interop:client_fhir_import_job": {"bob": HIDDEN, "sam": HIDDEN},
    "directory:licence_remove": _ALICE_ONLY,
    "directory:referral": _ALICE_ONLY,
    "directory:photo": dict.fromkeys(PERSONA_NAMES, HIDDEN),
    # The practice's intake of a referral: the clinician it was sent to and their supervisor.
    "outcomes:intake": {**_ALICE_ONLY, "sam": ALLOWED},
}

# Sample values for URL parameters, by name. A new parameter name needs a line here.
SAMPLE_KWARGS: dict[str, Callable[[Personas], str]] = {
    "client_id": lambda p: p.dana_client.public_id,
    "user_id": lambda p: p.bob.public_id,
    "instrument": lambda p: "phq9",
    "alert_id": lambda p: p.dana_alert.public_id,
    "administration_id": lambda p: p.dana_phq9.public_id,
    "plan_id": lambda p: dana_plan(p).plan.public_id,
    "factor_id": lambda p: dana_plan(p).factor.public_id,
    "diagnosis_id": lambda p: dana_plan(p).diagnosis.public_id,
    "goal_id": lambda p: dana_plan(p).goal.public_id,
    "objective_id": lambda p: dana_plan(p).objective.public_id,
    "intervention_id": lambda p: dana_plan(p).intervention.public_id,
    "note_id": lambda p: dana_note(p).public_id,
    "target_id": lambda p: dana_target(p).public_id,
    "token": lambda p: "made-up-invitation-token-0000000000000000000",  # answers "expired"
    "uidb64": lambda p: "MQ",  # a password reset link's user part; with the token: invalid
    "assignment_id": lambda p: dana_assignment(p).public_id,
    "question": lambda p: "1",
    "portal_target_id": lambda p: dana_portal(p).goal_target.public_id,
    "proposal_id": lambda p: dana_proposal(p).public_id,
    "log_entry_id": lambda p: dana_log_entry(p).public_id,
    "journal_entry_id": lambda p: dana_journal_entry(p).public_id,
    "change_request_id": lambda p: dana_change_request(p).public_id,
    "form": lambda p: "change",  # a portal writing form kept through the idle timeout
    # The FHIR API (bearer tokens: every persona's session answers 401 there).
    "resource_type": lambda p: "Patient",
    "resource_id": lambda p: p.dana_client.public_id,
    "job_id": lambda p: dana_import_job(p).public_id,
    "listing_id": lambda p: listed(p).alice.public_id,
    "licence_id": lambda p: listed(p).alice_ny.public_id,
    "referral_id": lambda p: alice_referral(p).public_id,
    "payer_id": lambda p: aetna(p).public_id,
    # Django admin's own parameters.
    "app_label": lambda p: "accounts",
    "object_id": lambda p: str(p.bob.pk),
    "id": lambda p: str(p.bob.pk),
    "pk": lambda p: str(p.bob.pk),  # django-otp's TOTP device admin (config, QR code)
    "content_type_id": lambda p: "1",
}

# Text that must never reach someone without clinical access to dana.
DANA_SECRETS = (
    b"Quillfeather",
    b"Low mood since spring",
    b"I want to feel like myself again",
    b"Stays in bed when low",
)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    namespace: str
    callback: Callable[..., object]
    kwarg_names: tuple[str, ...]


def _walk(patterns, namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full)
        elif isinstance(entry, URLPattern):
            kwargs = tuple(entry.pattern.regex.groupindex)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(name, namespace, entry.callback, kwargs)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def project_routes() -> list[Route]:
    # The JSON API answers 401/403/404 as JSON, not with the login page: its own matrix
    # (tests/api/test_api_access_matrix.py) covers every operation of its OpenAPI schema.
    return [
        r for r in all_routes() if r.namespace != "admin" and r.namespace.split(":")[0] != "api"
    ]


def admin_routes() -> list[Route]:
    # Django admin's unnamed catch-all cannot be reversed; it is wrapped like the rest.
    return [r for r in all_routes() if r.namespace == "admin" and r.name]


def _url(route: Route, personas: Personas) -> str:
    missing = [k for k in route.kwarg_names if k not in SAMPLE_KWARGS]
    assert not missing, f"{route.name}: add a sample value for {missing} to SAMPLE_KWARGS"
    kwargs = {k: SAMPLE_KWARGS[k](personas) for k in route.kwarg_names}
    return reverse(route.name, kwargs=kwargs)


def _http(personas: Personas, persona: str) -> HttpClient:
    http = HttpClient()
    user = personas.by_name(persona)
    if user is not None:
        http.force_login(user)
    return http


def _outcome(response) -> object:
    location = response.get("Location", "")
    # Sent to sign in first: the login page with a `next` back here. (Signing out
    # also ends on the login page, but without `next`: that is the view working.)
    if response.status_code in (301, 302) and location.startswith(reverse("login") + "?next="):
        return LOGIN
    if response.status_code in (403, 404):
        return response.status_code
    assert response.status_code < 500, f"server error {response.status_code}"
    return ALLOWED


def test_every_project_route_is_named_and_declares_a_policy():
    for route in project_routes():
        assert route.name, f"unnamed route with view {route.callback!r}"
        policy = getattr(route.callback, "access_policy", None)
        assert isinstance(policy, Policy), f"{route.name} declares no access policy"


def test_the_matrix_covers_the_routes_we_know_of():
    # A guard that enumeration works at all: these must be among the routes found.
    names = {r.name for r in project_routes()}
    assert {"login", "home", "reports:caseload", "clients:detail", "accounts:users"} <= names
    assert len(admin_routes()) > 5


def make_world(personas: Personas) -> Personas:
    """Every sample record the routes name, made now (in SAMPLE_KWARGS's order)."""
    for make in SAMPLE_KWARGS.values():
        make(personas)
    return personas


@pytest.fixture(scope="module")
def world(module_world) -> Personas:
    """The personas and every sample, made once per module and worker (module_world)."""
    from tests.base import make_personas

    return make_world(make_personas())


@pytest.fixture
def personas(world, db) -> Personas:
    """Each case runs in a savepoint inside the module's transaction: its changes go."""
    return world


def _cases() -> Iterator[tuple[str, str, str]]:
    for route in project_routes():
        for persona in PERSONA_NAMES:
            for method in ("get", "post"):
                yield route.name, persona, method


@pytest.mark.django_db
@pytest.mark.parametrize(("route_name", "persona", "method"), list(_cases()))
def test_each_persona_gets_exactly_what_it_may(personas, route_name, persona, method):
    route = next(r for r in project_routes() if r.name == route_name)
    policy = route.callback.access_policy  # type: ignore[attr-defined]
    if "client_id" in route.kwarg_names:
        expected = EXPECTED_FOR_CLIENT_RECORD[persona]
    else:
        expected = EXPECTED[policy][persona]
    expected = EXPECTED_FOR_ROUTE.get(route_name, {}).get(persona, expected)
    url = _url(route, personas)
    response = getattr(_http(personas, persona), method)(url)
    if response.status_code == 405:
        # The route does not take this method; it must not reveal anything either way.
        assert not any(secret in response.content for secret in DANA_SECRETS)
        return
    assert _outcome(response) == expected, (
        f"{persona} {method.upper()} {route_name}: got {response.status_code}, expected {expected}"
    )
    # No answer (page, partial, chart, PDF, CSV, redirect, error) may be cached anywhere.
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, route_name
    assert "private" in cache_control, route_name
    if response.get("Content-Type", "").startswith("text/html"):
        # Every page, error pages included, carries the strict policy (no inline script).
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, route_name
        assert "script-src 'self'" in csp, route_name
        assert "unsafe-inline" not in csp, route_name
    if persona in ("anonymous", "erin", "charlie", "frank"):
        body = response.getvalue()  # streamed downloads (CSV) too
        for secret in DANA_SECRETS:
            assert secret not in body, f"{persona} saw dana's data at {route_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", [r.name for r in admin_routes()])
def test_the_django_admin_is_for_staff_only(personas, route_name):
    route = next(r for r in admin_routes() if r.name == route_name)
    url = _url(route, personas)
    admin_login = reverse("admin:login")
    for persona in PERSONA_NAMES:
        response = _http(personas, persona).get(url)
        if route_name == "admin:login":
            assert response.status_code in (200, 302)
        else:
            assert response.status_code == 302, f"{persona} reached {route_name}"
            # Django's admin sends non-staff from its logout to its index, which asks
            # them to sign in; every other page asks directly.
            target = reverse("admin:index") if route_name == "admin:logout" else admin_login
            assert response["Location"].startswith(target)
        for secret in DANA_SECRETS:
            assert secret not in response.content


@pytest.mark.django_db
def test_a_superuser_reaches_the_admin_but_no_client_records(personas):
    from milepost.accounts.models import User

    root = User.objects.create_superuser("root@example.org", "a long admin password")
    http = HttpClient()
    http.force_login(root)
    index = http.get(reverse("admin:index"))
    assert index.status_code == 200
    assert b"clients" not in index.content.lower().replace(b"clients and care teams", b"")
    assert not any(secret in index.content for secret in DANA_SECRETS)
