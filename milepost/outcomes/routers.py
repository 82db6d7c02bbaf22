"""Send the outcome reports' reads to a read replica when one is configured.

With `REPLICA_DATABASE_URL` set, settings.py adds a `replica` database alias and this router:
reads of the outcome fact tables and their group counts (the dashboard, its CSV and chart)
go to the replica, so the heaviest reads leave the primary alone; every write, and every
other read, stays on `default`.
A replica lags its primary by a moment, which a report rebuilt in the background can afford;
the drill-down, which checks who may see which client, reads the primary
(selectors.cases_in_group). Without a replica the router answers None and Django's default
applies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

REPLICA = "replica"
REPORT_MODELS = frozenset(
    {"case", "targetdue", "reviewdue", "clientfacts", "groupcount", "refresh"}
)


class ReportReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (
            REPLICA in settings.DATABASES
            and model._meta.app_label == "outcomes"
            and model._meta.model_name in REPORT_MODELS
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default" if REPLICA in settings.DATABASES else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects from either relate freely.
        return True if REPLICA in settings.DATABASES else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A replica copies the primary's schema; migrations run on the primary only.
        return False if db == REPLICA else None
