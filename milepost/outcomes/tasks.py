"""Outcome report refreshes on Django's tasks framework (decision 0840).

The task's one argument is the practice's public id: nothing about a client is stored with it.
"""

from __future__ import annotations

from django.tasks import task

from milepost.accounts.models import Organization
from milepost.audit.context import origin


@task()
def refresh_outcomes(organization_id: str) -> dict[str, int]:
    """Rebuild one practice's outcome facts; the counts are the result."""
    from milepost.outcomes.services import outcomes_refresh

    organization = Organization.objects.get(public_id=organization_id)
    with origin("127.0.0.1", "task refresh_outcomes"):
        refresh = outcomes_refresh(organization=organization)
    return {
        "cases": refresh.cases,
        "targets": refresh.targets,
        "reviews": refresh.reviews,
        "clients": refresh.clients,
    }
