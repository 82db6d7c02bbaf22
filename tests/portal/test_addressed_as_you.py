"""Issue 16: the portal addresses the client as "you", never "she" or "the client".

The plan's own statements are the therapist's clinical wording (often in the third person,
as payers read them) and are shown as such ("As your therapist wrote it", decision 0824).
Everything the portal says in its own words (headings, progress in plain words, what is due,
the help text) speaks to the client. This walks every portal page of a client with a signed
plan, a log entry and a request for a change, and checks each page once the plan's and the
client's own words are taken out.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.portal_fixtures import dana_change_request, dana_log_entry, dana_portal

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]

THIRD_PERSON = re.compile(r"\b(she|her|hers|herself|he|him|his|himself|the client)\b", re.I)

PAGES = [
    "portal:home",
    "portal:goals",
    "portal:plan",
    "portal:endorse",
    "portal:log",
    "portal:journal",
    "portal:propose",
    "portal_questionnaires:list",
    "portal_questionnaires:crisis",
]


def _words(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("name", PAGES)
def test_the_portals_own_words_speak_to_the_client(personas, login_as, name):
    portal = dana_portal(personas)
    theirs = [
        "Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
        "Do 5 pleasurable activities a week by week 8",
        "I want to enjoy my days again",
        "Loves cooking for friends",
    ]
    assert portal.plan.status == "signed"
    dana_log_entry(personas)
    dana_change_request(personas)
    page = _words(login_as(personas.dana).get(reverse(name)).content.decode())
    for quoted in theirs:
        page = page.replace(quoted, " ")
    found = THIRD_PERSON.findall(page)
    assert not found, f"{name} speaks of the client in the third person: {found}"
    assert re.search(r"\b(you|your)\b", page, re.I), f"{name} never says 'you'"


def test_the_therapists_wording_is_labelled_as_theirs(personas, login_as):
    dana_portal(personas)
    page = _words(login_as(personas.dana).get(reverse("portal:goals")).content.decode())
    assert "“I want to enjoy my days again”" in page
    assert "As your therapist wrote it: Reduce PHQ-9 from 17 to 9 or below within 16 weeks" in page


def test_the_check_finds_the_third_person():
    assert THIRD_PERSON.findall("She will see her sister; the client decides") == [
        "She",
        "her",
        "the client",
    ]
