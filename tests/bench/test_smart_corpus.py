"""The published corpus's arithmetic: Cohen's kappa, the split by site, the scores."""

from __future__ import annotations

import pytest

from bench import smart_corpus as corpus


def test_kappa_of_the_textbook_example():
    # 50 items: both yes 20, first yes second no 5, first no second yes 10, both no 15.
    pairs = [(True, True)] * 20 + [(True, False)] * 5 + [(False, True)] * 10 + [(False, False)] * 15
    assert corpus.cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_is_one_for_perfect_agreement_and_zero_for_chance():
    assert corpus.cohen_kappa([(True, True), (False, False)]) == pytest.approx(1.0)
    chance = [(True, True), (True, False), (False, True), (False, False)]
    assert corpus.cohen_kappa(chance) == pytest.approx(0.0)


def test_kappa_is_undefined_without_items_or_variety():
    assert corpus.cohen_kappa([]) is None
    assert corpus.cohen_kappa([(True, True)] * 5) is None


def test_numbers_agree_whatever_their_type():
    first = {"a": {"target": 9, "measure": "PHQ-9"}}
    second = {"a": {"target": 9.0, "measure": "phq-9"}}
    rows = {r.field: r for r in corpus.agreement(first, second)}
    assert rows["target"].agree == 1
    assert rows["measure"].agree == 1


def test_the_split_is_by_site_and_fixed():
    assert corpus.split_for("example.org") == corpus.split_for("Example.org ")
    sites = [f"site{n}.org" for n in range(1000)]
    held = sum(corpus.split_for(s) == "heldout" for s in sites)
    assert 330 < held < 470  # four in ten, give or take


def test_criterion_counts():
    score = corpus.criterion_score([(True, True), (True, False), (False, True), (False, False)])
    assert (score.tp, score.fn, score.fp, score.tn) == (1, 1, 1, 1)
    assert score.precision == 0.5
    assert score.recall == 0.5
    assert score.f1 == 0.5


def test_slot_accuracy_counts_labelled_items_and_spurious_values():
    score = corpus.slot_score("target", [(9, 9.0), (9, 8), (None, None), (None, 5)])
    assert (score.labelled, score.right, score.spurious) == (2, 1, 1)
    assert score.accuracy_on_labelled == 0.5
    assert score.exact == 2
