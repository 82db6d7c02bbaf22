"""Every view declares who may open it. The access-matrix test reads these declarations.

`@policy(Policy.CLINICAL)` checks the role before the view runs (403 otherwise,
a redirect to the login page for anonymous users). Object-level checks — is this
client on the user's caseload? — happen in the apps' access.py on top of it.
A view behind any policy but PUBLIC types its request as `SignedInRequest`
(requests.py): by the time it runs, `request.user` is a signed-in `User`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from milepost.accounts.access import membership_of
from milepost.accounts.models import Role


class Policy(StrEnum):
    PUBLIC = "public"  # anyone, logged in or not
    AUTHENTICATED = "authenticated"  # any logged-in user
    CLINICAL = "clinical"  # clinicians and supervisors
    ORG_ADMIN = "org_admin"  # practice admins
    PORTAL = "portal"  # clients in the portal
    OVERSIGHT = "oversight"  # supervisors and practice admins (compliance across the caseload)


_ROLES: dict[Policy, frozenset[str]] = {
    Policy.CLINICAL: frozenset({Role.CLINICIAN, Role.SUPERVISOR}),
    Policy.ORG_ADMIN: frozenset({Role.ADMIN}),
    Policy.PORTAL: frozenset({Role.CLIENT}),
    Policy.OVERSIGHT: frozenset({Role.SUPERVISOR, Role.ADMIN}),
}

View = Callable[..., HttpResponseBase]


def policy(rule: Policy) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if rule is not Policy.PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if rule in _ROLES:
                    membership = membership_of(request.user)
                    if membership is None or membership.role not in _ROLES[rule]:
                        raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_policy = rule  # type: ignore[attr-defined]
        return wrapper

    return decorate
