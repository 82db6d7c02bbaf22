"""`milepost retention`: discharged clients past the retention period are listed, never
deleted; active ones and recent ones are not."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.cli import main
from milepost.clients.models import Client
from milepost.clients.retention import past_retention

pytestmark = pytest.mark.django_db


def _age(client: Client, years: int, status: str = "discharged") -> None:
    then = timezone.now() - dt.timedelta(days=365 * years + 2)
    Client.objects.filter(pk=client.pk).update(status=status, updated_at=then)
    client.administrations.update(administered_at=then)


def test_a_discharged_client_past_the_period_is_listed_and_kept(personas, settings):
    settings.RETENTION_YEARS = 7
    _age(personas.dana_client, 8)
    report = past_retention()
    assert [c.client_id for c in report.clients] == [personas.dana_client.public_id]
    assert Client.objects.filter(pk=personas.dana_client.pk).exists()
    assert AuditEvent.objects.filter(action="retention.report").exists()


def test_recent_activity_or_an_active_client_is_not_listed(personas, settings):
    settings.RETENTION_YEARS = 7
    _age(personas.dana_client, 6)
    _age(personas.chris_client, 8, status="active")
    assert past_retention().clients == []


def test_a_recent_questionnaire_counts_as_activity(personas, settings):
    settings.RETENTION_YEARS = 7
    _age(personas.dana_client, 8)
    personas.dana_client.administrations.update(administered_at=timezone.now())
    assert past_retention().clients == []


def test_the_period_is_a_setting(personas, settings):
    _age(personas.dana_client, 3)
    settings.RETENTION_YEARS = 7
    assert past_retention().clients == []
    settings.RETENTION_YEARS = 2
    assert len(past_retention().clients) == 1


def test_the_command_prints_references_only(personas, settings, capsys):
    settings.RETENTION_YEARS = 7
    _age(personas.dana_client, 8)
    assert main(["retention", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["clients"][0]["client_id"] == personas.dana_client.public_id
    assert "Quillfeather" not in out
