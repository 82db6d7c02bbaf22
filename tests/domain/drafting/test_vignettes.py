"""The vignette set of `make eval-assistant`: sourced, labelled in the rules' vocabulary
(the settled labels and the first rater's; the second rater's: tests/bench)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milepost.domain import instruments, library
from milepost.domain.drafting import bundled

DATA = Path(__file__).parents[3] / "bench" / "data" / "assistant_vignettes.json"
VIGNETTES = json.loads(DATA.read_text(encoding="utf-8"))["vignettes"]


def test_there_are_at_least_30_across_the_five_problem_families() -> None:
    assert len(VIGNETTES) >= 30
    areas = {a for v in VIGNETTES for a in v["areas"]}
    assert {"depression", "panic", "ptsd", "substance-use", "relationships"} <= areas
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_each_vignette_has_its_source_and_labels_in_the_vocabulary(v: dict) -> None:
    rules = bundled()
    assert v["url"].startswith(("http://", "https://"))
    assert len(v["excerpt"]) > 80
    for labels in (v, v["first_rater"]):  # the settled labels, the first rater's
        assert set(labels["areas"]) <= {a.code for a in library.areas()}
        assert set(labels["instruments"]) <= {*instruments.codes(), "none"}
        assert set(labels["maintaining"]) <= {m.code for m in rules.maintaining}
        assert set(labels["approaches"]) <= set(library.APPROACHES)
        assert isinstance(labels["risk"], bool)
