"""The relevance evaluation on published (goal, linked factors) pairs (bench/eval_relevance.py).

Floors are the figures reached when the concept map was last changed, rounded down (decision
0215; docs/smart.md, "Relevance by meaning"). Only aggregate held-out figures are computed.
"""

from __future__ import annotations

import pytest

from bench import eval_relevance as ev

PAIRS = ev.load_pairs()
HELDOUT = [p for p in PAIRS if p.split == "heldout"]


def test_the_pairs_split_by_site_into_tuning_and_held_out():
    assert len(PAIRS) >= 240
    tune_sites = {p.site for p in PAIRS if p.split == "tune"}
    assert HELDOUT
    assert tune_sites
    assert tune_sites.isdisjoint({p.site for p in HELDOUT})


@pytest.fixture(scope="module")
def heldout_scores():
    return ev.score(HELDOUT, ev.engine), ev.score(HELDOUT, ev.shared_word)


def test_the_concept_map_stays_above_its_held_out_floor(heldout_scores):
    engine, _ = heldout_scores
    assert engine.f1 >= 0.75


def test_the_concept_map_finds_more_than_a_shared_word(heldout_scores):
    engine, baseline = heldout_scores
    assert engine.recall > baseline.recall
    assert engine.f1 > baseline.f1


def test_the_error_list_names_tuning_pairs_only(capsys):
    ev.errors(PAIRS)
    printed = capsys.readouterr().out
    assert all(f"- {p.id} " not in printed for p in HELDOUT)
    assert "- r" in printed  # the tuning sites' mismatches are listed


def test_the_table_prints_both_splits_and_the_baseline():
    text = ev.table(PAIRS)
    assert "tune:" in text
    assert "heldout:" in text
    assert "baseline: a shared word" in text
