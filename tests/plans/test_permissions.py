"""Who may sign, co-sign and endorse a version: one rule (plans/permissions.py) that the
editor shows actions by and the version services refuse by."""

from __future__ import annotations

import pytest

from milepost.plans import versions
from milepost.plans.permissions import VersionActions, version_actions
from tests.base import PASSWORD
from tests.plans.test_versions import complete, signed

pytestmark = pytest.mark.django_db


NOTHING = VersionActions(sign=False, cosign=False, endorse=False)
SIGN = VersionActions(sign=True, cosign=False, endorse=False)
ENDORSE = VersionActions(sign=False, cosign=False, endorse=True)
COSIGN_AND_ENDORSE = VersionActions(sign=False, cosign=True, endorse=True)


@pytest.mark.parametrize(
    ("who", "draft", "signed_version"),
    [
        # The signer's supervisor co-signs; any clinician of the care team records the
        # client's endorsement in session; the client endorses in the portal.
        ("alice", SIGN, ENDORSE),
        ("bob", SIGN, ENDORSE),
        ("sam", SIGN, COSIGN_AND_ENDORSE),
        ("sue", SIGN, ENDORSE),  # a supervisor, but not of alice, who signed
        ("dana", NOTHING, ENDORSE),
        ("erin", NOTHING, NOTHING),
    ],
)
def test_what_each_person_may_do_with_a_draft_and_with_the_signed_version(
    personas, sue, who, draft, signed_version
):
    user = sue if who == "sue" else getattr(personas, who)
    dp = complete(personas)
    assert version_actions(user, dp.plan) == draft
    dp = signed(personas)
    assert version_actions(user, dp.plan) == signed_version


def test_each_signature_is_given_once(personas):
    dp = signed(personas)
    versions.plan_cosign(actor=personas.sam, plan=dp.plan, password=PASSWORD)
    versions.plan_endorse_in_session(
        actor=personas.alice, plan=dp.plan, typed_name="Dana Quillfeather", read_together=True
    )
    for user in (personas.alice, personas.sam, personas.dana):
        assert version_actions(user, dp.plan) == NOTHING
