"""portal.services.goal_proposal_from_referral: the person's words from a directory referral,
filed by their clinician as a goal proposal, unedited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from milepost.audit.models import AuditEvent
from milepost.portal import services
from milepost.portal.models import GoalProposal

pytestmark = pytest.mark.django_db


def test_the_care_team_files_the_words_as_they_were_written(personas):
    proposal = services.goal_proposal_from_referral(
        actor=personas.alice, client=personas.dana_client, text="  Ride the bus again.  "
    )
    assert proposal.text == "Ride the bus again."
    assert AuditEvent.objects.filter(
        action="goal_proposal.create", object_id=proposal.public_id
    ).exists()


@pytest.mark.parametrize("who", ["frank", "charlie", "dana", "erin"])
def test_only_the_care_team_may(personas, who):
    with pytest.raises(PermissionDenied):
        services.goal_proposal_from_referral(
            actor=getattr(personas, who), client=personas.dana_client, text="words"
        )
    assert not GoalProposal.objects.exists()


@pytest.mark.parametrize(("text", "field"), [("", "text"), ("x" * 2001, "text"), (None, "text")])
def test_bad_words_name_the_field(personas, text, field):
    with pytest.raises(ValidationError) as error:
        services.goal_proposal_from_referral(
            actor=personas.alice, client=personas.dana_client, text=text
        )
    assert field in error.value.message_dict
