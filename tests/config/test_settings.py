from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; {code}"],
        cwd=ROOT,
        env={**clean, "MILEPOST_VAR_DIR": env.pop("MILEPOST_VAR_DIR", "/nonexistent"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_asked():
    result = _settings({"SECRET_KEY": "k" * 50}, "print(s.DEBUG)")
    assert result.stdout.strip() == "False", result.stderr


def test_a_missing_secret_key_fails_loudly():
    result = _settings({}, "print(s.SECRET_KEY)")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_local_key_under_var_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("local-generated-key\n")
    result = _settings({"MILEPOST_VAR_DIR": str(tmp_path)}, "print(s.SECRET_KEY)")
    assert result.stdout.strip() == "local-generated-key", result.stderr


def test_database_url_selects_postgresql():
    result = _settings(
        {"SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://u:p@db.internal:5432/mp"},
        "d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.internal", "mp"], (
        result.stderr
    )


def test_the_default_database_is_sqlite_under_var(tmp_path):
    result = _settings(
        {"SECRET_KEY": "k" * 50, "MILEPOST_VAR_DIR": str(tmp_path)},
        "print(s.DATABASES['default']['NAME'])",
    )
    assert result.stdout.strip() == str(tmp_path / "milepost.sqlite3"), result.stderr


def test_a_bad_boolean_names_the_variable():
    result = _settings({"SECRET_KEY": "k" * 50, "DEBUG": "perhaps"}, "pass")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
