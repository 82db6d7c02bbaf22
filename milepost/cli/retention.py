"""`milepost retention`: the discharged clients whose records the practice has kept longer
than its retention period (RETENTION_YEARS). Milepost never deletes a clinical record: this
lists them, by reference, for the practice's own review under its state's law.

    milepost retention [--json]
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "retention", help="list discharged clients kept past the retention period"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from milepost.clients.retention import past_retention

    report = past_retention()
    if args.json:
        print(json.dumps(report.as_dict()))
        return 0
    print(
        f"Retention period: {report.years} years (RETENTION_YEARS). "
        f"{len(report.clients)} discharged client(s) last active before {report.before}:"
    )
    for row in report.clients:
        print(f"  {row.organization}  client {row.client_id}  last activity {row.last_activity}")
    print("Milepost deletes nothing; decide under your state's record-retention rules.")
    return 0
