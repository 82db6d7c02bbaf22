"""Track records at the practice's intake (decisions 1220, 1221): the figures come from the outcome
facts in SQL and agree with case_outcome; each clinician sees their own; a colleague's
figures reach only a supervisor of a practice that turned outcome matching on; the public
directory never shows them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.clients.models import CareTeamMember, Client, ClientStatus
from milepost.directory import services
from milepost.domain import instruments
from milepost.domain.directory.track_record import method
from milepost.domain.outcomes import case_outcome
from milepost.measures.models import Administration
from milepost.outcomes.selectors import TrackCounts, own_track_counts, track_counts
from milepost.outcomes.services import outcomes_refresh
from tests.directory.helpers import listed, referral

pytestmark = pytest.mark.django_db

N = method().minimum_cases
WORDS = "I worry all the time and panic on the train."
MINE = reverse("outcomes:track_record")


def _past(
    p, clinician, pairs, *, status=ClientStatus.DISCHARGED, code="gad7", tag="Past", org=None
):
    """One client per (first, last) score pair on ``clinician``'s team."""
    org = org or p.org
    start = timezone.now() - dt.timedelta(days=120)
    items = len(instruments.get(code).items)
    made = []
    for n, (first, last) in enumerate(pairs):
        client = Client.objects.create(
            organization=org,
            given_name="Case",
            family_name=f"{tag} {clinician.pk}-{n}",
            date_of_birth=dt.date(1980, 1, 1),
            status=status,
        )
        CareTeamMember.objects.create(client=client, clinician=clinician, is_primary=True)
        for k, total in enumerate((first, last)):
            Administration.objects.create(
                organization=org,
                client=client,
                instrument_code=code,
                answers=[0] * items,
                total=total,
                answered=items,
                administered_at=start + dt.timedelta(days=28 * k),
                entered_by=clinician,
            )
        made.append((first, last))
    return made


def _frank_listing(p):
    services.profile_update(
        actor=p.frank, listed=False, display_name="Frank Example", telehealth=True
    )
    services.availability_confirm(actor=p.frank, capacity=5, next_opening=None)


@pytest.fixture
def practice(personas):
    """Alice: N finished cases of worry, 1 recovered (below the standard); bob: N, all
    recovered (above it); frank: N - 1 (too few). Besides, cases that must not count: an
    active client, a discharged one not at caseness, and a PHQ-9 case."""
    p = personas
    listed(p)
    _frank_listing(p)
    _past(p, p.alice, [(15, 3)] + [(15, 14)] * (N - 1), tag="Alice")
    _past(p, p.bob, [(12, 2)] * N, tag="Bob")
    _past(p, p.frank, [(10, 3)] * (N - 1), tag="Frank")
    _past(p, p.alice, [(16, 2)] * 3, status=ClientStatus.ACTIVE, tag="Active")
    _past(p, p.alice, [(5, 1)] * 2, tag="Mild")  # GAD-7 under 8 at the start
    _past(p, p.alice, [(20, 3)] * 2, code="phq9", tag="Mood")
    outcomes_refresh(organization=p.org)
    return p


@pytest.fixture
def sent(practice):
    """A referral to alice whose words name worry (measured by the GAD-7) and panic."""
    return referral(practice, message=WORDS)


def _matching_on(p):
    services.practice_outcome_matching_set(actor=p.erin, use=True)


def _page(client, user, url):
    client.force_login(user)
    return client.get(url)


def _intake(sent):
    return reverse("outcomes:intake", kwargs={"referral_id": sent.public_id})


# --------------------------------------------------------------------------- the figures


def test_the_counts_agree_with_case_outcome_on_each_finished_case(practice):
    p = practice
    gad7 = instruments.get("gad7")

    def expected(pairs):
        outcomes = [case_outcome(gad7, first, last) for first, last in pairs]
        started = [o for o in outcomes if o.at_caseness_start]
        return TrackCounts(
            len(started),
            sum(1 for o in started if o.recovery),
            sum(1 for o in started if o.reliable_improvement),
        )

    counts = track_counts(p.org, "gad7", [p.alice.pk, p.bob.pk, p.frank.pk, p.sam.pk])
    alice = [(15, 3)] + [(15, 14)] * (N - 1) + [(5, 1)] * 2  # the mild ones are left out
    assert counts[p.alice.pk] == expected(alice) == TrackCounts(N, 1, 1)
    assert counts[p.bob.pk] == expected([(12, 2)] * N)
    assert counts[p.frank.pk] == TrackCounts(N - 1, N - 1, N - 1)
    assert p.sam.pk not in counts
    # Only the clinicians asked for are read.
    assert set(track_counts(p.org, "gad7", [p.bob.pk])) == {p.bob.pk}
    assert own_track_counts(p.org, p.alice.pk) == {
        "gad7": TrackCounts(N, 1, 1),
        "phq9": TrackCounts(2, 2, 2),
    }


def test_another_practices_cases_never_count(practice):
    p = practice
    _past(p, p.charlie, [(15, 3)] * 2, tag="Elsewhere", org=p.other_org)
    outcomes_refresh(organization=p.other_org)
    assert track_counts(p.other_org, "gad7", [p.charlie.pk]) == {p.charlie.pk: TrackCounts(2, 2, 2)}
    assert track_counts(p.org, "gad7", [p.charlie.pk]) == {}


