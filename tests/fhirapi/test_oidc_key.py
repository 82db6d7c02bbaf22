"""The id_token signing key: `manage.py oidc_key FILE` writes one (owner-only, never over an
existing file), and the settings turn OpenID Connect on when there is one."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.core.management import CommandError, call_command

from tests.config.test_settings import _settings

PRINT = "print(s.OAUTH2_PROVIDER.get('OIDC_ENABLED', False))"


def test_the_command_writes_a_private_key_for_its_owner_only(tmp_path):
    path = tmp_path / "oidc_rsa_key.pem"
    call_command("oidc_key", str(path))
    key = load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    with pytest.raises(CommandError, match="exists already"):
        call_command("oidc_key", str(path))
    assert path.read_bytes() == before


def test_the_key_under_var_turns_openid_connect_on(tmp_path):
    env = {"SECRET_KEY": "k" * 50, "MILEPOST_VAR_DIR": str(tmp_path)}
    off = _settings(dict(env), PRINT)
    assert off.stdout.strip() == "False", off.stderr
    call_command("oidc_key", str(tmp_path / "oidc_rsa_key.pem"))
    on = _settings(dict(env), PRINT)
    assert on.stdout.strip() == "True", on.stderr
