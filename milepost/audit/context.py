"""Where the current request comes from, and the reads it made so far, for the audit trail
(set by AuditContextMiddleware)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from milepost.domain.audit_reads import Read


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


@dataclass
class PendingRead:
    """A read waiting for the end of its request (or the next change) to be written."""

    read: Read
    values: dict[str, Any]  # audit_record's arguments
    occurred_at: dt.datetime
    origin: Origin


@dataclass
class RequestReads:
    """The reads of one request: waiting, written, and written in a transaction that may
    still roll back (they are written again at the end of the request if it did)."""

    pending: list[PendingRead] = field(default_factory=list)
    written: list[Read] = field(default_factory=list)
    unconfirmed: list[tuple[int, PendingRead]] = field(default_factory=list)
    fold_repeats: bool = False


_reads: ContextVar[RequestReads | None] = ContextVar("audit_reads", default=None)


def current_reads() -> RequestReads | None:
    return _reads.get()


@contextmanager
def collecting() -> Iterator[RequestReads]:
    """Collect the reads of one request (AuditContextMiddleware writes them at its end)."""
    reads = RequestReads()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def fold_repeated_reads() -> None:
    """This request repeats reads one person makes while typing (live feedback): the reads
    join the window of the same reads a moment ago instead of each becoming an event."""
    reads = _reads.get()
    if reads is not None:
        reads.fold_repeats = True
