"""The audit trail's hash chains: canonical content, link hashes, checkpoints and verification.

Each event is a link of one chain (a practice's, or the one for events of no practice) at a
position counted from 1. A link's hash is HMAC-SHA-256, keyed with a secret held outside the
database, over the previous link's hash and the event's canonical content (which names its
chain and position). Someone who can write to the database but does not hold the key cannot
forge, reorder or rewrite a link without the verifier noticing.

Events written before the chains were keyed keep their plain SHA-256 links ("sha256") on the
one frozen "legacy" chain, closed by a keyed link (decision 0016). A plain link anywhere else,
or after a keyed link, or at the end of a chain, is a break.

Cutting links off the end (or everything) is caught by comparing the chain with its head row
and with signed checkpoints kept outside the database: each records a chain's length and last
hash at a time, signed with the same key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

GENESIS_HASH = "0" * 64
LEGACY = "sha256"  # plain SHA-256 links, from before the key (decision 0016)
KEYED = "hmac-sha256"
LEGACY_CHAIN = "legacy"
NO_PRACTICE_CHAIN = "none"


def practice_chain(organization_id: int | None) -> str:
    """The chain an event of this practice (None: of no practice) goes on."""
    return NO_PRACTICE_CHAIN if organization_id is None else f"org-{organization_id}"


def canonical(fields: Mapping[str, object]) -> bytes:
    """One byte string per content: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def link_hash(prev_hash: str, fields: Mapping[str, object], key: bytes | None = None) -> str:
    """HMAC-SHA-256 with `key`; plain SHA-256 (the legacy links) without one."""
    message = prev_hash.encode("ascii") + b"\n" + canonical(fields)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short public name for a key: which one signed a link, without revealing it."""
    return hmac.new(key, b"milepost audit key id", hashlib.sha256).hexdigest()[:16]


def key_from_secret(secret: str) -> str:
    """The audit key a development instance derives from its SECRET_KEY (decision 0016)."""
    return hmac.new(secret.encode("utf-8"), b"milepost audit key", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    event_id: int
    prev_hash: str
    hash: str
    fields: Mapping[str, object]
    seq: int
    alg: str = KEYED
    key_id: str = ""


@dataclass(frozen=True)
class Checkpoint:
    """A chain's length and last hash at a time, signed with the audit key."""

    chain: str
    count: int
    last_hash: str
    at: str  # ISO 8601
    key_id: str
    mac: str

    def content(self) -> dict[str, object]:
        return {
            "chain": self.chain,
            "count": self.count,
            "last_hash": self.last_hash,
            "at": self.at,
            "key_id": self.key_id,
        }

    def to_json(self) -> str:
        return canonical({**self.content(), "mac": self.mac}).decode("utf-8")


def checkpoint_sign(*, chain: str, count: int, last_hash: str, at: str, key: bytes) -> Checkpoint:
    unsigned = Checkpoint(chain, count, last_hash, at, key_id(key), "")
    mac = hmac.new(key, canonical(unsigned.content()), hashlib.sha256).hexdigest()
    return Checkpoint(chain, count, last_hash, at, unsigned.key_id, mac)


