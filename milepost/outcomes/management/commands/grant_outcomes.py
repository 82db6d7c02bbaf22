"""``manage.py grant_outcomes EMAIL``: let a supervisor or practice admin see Outcomes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from milepost.accounts.models import User
from milepost.outcomes.services import outcomes_permission_grant


class Command(BaseCommand):
    help = "Grant the outcomes dashboard to a supervisor or practice admin (by email)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError("email: no account has this address")
        try:
            outcomes_permission_grant(actor=None, user=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write("granted")
