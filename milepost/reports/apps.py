from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "milepost.reports"
    label = "reports"
    verbose_name = "Reports across apps (caseload, compliance, audit trail)"
