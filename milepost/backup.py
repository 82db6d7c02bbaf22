"""Encrypted backups of the whole database, and their restore into an empty one.

`backup_create` serialises every table (Django's serialisers, natural keys for content
types and permissions so the archive does not depend on their ids), compresses it and seals
it with AES-256-GCM (`milepost.lib.sealed`). `backup_restore` opens the archive, checks that
the database has the same migrations applied and holds no practice, user or audit event,
and loads everything in one transaction; the audit chain is verified afterwards.

Sessions are left out (restoring them would restore logins); content types and permissions
are recreated by `migrate`, and rows referring to them are matched by natural key.
Both operations are written on the audit trail: the backup's event goes into the archive,
the restore's is appended to the restored chain.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from milepost.lib.sealed import SealError, seal, unseal

FORMAT = 1
# Not copied: sessions are logins, not records; the rest `migrate` creates itself.
EXCLUDED_APPS = frozenset({"sessions", "contenttypes"})
EXCLUDED_MODELS = frozenset({"auth.permission"})


class BackupError(Exception):
    """A backup that cannot be written or restored, with the reason in words."""


@dataclass(frozen=True)
class BackupSummary:
    objects: int
    tables: int
    created_at: str


def _migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


class _ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds, which would change
    what the audit chain's hashes cover."""

    def default(self, o: object) -> object:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump() -> list[dict[str, object]]:
    """Every row, in an order `loaddata` can load (as `dumpdata --natural-foreign`)."""
    app_list = {}
    for config in apps.get_app_configs():
        if config.label in EXCLUDED_APPS:
            continue
        chosen = [
            model
            for model in config.get_models()
            if model._meta.label_lower not in EXCLUDED_MODELS
            and not model._meta.proxy
            and model._meta.managed
        ]
        if chosen:
            app_list[config] = chosen
    objects: list[dict[str, object]] = []
    for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True):
        rows = model._default_manager.order_by(model._meta.pk.name).iterator()
        objects.extend(serializers.serialize("python", rows, use_natural_foreign_keys=True))
    return objects


def _count(objects: list[dict[str, object]]) -> BackupSummary:
    return BackupSummary(
        objects=len(objects),
        tables=len({str(o["model"]) for o in objects}),
        created_at="",
    )


def backup_create(output: Path, key: bytes) -> BackupSummary:
    """Write the sealed archive of the whole database to `output`."""
    from milepost.audit.services import audit_record

    created_at = timezone.now().isoformat()
    with transaction.atomic():
        audit_record(action="backup.create", actor=None, organization=None)
        objects = _dump()
    document = {
        "format": FORMAT,
        "created_at": created_at,
        "migrations": _migrations(),
        "objects": objects,
    }
    plaintext = gzip.compress(
        json.dumps(document, separators=(",", ":"), cls=_ExactEncoder).encode("utf-8")
    )
    output.write_bytes(seal(plaintext, key))
    output.chmod(0o600)
    counted = _count(objects)
    return BackupSummary(counted.objects, counted.tables, created_at)


def read_backup(path: Path, key: bytes) -> dict[str, object]:
    """The archive's contents, authenticated; BackupError when it cannot be read."""
    try:
        sealed = path.read_bytes()
    except OSError as error:
        raise BackupError(f"Cannot read the backup: {error.strerror}.") from None
    try:
        plaintext = unseal(sealed, key)
    except SealError as error:
        raise BackupError(str(error)) from None
    document = json.loads(gzip.decompress(plaintext))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"This backup's format is not one this version reads ({FORMAT}).")
    return document


def _empty() -> bool:
    from milepost.accounts.models import Organization, User
    from milepost.audit.models import AuditEvent

    return not (
        Organization.objects.exists() or User.objects.exists() or AuditEvent.objects.exists()
    )


def backup_restore(path: Path, key: bytes) -> BackupSummary:
    """Load the archive at `path` into this (migrated, empty) database."""
    from milepost.audit.services import audit_record, audit_verify

    document = read_backup(path, key)
    if document["migrations"] != _migrations():
        raise BackupError(
            "The backup was made at other migrations than this database's: run `migrate` "
            "with the version of Milepost that made it, then restore."
        )
    if not _empty():
        raise BackupError(
            "This database already holds practices, users or audit events: restore only "
            "into an empty, migrated database."
        )
    objects = document["objects"]
    assert isinstance(objects, list)
    with tempfile.TemporaryDirectory(prefix="milepost-restore-") as folder:
        fixture = Path(folder) / "backup.json"
        fixture.write_text(json.dumps(objects), encoding="utf-8")
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
            result = audit_verify()
            if not result.ok:
                raise BackupError("The restored audit chain does not verify; nothing was kept.")
            audit_record(action="backup.restore", actor=None, organization=None)
    counted = _count(objects)
    return BackupSummary(counted.objects, counted.tables, str(document["created_at"]))
