"""Which reads of one request go on the audit trail (decision 0017).

A request that reads a record through several helpers would otherwise write one event per
helper call: the client's record checked three times, the plan read and then judged. Within
one request, by one person:

- a read repeated exactly is written once;
- a read of the client's own record (`client.view`, `client.edit`, …) is subsumed by a read
  of a part of that client's record: that event names the client too, and reading it
  required the same check;
- a plain `<type>.view` of a record is subsumed by another read of the same record (a plan
  read and then judged is one `plan.smart_feedback`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Read:
    actor: int | None
    organization: int | None
    client: int | None
    action: str
    object_type: str
    object_id: str
    detail: str  # canonical JSON, so equal details compare equal


def _is_client_read(read: Read) -> bool:
    return read.object_type == "client" and read.action.startswith("client.")


def subsumes(other: Read, read: Read) -> bool:
    """Whether `other`, written in the same request, makes `read` unnecessary."""
    if other == read or other.actor != read.actor:
        return False
    if _is_client_read(read) and not read.detail.strip("{}"):
        return other.client == read.client and not _is_client_read(other)
    return (
        read.action.endswith(".view")
        and not read.detail.strip("{}")
        and not other.action.endswith(".view")
        and (other.object_type, other.object_id) == (read.object_type, read.object_id)
        and other.client == read.client
    )


def to_write(
    written: Sequence[Read], pending: Sequence[Read], upcoming: Sequence[Read] = ()
) -> list[int]:
    """The positions in `pending` still to write, given what the request already wrote and
    the event about to be written (a change, which names its record and client too)."""
    keep: list[int] = []
    seen = set(written)
    everything = [*written, *pending, *upcoming]
    for index, read in enumerate(pending):
        if read in seen:
            continue
        if any(subsumes(other, read) for other in everything):
            continue
        seen.add(read)
        keep.append(index)
    return keep
