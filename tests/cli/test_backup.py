"""`milepost backup` / `milepost restore`: keys, clear errors, and a round trip."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from milepost.accounts.models import User
from milepost.cli import main
from tests.base import make_personas


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_key_is_written_for_the_owner_only(tmp_path, capsys):
    key = tmp_path / "backup.key"
    code, out, _ = run(capsys, "backup", "--new-key", str(key))
    assert code == 0
    assert "backup.key" in out
    assert key.stat().st_mode & 0o077 == 0
    assert len(key.read_text().strip()) == 44


def test_an_existing_key_is_never_overwritten(tmp_path, capsys):
    key = tmp_path / "backup.key"
    key.write_text("keep me")
    code, _, err = run(capsys, "backup", "--new-key", str(key))
    assert code == 2
    assert "--new-key" in err
    assert key.read_text() == "keep me"


def test_no_key_names_the_option(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MILEPOST_BACKUP_KEY", raising=False)
    code, _, err = run(capsys, "backup", str(tmp_path / "out.backup"))
    assert code == 2
    assert "--key-file" in err
    assert not (tmp_path / "out.backup").exists()


def test_a_bad_key_is_refused_before_anything_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MILEPOST_BACKUP_KEY", "too-short")
    code, _, err = run(capsys, "backup", str(tmp_path / "out.backup"))
    assert code == 2
    assert "backup key" in err
    assert not (tmp_path / "out.backup").exists()


def test_no_output_says_what_to_give(capsys):
    code, _, err = run(capsys, "backup")
    assert code == 2
    assert "output" in err


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_through_the_command(tmp_path, capsys, monkeypatch):
    make_personas()
    key = tmp_path / "backup.key"
    archive = tmp_path / "practice.backup"
    run(capsys, "backup", "--new-key", str(key))
    code, out, err = run(capsys, "backup", str(archive), "--key-file", str(key))
    assert (code, err) == (0, "")
    assert "Backed up" in out
    users = sorted(User.objects.values_list("email", flat=True))

    code, _, err = run(capsys, "restore", str(archive), "--key-file", str(key))
    assert code == 2
    assert "already holds" in err  # not into a database that has data

    call_command("flush", interactive=False, verbosity=0)
    monkeypatch.setenv("MILEPOST_BACKUP_KEY", key.read_text())
    code, out, err = run(capsys, "restore", str(archive))
    assert (code, err) == (0, "")
    assert "audit chain verified" in out
    assert sorted(User.objects.values_list("email", flat=True)) == users
