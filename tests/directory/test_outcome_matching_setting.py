"""The practice decides whether its intake uses measured outcomes (decision 1220): off by
default, changed only by a practice admin, and every change audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from milepost.audit.models import AuditEvent
from milepost.directory import access, services
from milepost.directory.models import DirectoryPractice

pytestmark = pytest.mark.django_db

SETTING = reverse("directory:outcome_matching")


def _events():
    return list(
        AuditEvent.objects.filter(action="directory.outcome_matching")
        .order_by("id")
        .values_list("detail", flat=True)
    )


def test_it_is_off_by_default(personas):
    assert not access.outcome_matching_used(personas.org)
    services.practice_listing_set(actor=personas.erin, listed=True)
    assert not DirectoryPractice.objects.get(organization=personas.org).outcome_matching
    assert not access.outcome_matching_used(personas.org)


def test_the_admin_turns_it_on_and_off_and_each_change_is_audited(client, personas):
    client.force_login(personas.erin)
    page = client.get(reverse("directory:practice")).content.decode()
    assert "Rank clinicians for a new referral by their measured outcomes too" in page
    assert client.post(SETTING, {"use": "on"}).status_code == 302
    assert access.outcome_matching_used(personas.org)
    client.post(SETTING, {"use": "on"})  # no change: nothing to audit
    client.post(SETTING, {})
    assert not access.outcome_matching_used(personas.org)
    assert _events() == [{"use": True}, {"use": False}]
    actors = AuditEvent.objects.filter(action="directory.outcome_matching").values_list(
        "actor", flat=True
    )
    assert set(actors) == {personas.erin.pk}


@pytest.mark.parametrize("name", ["alice", "sam"])
def test_clinicians_and_supervisors_cannot_change_it(client, personas, name):
    user = getattr(personas, name)
    with pytest.raises(PermissionDenied):
        services.practice_outcome_matching_set(actor=user, use=True)
    client.force_login(user)
    assert client.post(SETTING, {"use": "on"}).status_code == 403
    assert not access.outcome_matching_used(personas.org)
    assert _events() == []


def test_one_practices_choice_is_not_anothers(personas):
    services.practice_outcome_matching_set(actor=personas.erin, use=True)
    assert access.outcome_matching_used(personas.org)
    assert not access.outcome_matching_used(personas.other_org)
