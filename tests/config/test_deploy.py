"""Production settings pass `manage.py check --deploy` with no warning; local ones do not."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "BEHIND_HTTPS_PROXY": "true",
    "HSTS_SECONDS": "31536000",
    "ALLOWED_HOSTS": "milepost.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://milepost.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "mail.example.org",
    "EMAIL_USE_TLS": "true",
    "AUDIT_KEY": secrets.token_hex(32),
}


def _check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is the test run's, not a deployment's.
    unset = {
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "AUDIT_KEY",
        "AUDIT_KEY_FILE",
        *env,
    }
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _check_deploy(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_settings_are_flagged(tmp_path):
    local = {**PRODUCTION, "HTTPS": "false", "HSTS_SECONDS": "0"}
    result = _check_deploy(local, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no HTTPS redirect


def test_the_console_mailer_is_flagged_in_production(tmp_path):
    result = _check_deploy(
        {**PRODUCTION, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, tmp_path
    )
    assert result.returncode != 0
    assert "milepost.E001" in result.stderr


def test_an_audit_key_derived_from_secret_key_is_flagged_in_production(tmp_path):
    without = {k: v for k, v in PRODUCTION.items() if k != "AUDIT_KEY"}
    result = _check_deploy(without, tmp_path)
    assert result.returncode != 0
    assert "audit.W001" in result.stderr
    result = _check_deploy({**PRODUCTION, "AUDIT_KEY": "short"}, tmp_path)
    assert "audit.W002" in result.stderr


def test_the_audit_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "audit_key"
    key_file.write_text(secrets.token_hex(32) + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "AUDIT_KEY"}
    result = _check_deploy({**env, "AUDIT_KEY_FILE": str(key_file)}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_alone_turns_on_a_year_of_hsts(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 60,
        "HTTPS": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path}/hsts.sqlite3",
        "MILEPOST_VAR_DIR": str(tmp_path),
    }
    env.pop("HSTS_SECONDS", None)
    code = (
        "from config import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["31536000", "True", "True"], result.stderr
    env["HTTPS"] = "false"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["0", "False", "False"], result.stderr
