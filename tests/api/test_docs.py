"""The OpenAPI schema and the docs page, served from this server (no CDN)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient


def test_the_schema_is_served_and_lists_the_operations():
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/smart" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "Session"}


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_from_here():
    response = HttpClient().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="/api/v1/docs/assets/swagger-ui-bundle.js"' in html
    assert "cdn." not in html
    assert 'id="swagger-settings" type="application/json"' in html
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css")):
        asset = HttpClient().get(f"/api/v1/docs/assets/{name}")
        assert asset.status_code == 200
        assert kind in asset["Content-Type"]


def test_only_the_swagger_assets_are_served():
    for name in ("swagger-ui.css.map", "..%2F..%2Fmain.py", "redoc.standalone.js"):
        assert HttpClient().get(f"/api/v1/docs/assets/{name}").status_code == 404
