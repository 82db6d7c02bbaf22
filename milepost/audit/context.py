"""Where the current request comes from, for the audit trail (set by AuditContextMiddleware)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""


_NOWHERE = Origin()
_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def normalise_ip(raw: str | None) -> str:
    if not raw:
        return ""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return ""


def current_origin() -> Origin:
    return _origin.get() or _NOWHERE


@contextmanager
def origin(ip: str | None, user_agent: str | None) -> Iterator[None]:
    token = _origin.set(Origin(ip=normalise_ip(ip), user_agent=(user_agent or "")[:256]))
    try:
        yield
    finally:
        _origin.reset(token)
