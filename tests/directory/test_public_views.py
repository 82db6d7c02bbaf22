"""The public pages: no sign-in, no tracking, the person's words never in a link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.directory import selectors
from milepost.directory.models import Profile, Referral
from tests.directory.helpers import listed

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


def test_the_search_page_works_without_signing_in(client, personas):
    listed(personas)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"What brings you here?" in response.content


def test_no_third_party_resource_on_public_pages(client, personas):
    made = listed(personas)
    for url in (
        SEARCH + "?state=NY",
        reverse("directory:listing", args=[made.alice.public_id]),
        reverse("directory:contact", args=[made.alice.public_id]),
    ):
        response = client.get(url)
        assert response["Referrer-Policy"] == "no-referrer", url
        html = response.content.decode()
        # Every script, stylesheet and image comes from this site.
        for src in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), (url, src)


def test_filters_in_a_link_search_and_the_link_back_carries_filters_only(client, personas):
    listed(personas)
    response = client.post(
        SEARCH, {"state": "NY", "insurance": "Aetna", "text": "panic attacks on the subway"}
    )
    html = response.content.decode()
    assert "CBT for panic and agoraphobia · " in html
    assert " · in network with Aetna · licensed in NY · " in html
    link = re.search(r'href="(/find/\?[^"]+)"', html)
    assert link
    assert "subway" not in link.group(1)
    assert "text" not in link.group(1)
    again = client.get(link.group(1).replace("&amp;", "&"))
    assert b"Alice Example" in again.content


def test_results_come_in_pages_posted_with_the_words_never_in_a_link(client, personas, monkeypatch):
    listed(personas)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    words = "panic attacks on the subway"
    response = client.post(SEARCH, {"state": "NY", "insurance": "", "text": words})
    assert "no-store" in response["Cache-Control"]
    first = response.content.decode()
    assert "2 therapists found" in first
    assert "Showing 1–1 (page 1 of 2)." in first
    assert "Alice Example" in first
    assert "Bob Example" not in first
    # The next page is a posted button beside hidden fields holding this search.
    assert '<form method="post" action="/find/" class="mp-actions">' in first
    assert f'<input type="hidden" name="text" value="{words}">' in first
    assert 'name="page" value="2">Next page</button>' in first
    assert "Previous page" not in first
    for target in re.findall(r'(?:href|action)="([^"]*)"', first):
        assert "subway" not in target
        assert "text=" not in target
    second = client.post(SEARCH, {"state": "NY", "text": words, "page": "2"}).content.decode()
    assert "Showing 2–2 (page 2 of 2)." in second
    assert "Bob Example" in second
    assert 'name="page" value="1">Previous page</button>' in second
    assert "Next page" not in second


@pytest.mark.parametrize(
    ("number", "message"),
    [("two", "Page: The page must be a whole number."), ("0", "Page: The page must be 1 or more.")],
)
def test_a_bad_page_gets_a_clear_message(client, personas, number, message):
    listed(personas)
    html = client.post(SEARCH, {"state": "NY", "page": number}).content.decode()
    assert message in html
    assert "found</h2>" not in html


def test_words_put_in_a_link_are_dropped_not_searched(client, personas):
    response = client.get(SEARCH + "?state=NY&text=panic+attacks")
    assert response.status_code == 302
    assert "panic" not in response["Location"]
    assert response["Location"] == SEARCH + "?state=NY"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"state": "ZZ"}, "state", "Choose a US state from the list"),
        ({"state": ""}, "state", "This field is required"),
        ({"state": "NY", "zip": "00000"}, "zip", "There is no US ZIP code 00000."),
        ({"state": "NY", "zip": "1234"}, "zip", "Enter a 5-digit US ZIP code"),
        ({"state": "NY", "format": "in-person"}, "zip", "Enter your ZIP code"),
        ({"state": "NY", "text": "x" * 10_000}, "text", "at most 2000 characters"),
        ({"state": "NY", "miles": "100000"}, "miles", "less than or equal to 250"),
        ({"state": "NY", "insurance": "Made Up"}, "insurance", "Choose from the list"),
    ],
)
def test_bad_search_input_gets_a_clear_message(client, personas, data, field, message):
    listed(personas)
    response = client.post(SEARCH, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}"' in html
    assert "found</h2>" not in html


def test_a_hidden_listing_answers_404(client, personas):
    made = listed(personas)
    made.bob.listed = False
    made.bob.save(update_fields=["listed"])
    assert client.get(reverse("directory:listing", args=[made.bob.public_id])).status_code == 404
    assert client.get(reverse("directory:listing", args=["not-an-id"])).status_code == 404


def test_the_listing_shows_states_room_and_last_confirmed(client, personas):
    made = listed(personas)
    html = client.get(reverse("directory:listing", args=[made.alice.public_id])).content.decode()
    assert "NJ, NY" in html
    assert "Has room now" in html
    assert "last confirmed" in html
    assert "Aetna" in html


CONTACT = {
    "name": "Robin Fairweather",
    "contact": "robin@example.net",
    "message": "I want to ride the train again.",
    "consent": "on",
}


def _contact(client, personas, **changes):
    made = listed(personas)
    return client.post(
        reverse("directory:contact", args=[made.alice.public_id]), {**CONTACT, **changes}
    )


def test_contact_arrives_as_a_referral(client, personas):
    response = _contact(client, personas)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.profile.clinician == personas.alice
    assert referral.message == CONTACT["message"]
    assert len(referral.sender_key) == 64
    assert "127.0.0.1" not in referral.sender_key


def test_the_honeypot_keeps_nothing(client, personas):
    response = _contact(client, personas, website="http://spam.example")
    assert response.status_code == 302
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Tick the box so the therapist may contact you."),
        ({"name": ""}, "This field is required."),
        ({"message": "x" * 10_000}, "at most 2000 characters"),
        ({"contact": "   "}, "This field is required."),
    ],
)
def test_bad_contact_input_saves_nothing(client, personas, changes, message):
    response = _contact(client, personas, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_a_repeated_submission_is_refused_with_a_message(client, personas):
    _contact(client, personas)
    response = _contact(client, personas)
    assert "already has your request from today" in response.content.decode()
    assert Referral.objects.count() == 1


def test_one_address_may_send_only_a_few_an_hour(client, personas):
    for n in range(5):
        assert _contact(client, personas, contact=f"p{n}@example.net").status_code == 302
    response = _contact(client, personas, contact="p9@example.net")
    assert "wait an hour" in response.content.decode()
    assert Referral.objects.count() == 5


@pytest.mark.parametrize(("days", "status"), [(89, 200), (90, 200), (92, 404)])
def test_a_listing_page_follows_the_90_day_rule(client, personas, days, status):
    made = listed(personas)
    Profile.objects.filter(pk=made.alice.pk).update(
        confirmed_at=timezone.now() - dt.timedelta(days=days)
    )
    url = reverse("directory:listing", args=[made.alice.public_id])
    assert client.get(url).status_code == status
