"""The request a view receives once its policy has let it through.

`@policy(...)` (policies.py) sends an anonymous visitor to the login page before any
non-public view runs, so such a view may type its request as `SignedInRequest` and read
`request.user` as a `User`. A public view keeps Django's `HttpRequest`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from milepost.accounts.models import User


class SignedInRequest(HttpRequest):
    user: User
    # Set by django-htmx's middleware on every request (config/settings.py).
    htmx: HtmxDetails
