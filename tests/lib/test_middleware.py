"""Every answer of the application is `no-store, private`; only a response its view marked
`public` on purpose (an asset with no client data) keeps its own header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from milepost.lib.middleware import NoStoreMiddleware


def _through(response: HttpResponse) -> HttpResponse:
    return NoStoreMiddleware(lambda request: response)(HttpRequest())  # type: ignore[return-value]


def test_a_plain_response_is_not_stored():
    assert _through(HttpResponse("x"))["Cache-Control"] == "no-store, private"


def test_a_download_that_said_private_keeps_it_and_is_not_stored():
    response = HttpResponse("x")
    response["Cache-Control"] = "private, max-age=60"
    header = _through(response)["Cache-Control"]
    assert "no-store" in header
    assert "private" in header


def test_a_deliberately_public_asset_keeps_its_header():
    response = HttpResponse("x")
    response["Cache-Control"] = "public, max-age=86400"
    assert _through(response)["Cache-Control"] == "public, max-age=86400"
