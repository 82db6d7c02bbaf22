"""`milepost remind`: send the reminders that are due (safe to run from cron every few minutes).

Nothing is sent twice: each reminder is recorded with a unique key in the same
transaction as its send (milepost/portal/reminders.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "remind", help="send due questionnaire and log reminders to portal clients"
    )
    parser.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        help="the day to remind for, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--no-logs", action="store_true", help="remind about questionnaires only, not logs"
    )
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from milepost.audit.context import origin
    from milepost.portal.reminders import remind

    with origin("127.0.0.1", "milepost remind"):
        result = remind(today=args.date, include_logs=not args.no_logs)
    counts = {
        "sent": result.sent,
        "reminders": result.reminders,
        "already_sent": result.already,
        "failed": result.failed,
    }
    if args.json:
        print(json.dumps(counts))
    else:
        print(
            f"Sent {result.sent} message(s) for {result.reminders} due item(s); "
            f"{result.already} already reminded; {result.failed} failed."
        )
    return 1 if result.failed else 0