# --------------------------------------------------------------------------- own figures


def test_each_clinician_sees_their_own_figures_and_the_read_is_audited(client, practice):
    p = practice
    page = _page(client, p.alice, MINE).content.decode()
    assert "1 (7%, 95% interval 1–30%)" in page  # recovered 1 of N
    assert "Worry and generalised anxiety" in page
    assert "Too few cases to show (2; 15 needed)" in page  # her PHQ-9 cases
    assert "the practice does not use them at intake" in page
    assert "Figures as of " in page
    assert "Wilson score interval at 95% confidence" in page
    assert AuditEvent.objects.filter(action="outcomes.track_record", actor=p.alice).count() == 1
    frank = _page(client, p.frank, MINE).content.decode()
    assert f"Too few cases to show ({N - 1}; {N} needed)" in frank
    assert "(7%" not in frank


def test_the_practice_admin_and_clients_reach_no_figures(client, practice, sent):
    p = practice
    _matching_on(p)
    for user in (p.erin, p.dana):
        assert _page(client, user, MINE).status_code == 403
        assert _page(client, user, _intake(sent)).status_code == 403


# --------------------------------------------------------------------------- the intake


def _order(response):
    return [s.clinician.name for s in response.context["match"].suggestions]


def test_off_by_default_the_supervisor_ranks_by_the_listing_and_sees_no_figures(
    client, practice, sent
):
    p = practice
    response = _page(client, p.sam, _intake(sent))
    assert response.status_code == 200
    page = response.content.decode()
    assert "recovered" not in page
    assert "too few cases" not in page
    assert response.context["match"].area == "worry and generalised anxiety"
    # Alice's listing fits the words (worry, panic, CBT): first without the figures.
    assert _order(response)[0] == "Alice Example"
    assert "The practice does not use outcome figures at intake." in page


def test_turned_on_the_supervisor_ranks_by_recovery_and_sees_every_colleagues_figures(
    client, practice, sent
):
    p = practice
    _matching_on(p)
    response = _page(client, p.sam, _intake(sent))
    page = response.content.decode()
    assert _order(response) == ["Bob Example", "Frank Example", "Alice Example"]
    assert f"recovered {N} of {N} clients with worry and generalised anxiety (100%" in page
    assert f"recovered 1 of {N} clients with worry and generalised anxiety (7%" in page
    assert f"too few cases to show for worry and generalised anxiety ({N - 1}; {N} needed)" in page
    assert "recovery above the 50% standard" in page
    event = AuditEvent.objects.get(action="outcomes.intake_match", actor=p.sam)
    assert event.detail == {"figures": True, "clinicians": 3}
    assert AuditEvent.objects.filter(action="referral.read", actor=p.sam).exists()


def test_a_clinician_sees_only_their_own_line_of_figures_even_when_turned_on(
    client, practice, sent
):
    p = practice
    _matching_on(p)
    response = _page(client, p.alice, _intake(sent))
    page = response.content.decode()
    assert f"recovered 1 of {N} clients with worry and generalised anxiety" in page  # hers
    assert f"recovered {N} of {N}" not in page  # bob's
    assert "too few cases to show" not in page  # frank's
    assert "recovery above" not in page
    # Not ranked by figures: her listing's fit puts her first, as with the setting off.
    assert _order(response)[0] == "Alice Example"
    assert "Colleagues' outcome figures are for supervisors." in page


def test_the_intake_is_the_addressee_and_their_supervisor_only(client, practice, sent):
    p = practice
    _matching_on(p)
    assert _page(client, p.alice, _intake(sent)).status_code == 200
    assert _page(client, p.sam, _intake(sent)).status_code == 200
    for user in (p.bob, p.frank, p.charlie):
        assert _page(client, user, _intake(sent)).status_code == 404
    listing = _page(client, p.sam, reverse("outcomes:intake_list")).content.decode()
    assert sent.name in listing
    assert sent.name not in _page(client, p.bob, reverse("outcomes:intake_list")).content.decode()


def test_words_that_name_no_measured_area_compare_no_outcomes(client, practice, sent):
    p = practice
    _matching_on(p)
    sent.message = "Panic attacks on the bus."
    sent.save(update_fields=["message"])
    response = _page(client, p.sam, _intake(sent))
    assert response.context["match"].area is None
    assert "recovered" not in response.content.decode()
    assert "none of the areas their words name has a measure" in response.content.decode()


# --------------------------------------------------------------------------- public


def test_the_public_directory_never_shows_the_figures(client, practice):
    p = practice
    _matching_on(p)
    client.logout()
    pages = [
        client.post(reverse("directory:search"), {"state": "NY", "text": WORDS}),
        client.get(
            reverse("directory:search"), {"state": "NY", "focus": "worry and generalised anxiety"}
        ),
        client.get(reverse("directory:listing", kwargs={"listing_id": listed(p).alice.public_id})),
        client.get(reverse("directory:listing", kwargs={"listing_id": listed(p).bob.public_id})),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode().lower()
        for word in ("recovered", "reliably improved", "interval", "too few cases", "standard"):
            assert word not in text
    assert b"Alice Example" in pages[0].content
