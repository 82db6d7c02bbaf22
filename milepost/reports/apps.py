from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "milepost.reports"
    label = "reports"
    verbose_name = "Reports across apps (caseload, compliance, audit trail)"

    def ready(self) -> None:
        # Plans asks for a version's compliance findings through its port (the editor shows
        # them, signing refuses errors); the builder reads notes and measures, so it is here.
        from milepost.plans import compliance as port
        from milepost.reports import compliance

        port.register(compliance)
