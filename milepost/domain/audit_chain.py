"""The audit trail's hash chain: canonical content, link hashes and verification.

Each event stores SHA-256(previous hash + canonical content). Changing, removing or
reordering any stored event breaks every later link; cutting events off the end is
caught by comparing the last link with the chain head kept beside the events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def canonical(fields: Mapping[str, object]) -> bytes:
    """One byte string per content: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def link_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()


@dataclass(frozen=True)
class Link:
    event_id: int
    prev_hash: str
    hash: str
    fields: Mapping[str, object]


@dataclass(frozen=True)
class ChainBreak:
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(
    links: Iterable[Link], *, head_hash: str | None = None, head_count: int | None = None
) -> Verification:
    """Walk the chain in order and report the first broken link, if any.

    `head_hash` and `head_count` are the chain head's record of the last hash and
    the number of events; when given, a chain cut short is caught too.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    for link in links:
        if link.prev_hash != expected_prev:
            return Verification(
                checked,
                ChainBreak(link.event_id, "its previous-hash does not match the event before it"),
            )
        if link_hash(link.prev_hash, link.fields) != link.hash:
            return Verification(
                checked, ChainBreak(link.event_id, "its content does not match its stored hash")
            )
        expected_prev = link.hash
        checked += 1
    if head_count is not None and head_count != checked:
        return Verification(
            checked,
            ChainBreak(None, f"the chain head records {head_count} events but {checked} exist"),
        )
    if head_hash is not None and head_hash != expected_prev:
        return Verification(
            checked, ChainBreak(None, "the last event's hash does not match the chain head")
        )
    return Verification(checked, None)
