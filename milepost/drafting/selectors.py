"""Unaudited building blocks: a practice's model endpoint is practice settings, not client data."""

from __future__ import annotations

from milepost.accounts.models import Organization
from milepost.drafting.models import ModelEndpoint


def model_endpoint_of(organization: Organization) -> ModelEndpoint | None:
    """The practice's endpoint when it is switched on, else None."""
    return ModelEndpoint.objects.filter(organization=organization, enabled=True).first()


def model_endpoint_settings(organization: Organization) -> ModelEndpoint:
    """The practice's endpoint settings (unsaved defaults when never set)."""
    return ModelEndpoint.objects.filter(organization=organization).first() or ModelEndpoint(
        organization=organization
    )
