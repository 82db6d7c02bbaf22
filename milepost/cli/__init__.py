"""The `milepost` console command.

Each subcommand lives in its own module of this package (found automatically) and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` (a function
taking the parsed arguments and returning the exit code). Commands over pure
domain logic (score, change, smart) never start Django, so they answer fast;
commands that touch the database call :func:`milepost.cli.django_setup.setup`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

# Helper modules of this package that are not subcommands.
_NOT_COMMANDS = frozenset({"django_setup"})


def command_modules() -> list[str]:
    """Every subcommand module of this package, alphabetically."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name not in _NOT_COMMANDS
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milepost",
        description="Milepost: SMART treatment plans that measure themselves.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_modules():
        module = importlib.import_module(f"milepost.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
