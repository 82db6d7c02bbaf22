from __future__ import annotations

import pytest

from milepost.domain import instruments
from milepost.domain.narrative import change_in_words
from milepost.domain.progress import change

CASES = [
    # (instrument, before, after, words)
    (
        "phq9",
        18,
        9,
        "Reliable improvement: −9 points (threshold 6); no longer in the clinical range"
        " — reliable recovery.",
    ),
    ("phq9", 18, 13, "No reliable change: −5 points (threshold 6); still in the clinical range."),
    ("phq9", 18, 12, "Reliable improvement: −6 points (threshold 6); still in the clinical range."),
    ("phq9", 8, 15, "Reliable deterioration: +7 points (threshold 6); now in the clinical range."),
    (
        "phq9",
        5,
        5,
        "No reliable change: no change in points (threshold 6); below the clinical cut-off"
        " at both points.",
    ),
    ("gad7", 15, 11, "Reliable improvement: −4 points (threshold 4); still in the clinical range."),
    # GAD-7 caseness is 8 or more (NHS Talking Therapies), so 8 -> 7 leaves the range.
    ("gad7", 8, 7, "No reliable change: −1 point (threshold 4); no longer in the clinical range."),
]


@pytest.mark.parametrize(("code", "before", "after", "words"), CASES)
def test_change_is_said_in_words(code, before, after, words):
    instrument = instruments.get(code)
    assert change_in_words(change(instrument, before, after)) == words
