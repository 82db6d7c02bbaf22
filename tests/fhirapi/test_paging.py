"""Search paging: `_count`, the Bundle's `total`, and `self` / `first` / `previous` / `next`
links on every search type; the links repeat the search's own parameters (ids, dates, codes)
and never a name."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from milepost.fhirapi import resources
from tests.base import dana_plan
from tests.fhirapi import helpers

pytestmark = pytest.mark.django_db


def _links(bundle: dict) -> dict[str, str]:
    return {link["relation"]: link["url"] for link in bundle["link"]}


def _follow(url: str, token: str) -> dict:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    response = helpers.get(parts.path, token, **dict(parse_qsl(parts.query)))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def token(personas, login_as) -> str:
    app = helpers.public_app(personas.alice)
    return helpers.token_for(login_as(personas.alice), app, "user/*.rs")["access_token"]


def test_pages_follow_one_another_to_the_whole_result(personas, token):
    dana = personas.dana_client.public_id
    whole = helpers.get("/fhir/Observation", token, patient=dana).json()
    assert whole["total"] == 10
    assert "next" not in _links(whole)
    assert "_count=100" in _links(whole)["self"]  # the default page size

    page = helpers.get("/fhir/Observation", token, patient=dana, _count="4").json()
    seen, pages = [], []
    while True:
        assert page["total"] == 10
        pages.append(_links(page))
        seen += [e["resource"]["id"] for e in page["entry"]]
        if "next" not in _links(page):
            break
        page = _follow(_links(page)["next"], token)
    assert [len(p) for p in pages] == [3, 4, 3]  # self+first(+previous)(+next)
    assert "previous" not in pages[0]
    assert "previous" in pages[1]
    assert seen == [e["resource"]["id"] for e in whole["entry"]]
    # Back from the last page to the one before it.
    back = _follow(pages[-1]["previous"], token)
    assert [e["resource"]["id"] for e in back["entry"]] == seen[4:8]


def test_links_repeat_ids_dates_and_codes_and_never_a_name(personas, token):
    dana = personas.dana_client
    when = personas.dana_phq9.administered_at.date().isoformat()
    page = helpers.get(
        "/fhir/Observation", token, patient=dana.public_id, date=f"ge{when}", _count="2"
    ).json()
    for url in _links(page).values():
        query = dict(parse_qsl(urlsplit(url).query))
        assert query["patient"] == dana.public_id
        assert query["date"] == f"ge{when}"
        assert set(query) <= {"patient", "date", "_count", "_offset"}
        for name in (dana.given_name, dana.family_name):
            assert name not in url
    assert dict(parse_qsl(urlsplit(_links(page)["next"]).query))["_offset"] == "2"


def test_every_search_type_has_a_total_and_links(personas, token):
    dana_plan(personas)  # a plan: conditions, goals and a care plan to page through
    totals = {}
    for resource_type in resources.TYPES:
        params = {"_count": "1"}
        if resource_type not in ("Questionnaire", "Patient"):
            params["patient"] = personas.dana_client.public_id
        page = helpers.get(f"/fhir/{resource_type}", token, **params).json()
        assert page["type"] == "searchset"
        links = _links(page)
        assert {"self", "first"} <= set(links)
        assert ("next" in links) == (page["total"] > 1)
        assert links["self"].startswith(f"{helpers.BASE}/{resource_type}?")
        assert len(page.get("entry", [])) == min(1, page["total"])
        totals[resource_type] = page["total"]
    assert all(totals.values()), totals  # every type had something to page through


def test_count_zero_gives_the_total_alone(personas, token):
    page = helpers.get(
        "/fhir/Observation", token, patient=personas.dana_client.public_id, _count="0"
    ).json()
    assert page["total"] == 10
    assert "entry" not in page
    assert set(_links(page)) == {"self", "first"}


@pytest.mark.parametrize(
    ("name", "value"), [("_count", "many"), ("_offset", "-1"), ("_count", "99999999")]
)
def test_a_bad_page_parameter_is_named(personas, token, name, value):
    response = helpers.get(
        "/fhir/Observation", token, patient=personas.dana_client.public_id, **{name: value}
    )
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == [name]


def test_count_is_capped(personas, token):
    page = helpers.get("/fhir/Questionnaire", token, _count="100000").json()
    assert "_count=500" in _links(page)["self"]
