"""Encrypted backups: a backup restored into an empty database gives back every table.

These tests empty the database between backup and restore, so they run outside the usual
per-test transaction (`transaction=True`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models

from milepost.audit.models import AuditChain, AuditEvent
from milepost.audit.services import audit_verify
from milepost.backup import BackupError, backup_create, backup_restore, read_backup
from milepost.lib.sealed import new_key, parse_key, seal
from tests.base import dana_note, dana_plan, dana_target, make_personas

pytestmark = pytest.mark.django_db(transaction=True)

KEY = parse_key(new_key())
NOT_COPIED = {"sessions.session"}


def _natural(value: object, related: type[models.Model]) -> object:
    """A content type or permission by its natural key: `migrate` makes new ids for them."""
    if value is None:
        return None
    obj = related._default_manager.get(pk=value)
    return obj.natural_key()  # type: ignore[attr-defined]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (auto-created many-to-many tables included), in pk order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_COPIED:
            continue
        by_id = (ContentType, Permission)
        rows = []
        for row in model._default_manager.order_by("pk").values():
            if model in by_id:
                row = {"natural_key": _natural(row["id"], model)}
            else:
                for f in model._meta.concrete_fields:
                    target = f.related_model if f.is_relation else None
                    if target in by_id:
                        row[f.attname] = _natural(row[f.attname], target)
            rows.append(row)
        if model in by_id:
            rows.sort(key=repr)
        if model._meta.auto_created:
            # A many-to-many link is its two ends: loaddata writes the links anew, so their
            # own ids follow the database's sequence (on PostgreSQL, not reset by a rollback).
            rows = sorted(({k: v for k, v in row.items() if k != "id"} for row in rows), key=repr)
        tables[label] = rows
    return tables


def _data() -> None:
    personas = make_personas()
    dana_plan(personas)
    dana_note(personas)
    dana_target(personas)


def test_restore_into_an_empty_database_gives_back_every_table(tmp_path: Path):
    _data()
    archive = tmp_path / "practice.backup"
    summary = backup_create(archive, KEY)
    before = snapshot()
    assert summary.objects > 50
    assert AuditEvent.objects.filter(action="backup.create").count() == 1

    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    restored = backup_restore(archive, KEY)

    after = snapshot()
    assert restored.objects == summary.objects
    assert set(after) == set(before)
    for table in before:
        if table in ("audit.auditevent", "audit.auditchain"):
            continue
        assert after[table] == before[table], table
    # The restore is appended to the restored chain, which still verifies.
    assert after["audit.auditevent"][:-1] == before["audit.auditevent"]
    assert after["audit.auditevent"][-1]["action"] == "backup.restore"
    assert sum(AuditChain.objects.values_list("count", flat=True)) == len(after["audit.auditevent"])
    assert audit_verify().ok
    # Every practice's chain came back, keyed and in order.
    assert AuditChain.objects.filter(key__startswith="org-").count() == 2
    # Every table with rows before has them again (the test is not comparing empty tables).
    assert sum(1 for rows in before.values() if rows) > 20


def test_the_archive_is_encrypted(tmp_path: Path):
    _data()
    archive = tmp_path / "practice.backup"
    backup_create(archive, KEY)
    data = archive.read_bytes()
    assert b"Quillfeather" not in data
    assert b"dana@" not in data
    assert archive.stat().st_mode & 0o077 == 0
    objects: list[dict[str, Any]] = read_backup(archive, KEY)["objects"]  # type: ignore[assignment]
    names = [o["fields"].get("family_name") for o in objects]
    assert "Quillfeather" in names


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path):
    _data()
    archive = tmp_path / "practice.backup"
    backup_create(archive, KEY)
    before = snapshot()
    with pytest.raises(BackupError, match="already holds"):
        backup_restore(archive, KEY)
    assert snapshot() == before


def test_restore_refuses_the_wrong_key(tmp_path: Path):
    _data()
    archive = tmp_path / "practice.backup"
    backup_create(archive, KEY)
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(BackupError, match="another key"):
        backup_restore(archive, parse_key(new_key()))
    assert not AuditEvent.objects.exists()


def test_restore_refuses_a_backup_of_other_migrations(tmp_path: Path):
    _data()
    archive = tmp_path / "practice.backup"
    backup_create(archive, KEY)
    document = read_backup(archive, KEY)
    migrations: list[str] = document["migrations"]  # type: ignore[assignment]
    document["migrations"] = [*migrations, "plans.9999_from_the_future"]
    import gzip

    archive.write_bytes(seal(gzip.compress(json.dumps(document).encode()), KEY))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(BackupError, match="other migrations"):
        backup_restore(archive, KEY)
    assert not AuditEvent.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(BackupError, match="Cannot read the backup"):
        read_backup(tmp_path / "absent.backup", KEY)