def checkpoint_from_json(line: str) -> Checkpoint:
    """A checkpoint read back from its JSON line; ValueError when it is not one."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("not a checkpoint")
    try:
        checkpoint = Checkpoint(
            chain=data["chain"],
            count=data["count"],
            last_hash=data["last_hash"],
            at=data["at"],
            key_id=data["key_id"],
            mac=data["mac"],
        )
    except KeyError as missing:
        raise ValueError(f"a checkpoint without {missing}") from None
    types_ok = isinstance(checkpoint.count, int) and not isinstance(checkpoint.count, bool)
    strings = (checkpoint.chain, checkpoint.last_hash, checkpoint.at, checkpoint.key_id)
    if not types_ok or not all(isinstance(s, str) for s in (*strings, checkpoint.mac)):
        raise ValueError("a checkpoint with a field of the wrong type")
    return checkpoint


def checkpoint_signed(checkpoint: Checkpoint, keys: Mapping[str, bytes]) -> bool:
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    expected = hmac.new(key, canonical(checkpoint.content()), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, checkpoint.mac)


@dataclass(frozen=True)
class ChainBreak:
    event_id: int | None
    reason: str
    chain: str = ""
    seq: int | None = None  # the position where chain and record first disagree


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: ChainBreak | None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(
    links: Iterable[Link],
    *,
    keys: Mapping[str, bytes],
    chain: str = "",
    head_hash: str | None = None,
    head_count: int | None = None,
    checkpoints: Sequence[Checkpoint] = (),
) -> Verification:
    """Walk one chain in order and report the first place it is broken, if any.

    `keys` maps key ids to the keys that may have signed links. `head_hash` and `head_count`
    are the head row's record of the chain; `checkpoints` are the signed records of this
    chain kept outside the database. With either, a chain cut short is caught too.
    """

    def broken(checked: int, event_id: int | None, reason: str, seq: int | None) -> Verification:
        return Verification(checked, ChainBreak(event_id, reason, chain, seq), len(checkpoints))

    expected: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        if not checkpoint_signed(checkpoint, keys):
            return broken(
                0, None, f"the checkpoint of {checkpoint.at} is not signed with the audit key", None
            )
        earlier = expected.get(checkpoint.count)
        if earlier is not None and earlier.last_hash != checkpoint.last_hash:
            return broken(
                0,
                None,
                f"the checkpoints of {earlier.at} and {checkpoint.at} disagree about "
                f"position {checkpoint.count}",
                checkpoint.count,
            )
        expected.setdefault(checkpoint.count, checkpoint)

    expected_prev = GENESIS_HASH
    checked = 0
    keyed_seen = False
    last_alg = KEYED
    for link in links:
        position = checked + 1
        if link.seq != position:
            return broken(
                checked,
                link.event_id,
                f"it claims position {link.seq} where position {position} was expected",
                position,
            )
        if link.prev_hash != expected_prev:
            return broken(
                checked,
                link.event_id,
                "its previous-hash does not match the event before it",
                position,
            )
        if link.alg == LEGACY:
            if chain != LEGACY_CHAIN or keyed_seen:
                return broken(
                    checked,
                    link.event_id,
                    "it is hashed without the audit key where a keyed hash is required",
                    position,
                )
            key = None
        elif link.alg == KEYED:
            key = keys.get(link.key_id)
            if key is None:
                return broken(
                    checked,
                    link.event_id,
                    f"it is signed with a key this installation does not hold ({link.key_id})",
                    position,
                )
            keyed_seen = True
        else:
            return broken(checked, link.event_id, f"unknown algorithm {link.alg!r}", position)
        if not hmac.compare_digest(link_hash(link.prev_hash, link.fields, key), link.hash):
            return broken(
                checked, link.event_id, "its content does not match its stored hash", position
            )
        recorded = expected.get(position)
        if recorded is not None and recorded.last_hash != link.hash:
            return broken(
                checked,
                link.event_id,
                f"it does not match the checkpoint of {recorded.at}",
                position,
            )
        expected_prev = link.hash
        last_alg = link.alg
        checked += 1
    if checked and last_alg == LEGACY:
        return broken(
            checked, None, "the chain ends with events not signed with the audit key", checked
        )
    beyond = [c for c in expected.values() if c.count > checked]
    if beyond:
        first = min(beyond, key=lambda c: c.count)
        return broken(
            checked,
            None,
            f"the checkpoint of {first.at} records {first.count} events but {checked} exist",
            checked + 1,
        )
    if head_count is not None and head_count != checked:
        return broken(
            checked,
            None,
            f"the chain head records {head_count} events but {checked} exist",
            min(head_count, checked) + 1,
        )
    if head_hash is not None and head_hash != expected_prev:
        return broken(checked, None, "the last event's hash does not match the chain head", checked)
    return Verification(checked, None, len(checkpoints))
