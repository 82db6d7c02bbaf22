"""`milepost demo`: load the demo practice (idempotent) and print the logins."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help="load the demo practice and print the demo logins"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from django.core.management import call_command

    call_command("demo")
    return 0
