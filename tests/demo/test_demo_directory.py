"""The demo practice in the public directory: the CLI answers on the demo data."""

from __future__ import annotations

import json

import pytest

from milepost.accounts.models import Organization
from milepost.cli import main
from milepost.demo import data
from milepost.directory.models import Profile, Referral


@pytest.fixture(scope="module", autouse=True)
def _demo_loaded_once(module_world):
    """The demo practice, loaded once per module and worker inside the module's transaction
    (tests/conftest.py, module_world); each test reads it in a savepoint of its own. The
    tests that load it again check that a second load adds nothing."""
    data.load()


@pytest.mark.django_db
class DemoDirectoryTests:
    def test_the_demo_lists_its_clinicians_across_states(self, capsys):
        data.load()  # idempotent
        assert Profile.objects.filter(listed=True).count() == 3
        assert Referral.objects.count() == 1
        assert main(["directory", "search", "--state", "NY", "--json"]) == 0
        results = json.loads(capsys.readouterr().out)["results"]
        names = [r["name"] for r in results]
        # Sam's room was confirmed 40 days ago: he sinks below the confirmed listings.
        assert names[-1] == "Sam Okonkwo"
        assert set(names) == {"Alice Moreno", "Bob Lindqvist", "Sam Okonkwo"}
        states = {s for r in results for s in r["licensed_in"]}
        assert states == {"NY", "NJ", "MA", "VT"}

    def test_out_of_state_only_the_licensed_appear(self, capsys):
        main(
            ["directory", "search", "--state", "NJ", "--insurance", "Aetna", "--format",
             "telehealth", "--json"]
        )  # fmt: skip
        results = json.loads(capsys.readouterr().out)["results"]
        assert [r["name"] for r in results] == ["Alice Moreno"]
        assert "licensed in NJ" in results[0]["reasons"]
        assert "in network with Aetna" in results[0]["reasons"]

    def test_in_person_near_albany(self, capsys):
        main(
            ["directory", "search", "--state", "NY", "--zip", "12203", "--miles", "10",
             "--format", "in-person", "--text", "nightmares since the accident", "--json"]
        )  # fmt: skip
        results = json.loads(capsys.readouterr().out)["results"]
        assert [r["name"] for r in results] == ["Alice Moreno", "Sam Okonkwo"]
        assert results[1]["reasons"][0].startswith("Trauma-focused therapy for ")

    def test_intake_ranks_the_demo_referral_by_outcomes_in_worry(self, client):
        from django.urls import reverse

        from milepost.accounts.models import User
        from milepost.directory import access
        from milepost.domain.directory.track_record import Standing, method

        organization = Organization.objects.get(name=data.ORGANIZATION_NAME)
        assert access.outcome_matching_used(organization)
        jordan = Referral.objects.get()
        client.force_login(User.objects.get(email=f"sam@{data.DOMAIN}"))
        response = client.get(reverse("outcomes:intake", args=[jordan.public_id]))
        match = response.context["match"]
        assert match.area == "worry and generalised anxiety"
        assert match.figures
        tracks = {s.clinician.name: s.clinician.track for s in match.suggestions}
        # Alice has enough finished cases in worry to show; Bob has some, too few.
        alice, bob = tracks["Alice Moreno"], tracks["Bob Lindqvist"]
        assert alice.counts.cases >= method().minimum_cases
        assert alice.standing is Standing.ABOVE
        assert 0 < bob.counts.cases < method().minimum_cases
        assert bob.standing is Standing.TOO_FEW
        assert match.suggestions[0].clinician.name == "Alice Moreno"
        assert tracks["Sam Okonkwo"].counts.cases == 0
        page = response.content.decode()
        # The figures docs/directory.md quotes.
        assert (
            "recovered 13 of 16 clients with worry and generalised anxiety "
            "(81%, 95% interval 57–93%)" in page
        )
        assert "reliably improved 12 of 16 (75%, 95% interval 51–90%)" in page

    def test_the_words_are_matched_in_the_listings_own_text(self, capsys):
        """Full text on PostgreSQL (tsvector) and SQLite (FTS5) alike: CI runs this on both.
        Without words alice leads (equal scores, then the name); "where it comes from" is
        in Bob's own statement ("...where it comes from"), so he leads with it."""
        order = {}
        for words in ("", "where it comes from"):
            main(["directory", "search", "--state", "NY", "--text", words, "--json"])
            results = json.loads(capsys.readouterr().out)["results"]
            order[words] = [r["name"] for r in results]
        assert order[""] == ["Alice Moreno", "Bob Lindqvist", "Sam Okonkwo"]
        assert order["where it comes from"] == ["Bob Lindqvist", "Alice Moreno", "Sam Okonkwo"]
