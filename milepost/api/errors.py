"""Every error of the API is JSON `{"message": "...", "field": "..."}`.

`field` names the input the message is about (a dotted path into the body, or the
query or path parameter), or is null when the error is not about one input. Messages
never quote what was sent: typed text may be PHI, or hostile.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

# Where ninja puts each kind of input: the first part of an error's location.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


class ErrorOut(Schema):
    message: str
    field: str | None


def error_responses(**ok: Any) -> dict[int, Any]:
    """An operation's responses: its success ones (`{"200": Out}`) and every error."""
    responses: dict[int, Any] = {int(code.lstrip("_")): schema for code, schema in ok.items()}
    for status in (400, 401, 403, 404, 422):
        responses[status] = ErrorOut
    return responses


def _body(message: str, field: str | None = None) -> dict[str, str | None]:
    return {"message": message, "field": field}


def field_path(loc: tuple[Any, ...] | list[Any], body_params: frozenset[str]) -> str | None:
    """("body", "payload", "answers", 3) -> "answers.3"; ("query", "status") -> "status"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # ninja names the body after the view's parameter; clients never see that name.
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)
    return ".".join(str(p) for p in parts) or None


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "json_invalid":
        return "The body is not valid JSON."
    if kind in ("string_too_long", "too_long"):
        limit = (error.get("ctx") or {}).get("max_length")
        return f"This is too long: at most {limit}." if limit else "This is too long."
    if kind == "string_pattern_mismatch":
        return "This value is not in the expected form."
    message = str(error.get("msg") or "This value is not valid.")
    # pydantic prefixes messages of custom validators with "Value error, ".
    return message.removeprefix("Value error, ")


def install(api: NinjaAPI, *, body_params: frozenset[str]) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        return api.create_response(
            request,
            _body(_message(first), field_path(first.get("loc", ()), body_params)),
            status=422,
        )

    @api.exception_handler(DjangoValidationError)
    def on_service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            item = errors[0]
            # Interpolate only with params: a message may quote typed text with a "%".
            message = item.message % item.params if item.params else item.message
            return api.create_response(request, _body(str(message), field), status=400)
        return api.create_response(request, _body(str(exc.messages[0])), status=400)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, _body("Your role may not do this."), status=403)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _body("Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else "Authentication required."
        response = api.create_response(request, _body(message), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="milepost"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = "The body could not be read." if exc.status_code == 400 else exc.message
        return api.create_response(request, _body(message), status=exc.status_code)

    @api.exception_handler(Exception)
    def on_anything_else(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug, never the caller's fault; the type only: the message may hold PHI.
        logger.error("API error %s at %s", type(exc).__name__, request.path)
        return api.create_response(request, _body("Something went wrong on our side."), status=500)
