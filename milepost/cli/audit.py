"""`milepost audit verify`: walk the audit hash chain and report the first broken link."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("audit", help="audit trail tools")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the hash chain of every audit event")
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from milepost.audit.services import audit_verify

    result = audit_verify()
    if result.ok:
        print(f"Audit chain intact: {result.checked} events verified.")
        return 0
    broken = result.broken
    assert broken is not None
    where = f"event {broken.event_id}" if broken.event_id is not None else "the chain head"
    print(
        f"Audit chain BROKEN at {where}: {broken.reason} "
        f"({result.checked} events verified before it).",
        file=sys.stderr,
    )
    return 1
