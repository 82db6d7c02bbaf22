"""`milepost audit verify` walks the audit chains and reports the first broken link;
`milepost audit checkpoint` (cron) appends a signed record of every chain's head to a file
kept outside the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("audit", help="audit trail tools")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", help="check every audit chain, and the checkpoints when there are any"
    )
    verify.add_argument(
        "--checkpoints",
        metavar="FILE",
        help="the checkpoint file (default: AUDIT_CHECKPOINT_FILE, when set)",
    )
    verify.set_defaults(handler=run_verify)
    checkpoint = actions.add_parser(
        "checkpoint", help="append a signed record of every chain's head (for cron)"
    )
    checkpoint.add_argument(
        "--file", metavar="FILE", help="where to append (default: AUDIT_CHECKPOINT_FILE)"
    )
    checkpoint.set_defaults(handler=run_checkpoint)


def _checkpoint_file(given: str | None) -> Path | None:
    from django.conf import settings

    name = given or settings.AUDIT_CHECKPOINT_FILE
    return Path(name) if name else None


def run_verify(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from milepost.audit.services import audit_verify

    path = _checkpoint_file(args.checkpoints)
    if path is not None and not path.is_file():
        if args.checkpoints:
            print(f"No checkpoint file at {path}.", file=sys.stderr)
            return 2
        # The cron job has not written its first checkpoint yet.
        path = None
    result = audit_verify(path)
    if result.ok:
        # Outside tools read the first sentence: it stays as it is.
        line = f"Audit chain intact: {result.checked} events verified."
        if path is not None:
            line += f" {result.checkpoints} checkpoints agree."
        print(line)
        return 0
    broken = result.broken
    assert broken is not None
    if broken.event_id is not None:
        where = f"event {broken.event_id}"
    elif broken.seq is not None:
        where = f"position {broken.seq} of chain {broken.chain}"
    elif broken.chain:
        where = f"the head of chain {broken.chain}"
    else:
        where = "the checkpoint file"
    if broken.event_id is not None and broken.chain:
        where += f" (chain {broken.chain}, position {broken.seq})"
    print(
        f"Audit chain BROKEN at {where}: {broken.reason} "
        f"({result.checked} events verified before it).",
        file=sys.stderr,
    )
    return 1


def run_checkpoint(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from milepost.audit.services import CheckpointError, audit_checkpoint

    path = _checkpoint_file(args.file)
    if path is None:
        print("Give --file or set AUDIT_CHECKPOINT_FILE.", file=sys.stderr)
        return 2
    try:
        records = audit_checkpoint(path)
    except CheckpointError as error:
        print(f"No checkpoint written: {error}.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Cannot append to {path}: {error.strerror}.", file=sys.stderr)
        return 2
    events = sum(record.count for record in records)
    print(f"Checkpoint: {len(records)} chains, {events} events.")
    return 0
