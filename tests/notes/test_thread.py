"""notes/thread.py: the golden-thread counting rules, without a database."""

from __future__ import annotations

import pytest

from milepost.notes.thread import lineages, newest_citations, sessions_since

# Objective ids: 1 (v1) → 2 (v2) → 3 (v3); 4 is a second copy of 1 made at v2 (a split);
# 5 is an original of v3. Each maps to the id it was copied from.
ORIGINS = {1: None, 2: 1, 3: 2, 4: 1, 5: None}


@pytest.mark.parametrize(
    ("objective", "expected"),
    [
        (3, {1, 2, 3}),  # its earlier versions count
        (2, {1, 2, 3}),  # and so do its own later copies
        (1, {1, 2, 3, 4}),  # the original's line includes both halves of the split
        (4, {1, 4}),  # but one half's line leaves out the other half
        (5, {5}),
        (99, {99}),  # unknown to the map: only itself
    ],
)
def test_a_lineage_follows_the_origin_chain_both_ways(objective, expected):
    assert lineages([objective], ORIGINS)[objective] == expected


def test_a_loop_in_the_origins_does_not_hang():
    assert lineages([1], {1: 2, 2: 1})[1] == {1, 2}


def test_the_newest_citation_counts_the_notes_after_it():
    notes = [30, 20, 10]  # newest first
    citations = [(10, 1), (20, 1), (10, 2), (99, 3)]  # note 99 was entered in error
    assert newest_citations(notes, citations) == {1: 1, 2: 2}


@pytest.mark.parametrize(
    ("members", "expected"),
    [({1, 2}, 0), ({2}, 2), ({3}, None), (set(), None)],
)
def test_sessions_since_takes_the_newest_of_a_lineage(members, expected):
    assert sessions_since(members, {1: 0, 2: 2}) == expected
