"""``manage.py generate_practice``: a synthetic practice for scale tests (outcomes/synthetic.py).

Never part of ``make run``; ``make bench-scale`` runs it on a throwaway PostgreSQL database.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from milepost.outcomes.services import outcomes_refresh
from milepost.outcomes.synthetic import Size, generate


class Command(BaseCommand):
    help = "Make a synthetic practice (default 100,000 clients, 1,000,000 scores, 300,000 goals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=Size.clients)
        parser.add_argument("--administrations", type=int, default=Size.administrations)
        parser.add_argument("--goals", type=int, default=Size.goals)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument(
            "--no-refresh", action="store_true", help="Do not build the outcome facts after."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = Size(
            clients=options["clients"],
            administrations=options["administrations"],
            goals=options["goals"],
        )
        for name in ("clients", "administrations", "goals"):
            if getattr(size, name) < 1:
                raise CommandError(f"--{name} must be at least 1")
        started = time.perf_counter()

        def say(words: str) -> None:
            self.stdout.write(f"{time.perf_counter() - started:7.1f} s  {words}")

        made = generate(size, seed=options["seed"], progress=say)
        if not options["no_refresh"]:
            refresh = outcomes_refresh(organization=made.organization)
            say(
                f"outcome facts: {refresh.cases} cases, {refresh.targets} targets due, "
                f"{refresh.reviews} reviews due, {refresh.clients} clients"
            )
        self.stdout.write(f"organization {made.organization.public_id}")
