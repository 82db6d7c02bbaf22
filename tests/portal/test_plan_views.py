"""The portal's plan pages, end to end through the test client: a client sees only their
own records, in plain words; bad input names the field; the clinician sees what was sent
to them, and only the journal entries the client shared."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from milepost.measures.charts import PHONE_CHART_SIZE
from milepost.plans import versions
from milepost.plans.models import Signature, SignatureMethod, SignatureRole
from milepost.portal import services
from milepost.portal.models import GoalProposal, JournalEntry, LogEntry, ProposalStatus
from tests.base import PASSWORD, dana_plan
from tests.portal_fixtures import (
    dana_change_request,
    dana_journal_entry,
    dana_log_entry,
    dana_portal,
    dana_proposal,
    make_signed_plan,
    other_portal_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.plan_urls")]

PORTAL_PAGES = (
    "portal:home",
    "portal:goals",
    "portal:propose",
    "portal:plan",
    "portal:endorse",
    "portal:log",
    "portal:journal",
)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_every_page_opens_for_the_client_before_any_plan(personas, login_as, name):
    response = login_as(personas.dana).get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_every_page_opens_with_a_signed_plan(personas, login_as, name):
    dana_portal(personas)
    response = login_as(personas.dana).get(reverse(name))
    assert response.status_code == 200


def test_my_goals_shows_the_clients_words_above_the_clinical_wording(personas, login_as):
    portal = dana_portal(personas)
    page = _text(login_as(personas.dana).get(reverse("portal:goals")))
    words = page.index("I want to enjoy my days again")
    clinical = page.index("Reduce PHQ-9 from 17 to 9 or below within 16 weeks")
    assert words < clinical
    assert "Do 5 pleasurable activities a week by week 8" in page
    # dana's PHQ-9 of 17 is the baseline; the chart is served on its own route.
    assert reverse("portal:goal_chart", args=[portal.goal_target.public_id]) in page
    assert "Your aim: 9 or below by" in page


def test_my_goals_says_progress_in_plain_words(personas, login_as):
    from milepost.measures import services as measures

    dana_portal(personas)
    measures.administration_submit(
        actor=personas.alice,
        client=personas.dana_client,
        instrument_code="phq9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
    )
    page = _text(login_as(personas.dana).get(reverse("portal:goals")))
    assert "Your PHQ-9 went from 17 to 8 — a reliable improvement." in page
    assert "You have reached your aim of 9 or below" in page
    for jargon in ("achievementStatus", "threshold", "caseness", "in-progress"):
        assert jargon not in page


def test_the_chart_is_an_svg_of_the_clients_own_target(personas, login_as):
    portal = dana_portal(personas)
    response = login_as(personas.dana).get(
        reverse("portal:goal_chart", args=[portal.step_target.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    phq9 = login_as(personas.dana).get(
        reverse("portal:goal_chart", args=[portal.goal_target.public_id])
    )
    assert phq9.status_code == 200
    # Values against the aim only: no severity bands, no clinical cut-off.
    for clinical in (b"cut-off", b"Moderately severe", b"Minimal"):
        assert clinical not in phq9.content
    # Drawn at a phone's size, so its labels stay readable at 390 px (issue 16), and the
    # page gives the image that size.
    width, height = PHONE_CHART_SIZE
    assert f'width="{width * 72 / 96:g}pt"'.encode() in phq9.content
    page = login_as(personas.dana).get(reverse("portal:goals")).content.decode()
    assert f'width="{width}" height="{height}"' in page


def test_a_target_outside_the_portal_plan_is_not_found(personas, login_as):
    portal = dana_portal(personas)
    olive, _ = other_portal_client(personas)
    http = login_as(olive)
    assert (
        http.get(reverse("portal:goal_chart", args=[portal.goal_target.public_id])).status_code
        == 404
    )
    assert http.get(reverse("portal:goal_chart", args=["not-an-id"])).status_code == 404


def test_nothing_private_reaches_the_portal(personas, login_as):
    """Diagnoses, the formulation and session notes are never shown; a goal the clinician
    hides is not either, but the plan says that something is kept in the record."""
    from milepost.plans import services as plans

    draft = dana_plan(personas)  # with a diagnosis and a formulation factor
    hidden = plans.goal_add(
        actor=personas.alice,
        plan=draft.plan,
        statement="Address the grief of the divorce",
        client_words="Something only for the record",
    )
    services.goal_visibility_set(actor=personas.alice, goal=hidden, hidden=True)
    make_signed_plan(personas)  # adds its goal to the same draft and signs it
    http = login_as(personas.dana)
    for name in ("portal:goals", "portal:plan", "portal:endorse", "portal:home"):
        page = _text(http.get(reverse(name)))
        for secret in (
            "F32.1",
            "Major depressive disorder",
            "Stays in bed when low",
            "Address the grief",
            "Something only for the record",
        ):
            assert secret not in page, (name, secret)
        assert "I want to feel like myself again" in page or name == "portal:home"
    assert "1 part your therapist keeps in your clinical record" in _text(
        http.get(reverse("portal:plan"))
    )


def test_a_draft_plan_is_not_shown(personas, login_as):
    dana_plan(personas)
    page = _text(login_as(personas.dana).get(reverse("portal:goals")))
    assert "I want to feel like myself again" not in page
    assert "has not shared a plan" in page


# --------------------------------------------------------------------------- endorsement


def test_the_client_endorses_the_exact_version_in_the_portal(personas, login_as):
    portal = dana_portal(personas)
    http = login_as(personas.dana)
    response = http.post(
        reverse("portal:endorse"),
        {"typed_name": "dana quillfeather", "has_read": "on", "password": PASSWORD},
    )
    assert response.status_code == 302
    signature = Signature.objects.get(plan=portal.plan, role=SignatureRole.CLIENT)
    assert signature.method == SignatureMethod.PORTAL
    assert signature.content_hash == portal.plan.content_hash
    assert signature.signer == personas.dana
    page = _text(http.get(reverse("portal:plan")))
    assert f"You endorsed version {portal.plan.version} on" in page
    assert "here in the portal, signed as dana quillfeather" in page


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"typed_name": "Dana Quillfeather", "password": PASSWORD}, "has_read", "Tick the box"),
        (
            {"typed_name": "Dana Quillfeather", "has_read": "on", "password": "wrong"},
            "password",
            "not your password",
        ),
        (
            {"typed_name": "Someone Else", "has_read": "on", "password": PASSWORD},
            "typed_name",
            "full name",
        ),
        ({"has_read": "on", "password": PASSWORD}, "typed_name", "required"),
    ],
)
def test_bad_endorsement_input_names_the_field(personas, login_as, data, field, words):
    portal = dana_portal(personas)
    response = login_as(personas.dana).post(reverse("portal:endorse"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert words in " ".join(form.errors[field])
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Signature.objects.filter(plan=portal.plan, role=SignatureRole.CLIENT).exists()


def test_an_endorsement_made_in_session_shows_how(personas, login_as):
    portal = dana_portal(personas)
    versions.plan_endorse_in_session(
        actor=personas.alice, plan=portal.plan, typed_name="Dana Quillfeather", read_together=True
    )
    page = _text(login_as(personas.dana).get(reverse("portal:endorse")))
    assert "Already endorsed" in page
    assert "in a session with your therapist" in page
    assert "Endorse my plan</button>" not in page


def test_asking_for_a_change_reaches_the_clinician(personas, login_as):
    portal = dana_portal(personas)
    response = login_as(personas.dana).post(
        reverse("portal:change_request"), {"comment": "Could we add a goal about sleep?"}
    )
    assert response.status_code == 302
    inbox = _text(
        login_as(personas.alice).get(
            reverse("portal_clinician:inbox", args=[personas.dana_client.public_id])
        )
    )
    assert "Could we add a goal about sleep?" in inbox
    assert f"On version {portal.plan.version}" in inbox


def test_an_empty_change_request_names_the_field(personas, login_as):
    dana_portal(personas)
    response = login_as(personas.dana).post(reverse("portal:change_request"), {"comment": " "})
    assert response.status_code == 200
    assert "comment" in response.context["change_form"].errors


# --------------------------------------------------------------------------- drafting


JARGON = (
    "smart",
    "measurable",
    "criterion",
    "criteria",
    "specific",
    "achievable",
    "time-bound",
    "baseline",
    "vague",
    "comparator",
    "instrument",
    "finding",
)


def test_drafting_a_goal_shows_gentle_feedback_without_jargon(personas, login_as):
    http = login_as(personas.dana)
    response = http.post(
        reverse("portal:propose"),
        {"text": "I want to stop staying in bed all day", "action": "preview"},
    )
    assert response.status_code == 200
    assert not GoalProposal.objects.exists()  # a preview sends nothing
    feedback = response.context["feedback"]
    assert feedback.suggestions
    said = " ".join([feedback.opening, *feedback.suggestions, feedback.closing]).lower()
    for word in JARGON:
        assert word not in said, word
    assert "What would you like to do instead?" in _text(response)

    response = http.post(
        reverse("portal:propose"),
        {"text": "I want to stop staying in bed all day", "action": "send"},
    )
    proposal = GoalProposal.objects.get()
    assert response["Location"] == reverse("portal:proposal", args=[proposal.public_id])
    assert proposal.public_id in response["Location"]
    assert "bed" not in response["Location"]
    detail = _text(http.get(response["Location"]))
    assert "Some ideas" in detail


def test_a_proposal_without_text_names_the_field(personas, login_as):
    response = login_as(personas.dana).post(reverse("portal:propose"), {"text": ""})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not GoalProposal.objects.exists()


def test_the_clinician_turns_a_proposal_into_a_goal_in_the_clients_words(personas, login_as):
    draft = dana_plan(personas).plan
    proposal = dana_proposal(personas)
    http = login_as(personas.alice)
    inbox = _text(
        http.get(reverse("portal_clinician:inbox", args=[personas.dana_client.public_id]))
    )
    assert "I would cook dinner for my friends again" in inbox
    response = http.post(
        reverse(
            "portal_clinician:proposal_adopt",
            args=[personas.dana_client.public_id, proposal.public_id],
        ),
        {"statement": "Host friends for dinner twice a month within 12 weeks"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
    goal = proposal.goal
    assert goal is not None
    assert goal.plan == draft
    assert goal.client_words == "I would cook dinner for my friends again"
    assert goal.statement == "Host friends for dinner twice a month within 12 weeks"


def test_adopting_without_a_draft_says_why(personas, login_as):
    dana_portal(personas)  # signed: no draft left
    proposal = dana_proposal(personas)
    response = login_as(personas.alice).post(
        reverse(
            "portal_clinician:proposal_adopt",
            args=[personas.dana_client.public_id, proposal.public_id],
        ),
        {"statement": "Host friends for dinner twice a month"},
    )
    assert response.status_code == 400
    assert "no draft version" in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW


def test_the_clinician_declines_with_a_note_the_client_reads(personas, login_as):
    proposal = dana_proposal(personas)
    url = reverse(
        "portal_clinician:proposal_decline",
        args=[personas.dana_client.public_id, proposal.public_id],
    )
    empty = login_as(personas.alice).post(url, {"note": ""})
    assert empty.status_code == 400
    assert "This field is required" in _text(empty)
    login_as(personas.alice).post(url, {"note": "Let us fold this into your first goal."})
    page = _text(login_as(personas.dana).get(reverse("portal:proposal", args=[proposal.public_id])))
    assert "Let us fold this into your first goal." in page


# --------------------------------------------------------------------------- logs


def test_one_tap_logs_one_now(personas, login_as):
    portal = dana_portal(personas)
    response = login_as(personas.dana).post(
        reverse("portal:log"), {"metric": portal.metric.public_id}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert entry.value == 1
    assert entry.intensity is None


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("value", "lots", "Enter a number"),
        ("value", "-2", "digits only"),
        ("value", "2.5e2", "digits only"),
        ("value", "0.001", "Enter a whole number"),
        ("value", "250", "from 0 to 100"),
        ("occurred_at", "2999-01-01T10:00", "has not come yet"),
        ("occurred_at", "yesterday", "Enter a valid date/time"),
        ("note", "x" * 501, "at most 500"),
    ],
)
def test_bad_log_input_names_the_field(personas, login_as, field, value, words):
    portal = dana_portal(personas)
    response = login_as(personas.dana).post(
        reverse("portal:log"), {"metric": portal.metric.public_id, field: value}
    )
    assert response.status_code == 200
    text = _text(response)
    assert words in text
    assert f'href="#id_{portal.metric.public_id}_{field}"' in text
    assert not LogEntry.objects.exists()


def test_a_metric_not_in_the_clients_plan_cannot_be_logged(personas, login_as):
    from milepost.plans import services as plans

    dana_portal(personas)
    other = plans.metric_create(
        actor=personas.alice, name="Cigarettes", unit="cigarettes", period="day"
    )
    response = login_as(personas.dana).post(reverse("portal:log"), {"metric": other.public_id})
    assert response.status_code == 200
    assert "Choose one of the things your plan asks you to log" in _text(response)
    assert not LogEntry.objects.exists()


def test_taking_back_an_entry(personas, login_as):
    entry = dana_log_entry(personas)
    http = login_as(personas.dana)
    response = http.post(reverse("portal:log_remove", args=[entry.public_id]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.counts
    assert "(taken back)" in _text(http.get(reverse("portal:log")))


# --------------------------------------------------------------------------- journal


def test_the_journal_is_private_until_shared_one_entry_at_a_time(personas, login_as):
    http = login_as(personas.dana)
    http.post(reverse("portal:journal"), {"text": "First: a hard morning."})
    http.post(reverse("portal:journal"), {"text": "Second: walked by the river."})
    _, second = JournalEntry.objects.order_by("id")
    inbox_url = reverse("portal_clinician:inbox", args=[personas.dana_client.public_id])
    alice = login_as(personas.alice)
    assert "a hard morning" not in _text(alice.get(inbox_url))

    http.post(reverse("portal:journal_share", args=[second.public_id]), {"action": "share"})
    inbox = _text(alice.get(inbox_url))
    assert "walked by the river" in inbox
    assert "a hard morning" not in inbox

    http.post(reverse("portal:journal_share", args=[second.public_id]), {"action": "unshare"})
    assert "walked by the river" not in _text(alice.get(inbox_url))


def test_an_empty_journal_entry_names_the_field(personas, login_as):
    response = login_as(personas.dana).post(reverse("portal:journal"), {"text": "  "})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors


def test_sharing_needs_a_choice(personas, login_as):
    entry = dana_journal_entry(personas)
    http = login_as(personas.dana)
    response = http.post(
        reverse("portal:journal_share", args=[entry.public_id]), {"action": "x"}, follow=True
    )
    assert "Choose whether to share the entry" in _text(response)
    entry.refresh_from_db()
    assert not entry.is_shared


# --------------------------------------------------------------------------- isolation


def test_another_clients_records_are_not_found(personas, login_as):
    proposal = dana_proposal(personas)
    entry = dana_log_entry(personas)
    journal = dana_journal_entry(personas)
    olive, _ = other_portal_client(personas)
    http = login_as(olive)
    assert http.get(reverse("portal:proposal", args=[proposal.public_id])).status_code == 404
    assert http.post(reverse("portal:log_remove", args=[entry.public_id])).status_code == 404
    assert (
        http.post(reverse("portal:journal_share", args=[journal.public_id]), {"action": "share"})
    ).status_code == 404
    journal.refresh_from_db()
    entry.refresh_from_db()
    assert not journal.is_shared
    assert entry.counts
    # And none of dana's words reach olive's own pages.
    for name in PORTAL_PAGES:
        page = _text(http.get(reverse(name)))
        for words in ("cook dinner", "made soup", "A walk", "I want to enjoy my days again"):
            assert words not in page, (name, words)


@pytest.mark.parametrize("persona", ["frank", "charlie"])
def test_clinicians_off_the_team_see_no_shared_journal(personas, login_as, persona):
    journal = dana_journal_entry(personas)
    services.journal_entry_share(actor=personas.dana, entry=journal, shared=True)
    proposal = dana_proposal(personas)
    http = login_as(getattr(personas, persona))
    client_id = personas.dana_client.public_id
    assert http.get(reverse("portal_clinician:inbox", args=[client_id])).status_code == 404
    response = http.post(
        reverse("portal_clinician:proposal_decline", args=[client_id, proposal.public_id]),
        {"note": "no"},
    )
    assert response.status_code == 404
    change = dana_change_request(personas)
    response = http.post(
        reverse("portal_clinician:change_answer", args=[client_id, change.public_id]),
        {"answer": "no"},
    )
    assert response.status_code == 404


def test_the_client_page_counts_what_the_portal_sent(personas, login_as):
    services.journal_entry_share(
        actor=personas.dana, entry=dana_journal_entry(personas), shared=True
    )
    dana_proposal(personas)
    page = _text(
        login_as(personas.alice).get(
            reverse("clients:detail", args=[personas.dana_client.public_id])
        )
    )
    assert "1 new goal proposal" in page
    assert "1 shared journal entry" in page
    assert "made soup" not in page  # counts only: the entries are on their own page


def test_the_plan_editor_hides_and_shows_a_goal(personas, login_as):
    draft = dana_plan(personas)
    http = login_as(personas.alice)
    editor = reverse("plans:editor", args=[personas.dana_client.public_id, draft.plan.public_id])
    assert "Shown in the client's portal." in _text(http.get(editor))
    url = reverse(
        "portal_clinician:goal_visibility",
        args=[personas.dana_client.public_id, draft.goal.public_id],
    )
    assert http.post(url, {"hidden": "1"}).status_code == 302
    assert "Hidden from the client's portal." in _text(http.get(editor))
    bad = http.post(url, {"hidden": "maybe"}, follow=True)
    assert "Hidden from the client: choose" in _text(bad)


def test_urls_carry_ids_never_names(personas, login_as):
    proposal = dana_proposal(personas)
    for url in (
        reverse("portal:proposal", args=[proposal.public_id]),
        reverse("portal_clinician:inbox", args=[personas.dana_client.public_id]),
    ):
        assert "dana" not in url.lower()
        assert "quillfeather" not in url.lower()
