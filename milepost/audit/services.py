"""Writing and verifying the audit trail. Every other service records its events here.

Changes are written at once, in the caller's transaction (`audit_record`). Reads made inside a
request wait for the end of it, or for the next change, so that a record read through several
helpers is written once (`audit_read`, decisions 0017). Each event goes on its practice's chain
(decision 0016), keyed with `AUDIT_KEY`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from milepost.audit.context import Origin, PendingRead, RequestReads, current_origin, current_reads
from milepost.audit.models import AuditChain, AuditEvent, AuditRepeat
from milepost.domain.audit_chain import (
    KEYED,
    ChainBreak,
    Checkpoint,
    Link,
    Verification,
    canonical,
    checkpoint_from_json,
    checkpoint_sign,
    key_from_secret,
    key_id,
    link_hash,
    practice_chain,
    verify,
)
from milepost.domain.audit_reads import Read, to_write

if TYPE_CHECKING:
    from milepost.accounts.models import Organization, User
    from milepost.clients.models import Client

# A window of repeated reads closes after this long without a repeat, or this long after
# its first read, whichever comes first (decision 0017).
REPEAT_SPAN = dt.timedelta(hours=1)


def _check_detail(value: object) -> None:
    """Detail holds only strings, whole numbers, booleans, None, lists and string-keyed maps:
    values that round-trip through every database's JSON unchanged (floats may not)."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_detail(item)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("audit detail keys must be strings")
            _check_detail(item)
        return
    raise TypeError(f"audit detail cannot hold {type(value).__name__}")


# --- keys ------------------------------------------------------------------------------


def signing_key() -> bytes:
    return str(settings.AUDIT_KEY).encode("utf-8")


def audit_keys() -> dict[str, bytes]:
    """Every key that may have signed a link: the current one, the previous ones
    (AUDIT_PREVIOUS_KEYS) and the one derived from SECRET_KEY (a development default)."""
    secrets = [
        str(settings.AUDIT_KEY),
        *getattr(settings, "AUDIT_PREVIOUS_KEYS", []),
        key_from_secret(settings.SECRET_KEY),
    ]
    keys = [secret.encode("utf-8") for secret in secrets if secret]
    return {key_id(key): key for key in keys}


# --- writing ---------------------------------------------------------------------------


def _values(
    *,
    action: str,
    actor: User | None,
    organization: Organization | None,
    client: Client | None,
    object_type: str,
    object_id: str,
    detail: Mapping[str, Any] | None,
) -> dict[str, Any]:
    _check_detail(detail or {})
    if organization is None and client is not None:
        organization = client.organization
    return {
        "organization_id": organization.pk if organization is not None else None,
        "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "client_id": client.pk if client is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": dict(detail or {}),
    }


def _read_of(values: Mapping[str, Any]) -> Read:
    return Read(
        actor=values["actor_id"],
        organization=values["organization_id"],
        client=values["client_id"],
        action=values["action"],
        object_type=values["object_type"],
        object_id=values["object_id"],
        detail=canonical(values["detail"]).decode("utf-8"),
    )


def _append(values: Mapping[str, Any], occurred_at: dt.datetime, where: Origin) -> AuditEvent:
    """Append one event to its practice's chain. The chain's head row is locked first, so
    writers of one practice append one after the other and never link to the same
    predecessor; writers of other practices lock other rows."""
    key = practice_chain(values["organization_id"])
    # No savepoint of its own: a failure here fails the caller's transaction too, which is
    # what an audit write must do (nothing is kept that was not recorded).
    with transaction.atomic(savepoint=False):
        chain = AuditChain.objects.select_for_update().filter(key=key).first()
        if chain is None:
            AuditChain.objects.get_or_create(key=key)
            chain = AuditChain.objects.select_for_update().get(key=key)
        secret = signing_key()
        event = AuditEvent(
            occurred_at=occurred_at,
            ip=where.ip,
            user_agent=where.user_agent,
            prev_hash=chain.last_hash,
            chain=key,
            seq=chain.count + 1,
            alg=KEYED,
            key_id=key_id(secret),
            **values,
        )
        event.hash = link_hash(event.prev_hash, event.chain_fields(), secret)
        event.save(force_insert=True)
        chain.last_hash = event.hash
        chain.count = event.seq
        chain.save(update_fields=["last_hash", "count"])
    return event


