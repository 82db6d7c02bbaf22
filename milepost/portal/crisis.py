"""The crisis resources a client sees after an answer that raises an urgent flag.

Each practice may set its own (Django admin → Client portal → Crisis resources); a
practice that has not uses `settings.PORTAL_CRISIS_RESOURCES`, whose default is the
United States' (988 Suicide & Crisis Lifeline, 911). Not clinical data: no audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from milepost.accounts.models import Organization
from milepost.portal.models import CRISIS_DEFAULTS_US, CrisisResources


@dataclass(frozen=True)
class CrisisText:
    heading: str
    call_label: str
    call_number: str
    text_number: str
    emergency_text: str
    emergency_number: str
    more_text: str

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.more_text.splitlines() if line.strip()]


def default_crisis_text() -> CrisisText:
    configured = getattr(settings, "PORTAL_CRISIS_RESOURCES", None) or {}
    values = {**CRISIS_DEFAULTS_US, **{k: str(v) for k, v in dict(configured).items()}}
    return CrisisText(**{name: values[name] for name in CRISIS_DEFAULTS_US})


def crisis_text_for(organization: Organization) -> CrisisText:
    """The practice's own crisis resources, or the configured default."""
    row = CrisisResources.objects.filter(organization=organization).first()
    if row is None:
        return default_crisis_text()
    return CrisisText(
        heading=row.heading,
        call_label=row.call_label,
        call_number=row.call_number,
        text_number=row.text_number,
        emergency_text=row.emergency_text,
        emergency_number=row.emergency_number,
        more_text=row.more_text,
    )
