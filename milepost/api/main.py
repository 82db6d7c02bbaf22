"""The NinjaAPI instance: authentication, error shape, documentation page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation

from milepost.api import errors
from milepost.api.auth import BearerToken, Session
from milepost.api.endpoints import router


class LocalSwagger(Swagger):
    """Swagger UI from this server: ninja's own copy would come from a CDN unless ninja is
    an installed app, and the Content-Security-Policy allows only our own scripts."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": self.settings, "api": api}
        return render(request, "api/docs.html", context)


class MilepostAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short, stable ids ("client_list"): docs/api.md and the tests name operations so.
        return operation.view_func.__name__


api = MilepostAPI(
    title="Milepost API",
    version="1",
    description=(
        "Clients, treatment plans, measures and the SMART check of one practice. "
        "Authenticate with `Authorization: Bearer <token>` (make a token under "
        'Account → API tokens). Errors are `{"message": …, "field": …}`.'
    ),
    urls_namespace="api",
    auth=[BearerToken(), Session()],
    docs=LocalSwagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", router)
errors.install(api, body_params=frozenset({"payload"}))