def audit_record(
    *,
    action: str,
    actor: User | None,
    organization: Organization | None = None,
    client: Client | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
    origin: Origin | None = None,
) -> AuditEvent:
    """Append one event now, in the caller's transaction: a change, a refusal, a report.

    The request's reads still waiting are written first, in the same transaction. `origin`
    replaces the request's address and user agent (an empty `Origin()` leaves them out).
    """
    values = _values(
        action=action,
        actor=actor,
        organization=organization,
        client=client,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    reads = current_reads()
    track = connection.in_atomic_block
    subsumed: list[PendingRead] = []
    with transaction.atomic():
        if reads is not None and reads.pending:
            subsumed = _write_pending(reads, upcoming=[_read_of(values)], track=track, fold=False)
        event = _append(values, timezone.now(), origin or current_origin())
    if reads is not None:
        reads.written.append(_read_of(values))
        if track:
            # Should the caller's transaction roll back, this event goes, and the reads it
            # made unnecessary are written at the end of the request after all.
            reads.unconfirmed.extend((event.pk, read) for read in subsumed)
    return event


def audit_read(
    *,
    action: str,
    actor: User | None,
    organization: Organization | None = None,
    client: Client | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record a read. Inside a request it waits for the end of the request (or the next
    change), so repeated and subsumed reads are written once; elsewhere it is written now."""
    values = _values(
        action=action,
        actor=actor,
        organization=organization,
        client=client,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    reads = current_reads()
    if reads is None:
        _append(values, timezone.now(), current_origin())
        return
    reads.pending.append(PendingRead(_read_of(values), values, timezone.now(), current_origin()))


def _write_pending(
    reads: RequestReads, *, upcoming: Sequence[Read], track: bool, fold: bool
) -> list[PendingRead]:
    """Write the reads still waiting; return those left out as repeated or subsumed."""
    pending, reads.pending = reads.pending, []
    keep = to_write(reads.written, [p.read for p in pending], upcoming)
    for index in keep:
        read = pending[index]
        if fold and reads.fold_repeats:
            _fold(read)
        else:
            event = _append(read.values, read.occurred_at, read.origin)
            if track:
                # Written inside the caller's transaction, which may still roll back.
                reads.unconfirmed.append((event.pk, read))
        reads.written.append(read.read)
    return [read for index, read in enumerate(pending) if index not in keep]


def audit_flush(reads: RequestReads) -> None:
    """Write what a request read, at its end (AuditContextMiddleware), whether it answered
    or failed; and again any read whose transaction rolled back after it was written."""
    if not reads.pending and not reads.unconfirmed:
        # Most requests (static files, sign-in pages) read nothing: no write lock for them.
        return
    with transaction.atomic():
        if reads.unconfirmed:
            kept = set(
                AuditEvent.objects.filter(pk__in=[pk for pk, _ in reads.unconfirmed]).values_list(
                    "pk", flat=True
                )
            )
            for pk, read in reads.unconfirmed:
                if pk not in kept:
                    _append(read.values, read.occurred_at, read.origin)
            reads.unconfirmed = []
        _write_pending(reads, upcoming=(), track=False, fold=True)


# --- repeated reads --------------------------------------------------------------------


def _repeat_window() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "AUDIT_REPEAT_MINUTES", 10))


def _repeat_key(read: PendingRead) -> str:
    what = canonical(
        {
            "read": list(vars(read.read).values()),
            "ip": read.origin.ip,
            "user_agent": read.origin.user_agent,
        }
    )
    return hashlib.sha256(what).hexdigest()


def _still_open(repeat: AuditRepeat, now: dt.datetime) -> bool:
    return (
        now - repeat.last_at <= _repeat_window()
        and now - repeat.first_event.occurred_at <= REPEAT_SPAN
    )


def _fold(read: PendingRead) -> None:
    key = _repeat_key(read)
    with transaction.atomic():
        repeat = (
            AuditRepeat.objects.select_for_update(of=("self",))
            .select_related("first_event")
            .filter(key=key, closed=False)
            .first()
        )
        if repeat is not None and _still_open(repeat, read.occurred_at):
            repeat.count += 1
            repeat.last_at = max(repeat.last_at, read.occurred_at)
            repeat.save(update_fields=["count", "last_at"])
            return
        if repeat is not None:
            _close(repeat)
        event = _append(read.values, read.occurred_at, read.origin)
        AuditRepeat.objects.create(key=key, first_event=event, last_at=event.occurred_at)


def _close(repeat: AuditRepeat) -> None:
    """Close a window: a chained event records how often the read was repeated."""
    first = repeat.first_event
    if repeat.count > 1:
        repeat.closed_by = _append(
            {
                "organization_id": first.organization_id,
                "actor_id": first.actor_id,
                "client_id": first.client_id,
                "action": first.action,
                "object_type": first.object_type,
                "object_id": first.object_id,
                "detail": {
                    **first.detail,
                    "repeated": {
                        "event": first.pk,
                        "count": repeat.count,
                        "first": first.occurred_at.isoformat(),
                        "last": repeat.last_at.isoformat(),
                    },
                },
            },
            timezone.now(),
            Origin(ip=first.ip, user_agent=first.user_agent),
        )
    repeat.closed = True
    repeat.save(update_fields=["closed", "closed_by"])


def audit_close_repeats(*, now: dt.datetime | None = None, everything: bool = False) -> int:
    """Close the windows of repeated reads that have ended (all of them with `everything`);
    `milepost audit checkpoint` runs it first. Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    for pk in AuditRepeat.objects.filter(closed=False).values_list("pk", flat=True):
        with transaction.atomic():
            repeat = (
                AuditRepeat.objects.select_for_update(of=("self",))
                .select_related("first_event")
                .filter(pk=pk, closed=False)
                .first()
            )
            if repeat is not None and (everything or not _still_open(repeat, now)):
                _close(repeat)
                closed += 1
    return closed


# --- checkpoints -----------------------------------------------------------------------


class CheckpointError(Exception):
    pass


def audit_checkpoint(path: Path) -> list[Checkpoint]:
    """Append a signed record of every chain's head to `path` (JSON lines).

    Ended windows of repeated reads are closed first. A head that does not match its last
    event is refused: the trail must be verified first.
    """
    audit_close_repeats()
    key = signing_key()
    at = timezone.now().isoformat()
    records = []
    for chain in AuditChain.objects.order_by("key"):
        if chain.count:
            last = AuditEvent.objects.filter(chain=chain.key, seq=chain.count).first()
            if last is None or last.hash != chain.last_hash:
                raise CheckpointError(
                    f"the head of chain {chain.key} does not match its last event; "
                    "run `milepost audit verify`"
                )
        records.append(
            checkpoint_sign(
                chain=chain.key, count=chain.count, last_hash=chain.last_hash, at=at, key=key
            )
        )
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        for record in records:
            out.write(record.to_json() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return records


def read_checkpoints(path: Path) -> tuple[dict[str, list[Checkpoint]], ChainBreak | None]:
    by_chain: dict[str, list[Checkpoint]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                checkpoint = checkpoint_from_json(line)
            except ValueError:
                return by_chain, ChainBreak(
                    None, f"line {number} of {path.name} is not a checkpoint"
                )
            by_chain[checkpoint.chain].append(checkpoint)
    return by_chain, None


# --- verifying -------------------------------------------------------------------------


def _links(chain: str) -> Iterator[Link]:
    events = AuditEvent.objects.filter(chain=chain).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        yield Link(
            event_id=event.pk,
            prev_hash=event.prev_hash,
            hash=event.hash,
            fields=event.chain_fields(),
            seq=event.seq,
            alg=event.alg,
            key_id=event.key_id,
        )


def audit_verify(checkpoints: Path | None = None) -> Verification:
    """Walk every chain, one at a time; report the first broken link, comparing each chain
    with its head row and with the signed checkpoints in `checkpoints`, when given."""
    by_chain: dict[str, list[Checkpoint]] = {}
    if checkpoints is not None:
        by_chain, unreadable = read_checkpoints(checkpoints)
        if unreadable is not None:
            return Verification(0, unreadable)
    heads = {chain.key: chain for chain in AuditChain.objects.all()}
    chains = set(heads) | set(by_chain)
    chains |= set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    keys = audit_keys()
    checked = 0
    signed = 0
    for key in sorted(chains):
        head = heads.get(key)
        result = verify(
            _links(key),
            keys=keys,
            chain=key,
            head_hash=head.last_hash if head is not None else None,
            head_count=head.count if head is not None else 0,
            checkpoints=by_chain.get(key, ()),
        )
        checked += result.checked
        signed += result.checkpoints
        if not result.ok:
            return Verification(checked, result.broken, signed)
    return Verification(checked, None, signed)
