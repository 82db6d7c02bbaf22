"""Which reads of one request go on the audit trail (decision 0017).

A request that reads a record through several helpers would otherwise write one event per
helper call: the client's record checked three times, the plan read and then judged. Within
one request, by one person:

- a read repeated exactly is written once;
- a plain `<type>.view` of a record is subsumed by another read or a change of the same record
  (a plan read and then judged is one `plan.smart_feedback`; a goal read to be changed is one
  `goal.update`).

Reads of different records stay apart: the client's record checked before its plan is read is
a `client.view` and a `plan.view`.
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


def subsumes(other: Read, read: Read) -> bool:
    """Whether `other`, written in the same request, makes `read` unnecessary."""
    if other == read or other.actor != read.actor:
        return False
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
