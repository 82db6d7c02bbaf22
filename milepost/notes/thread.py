"""The golden thread as plain Python: which notes last worked on an objective.

No Django here, so the counting rules are tested without a database; notes/access.py
fetches the rows (a fixed number of queries) and hands them over as ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def lineages(
    objective_ids: Iterable[int], origins: Mapping[int, int | None]
) -> dict[int, frozenset[int]]:
    """For each objective: itself, the objectives of earlier versions it was copied from,
    and its own copies in later versions — all "the same objective" for the golden thread.

    `origins` maps each objective id of the client to the id it was copied from (None
    for an original). Copies of an ancestor that are not the objective's own line (an
    objective split in two at an amendment) are left out: work on the other half is not
    work on this one. A loop in the data cannot hang the walk.
    """
    copies: dict[int, list[int]] = {}
    for child, parent in origins.items():
        if parent is not None:
            copies.setdefault(parent, []).append(child)
    result: dict[int, frozenset[int]] = {}
    for objective_id in objective_ids:
        members = {objective_id}
        current = origins.get(objective_id)
        while current is not None and current not in members:
            members.add(current)
            current = origins.get(current)
        stack = [objective_id]
        while stack:
            for child in copies.get(stack.pop(), ()):
                if child not in members:
                    members.add(child)
                    stack.append(child)
        result[objective_id] = frozenset(members)
    return result


def newest_citations(
    notes_newest_first: Sequence[int], citations: Iterable[tuple[int, int]]
) -> dict[int, int]:
    """Objective id -> how many notes came after the newest note citing it (0: the latest).

    `citations` are (note id, objective id) pairs; a note missing from `notes_newest_first`
    (entered in error) is ignored.
    """
    position = {note_id: index for index, note_id in enumerate(notes_newest_first)}
    newest: dict[int, int] = {}
    for note_id, objective_id in citations:
        index = position.get(note_id)
        if index is not None and index < newest.get(objective_id, len(position)):
            newest[objective_id] = index
    return newest


def sessions_since(members: Iterable[int], newest: Mapping[int, int]) -> int | None:
    """Notes since any objective of a lineage was last cited; None when it never was."""
    found = [newest[member] for member in members if member in newest]
    return min(found) if found else None
