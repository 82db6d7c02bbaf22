"""A view behind a signed-in policy reads `request.user` as a `User` through one typed
request, `SignedInRequest` (milepost/accounts/requests.py), never through a copied helper."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence

from django.urls import URLPattern, URLResolver, get_resolver

from milepost.accounts.policies import Policy


def _views(patterns: Sequence[object]) -> Iterator[tuple[str, Callable[..., object]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield str(entry.pattern), entry.callback


def _signed_in_function_views() -> list[tuple[str, Callable[..., object]]]:
    found = []
    for route, callback in _views(get_resolver().url_patterns):
        rule = getattr(callback, "access_policy", None)
        if rule is None or rule is Policy.PUBLIC:
            continue
        view = inspect.unwrap(callback, stop=lambda f: hasattr(f, "view_class"))
        if hasattr(view, "view_class"):  # a class-based view of Django's own (logout)
            continue
        found.append((route, view))
    return found


def test_there_are_signed_in_views_to_read():
    assert len(_signed_in_function_views()) > 50


def test_every_signed_in_view_takes_the_typed_request():
    offenders = [
        f"{route} ({view.__module__}.{view.__qualname__})"
        for route, view in _signed_in_function_views()
        if inspect.signature(view).parameters["request"].annotation != "SignedInRequest"
    ]
    assert offenders == []
