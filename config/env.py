"""Typed readers for settings from the environment. A bad value fails loudly at start-up."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str, *, fallback_file: Path | None = None) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE, or from `fallback_file`.

    Secrets never sit inline in the code. `fallback_file` is the key `make run`
    generates under var/ for a local instance.
    """
    value = os.environ.get(name)
    if value:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    path = Path(file_name) if file_name else fallback_file
    if file_name and not Path(file_name).is_file():
        raise ImproperlyConfigured(f"{name}_FILE points to {file_name!r}, which is not a file")
    if path is not None and path.is_file():
        secret = path.read_text().strip()
        if not secret:
            raise ImproperlyConfigured(f"the secret file for {name} is empty")
        return secret
    return None
