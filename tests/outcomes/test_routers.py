"""Outcome reports read from the replica when one is configured; nothing else does."""

from __future__ import annotations

import pytest
from django.conf import settings

from milepost.clients.models import Client
from milepost.outcomes.models import Case, GroupCount, Refresh
from milepost.outcomes.routers import ReportReplicaRouter

router = ReportReplicaRouter()


def test_without_a_replica_the_router_stands_aside():
    assert "replica" not in settings.DATABASES
    assert router.db_for_read(Case) is None
    assert router.db_for_write(Case) is None
    assert router.allow_relation(object(), object()) is None


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))


def test_report_reads_go_to_the_replica(replica):
    assert router.db_for_read(Case) == "replica"
    assert router.db_for_read(Refresh) == "replica"
    # What the dashboard sums (decision 1006): the report's heaviest read.
    assert router.db_for_read(GroupCount) == "replica"


def test_writes_and_other_reads_stay_on_the_primary(replica):
    assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Client) is None
    assert router.allow_migrate("replica", "outcomes") is False
    assert router.allow_migrate("default", "outcomes") is None


def test_the_router_is_installed():
    assert "milepost.outcomes.routers.ReportReplicaRouter" in settings.DATABASE_ROUTERS
