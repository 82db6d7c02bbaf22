"""`milepost backup` and `milepost restore`: encrypted archives of the whole database.

    milepost backup --new-key FILE            # write a new key (owner-only file)
    milepost backup OUTPUT [--key-file FILE]  # seal the database into OUTPUT
    milepost restore INPUT [--key-file FILE]  # load INPUT into an empty, migrated database

The key comes from --key-file, or else from the MILEPOST_BACKUP_KEY environment variable.
Keep it away from the archives: a backup is only as private as its key.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

KEY_ENV = "MILEPOST_BACKUP_KEY"


def register(subparsers: Any) -> None:
    backup: argparse.ArgumentParser = subparsers.add_parser(
        "backup", help="write an encrypted archive of the whole database"
    )
    backup.add_argument("output", nargs="?", type=Path, help="the archive to write")
    backup.add_argument("--key-file", type=Path, help=f"the key (else ${KEY_ENV})")
    backup.add_argument("--new-key", type=Path, metavar="FILE", help="write a new key to FILE")
    backup.set_defaults(handler=run_backup)

    restore: argparse.ArgumentParser = subparsers.add_parser(
        "restore", help="restore an encrypted archive into an empty, migrated database"
    )
    restore.add_argument("input", type=Path, help="the archive to restore")
    restore.add_argument("--key-file", type=Path, help=f"the key (else ${KEY_ENV})")
    restore.set_defaults(handler=run_restore)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _key(args: argparse.Namespace) -> bytes:
    from milepost.lib.sealed import parse_key

    if args.key_file is not None:
        try:
            text = args.key_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            raise ValueError("--key-file: cannot read the key file.") from None
    else:
        text = os.environ.get(KEY_ENV, "")
        if not text:
            raise ValueError(f"--key-file: give a key file, or set {KEY_ENV}.")
    return parse_key(text)


def _new_key(path: Path) -> int:
    from milepost.lib.sealed import new_key

    if path.exists():
        return _fail(f"--new-key: {path.name} exists; a key is never overwritten.")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    print(f"Wrote a new backup key to {path.name} (readable by you only).")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    if args.new_key is not None:
        return _new_key(args.new_key)
    if args.output is None:
        return _fail("output: name the archive to write (or use --new-key FILE).")
    from milepost.lib.sealed import SealError

    try:
        key = _key(args)
    except (ValueError, SealError) as error:
        return _fail(str(error))
    from milepost.cli.django_setup import setup

    setup()
    from milepost.backup import backup_create

    summary = backup_create(args.output, key)
    print(f"Backed up {summary.objects} records from {summary.tables} tables, encrypted.")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from milepost.lib.sealed import SealError

    try:
        key = _key(args)
    except (ValueError, SealError) as error:
        return _fail(str(error))
    from milepost.cli.django_setup import setup

    setup()
    from milepost.backup import BackupError, backup_restore

    try:
        summary = backup_restore(args.input, key)
    except BackupError as error:
        return _fail(str(error))
    print(
        f"Restored {summary.objects} records from {summary.tables} tables "
        f"(backup of {summary.created_at}); audit chain verified."
    )
    return 0
