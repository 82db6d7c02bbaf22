from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from milepost.audit.context import origin
from milepost.demo import data


class Command(BaseCommand):
    help = "Load the demo practice (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with origin("127.0.0.1", "milepost demo"):
            organization = data.load()
        self.stdout.write(f"Demo practice ready: {organization.name}")
        self.stdout.write("Demo logins (all share one password):")
        for role, email, password in data.demo_logins():
            self.stdout.write(f"  {role:<16} {email:<28} {password}")
