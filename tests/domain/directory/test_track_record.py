"""Track records for the practice's intake: the Wilson interval against Newcombe's worked
examples, the minimum on both sides, the standing, the reasons and the ranking."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milepost.domain import instruments
from milepost.domain.directory import matching
from milepost.domain.directory.ranking import room
from milepost.domain.directory.track_record import (
    DATA,
    Clinician,
    Counts,
    InvalidTrackRecord,
    Standing,
    area_measures,
    main_area,
    method,
    parse,
    suggest,
    track_record,
    whole_percent,
    wilson,
)

WORRY = "worry and generalised anxiety"
TODAY = dt.date(2026, 12, 7)


# Newcombe RG, Stat Med 1998;17:857-872, Table II, method 3 (the score interval without
# continuity correction), to the four decimals printed there.
NEWCOMBE_METHOD_3 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE_METHOD_3)
def test_wilson_matches_newcombes_worked_examples(k, n, low, high):
    interval = wilson(k, n, confidence=0.95)
    assert round(interval.low, 4) == low
    assert round(interval.high, 4) == high


def test_the_bundled_method_is_wilson_at_95_percent():
    assert method().confidence == 0.95
    assert "Newcombe" in method().interval_source


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_the_interval_holds_the_observed_rate_and_stays_in_range(pair):
    k, n = pair
    interval = wilson(k, n)
    assert 0.0 <= interval.low <= k / n <= interval.high <= 1.0
    assert (interval.low == 0.0) is (k == 0)
    assert (interval.high == 1.0) is (k == n)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1, 0), {}), ((3, 2), {}), ((-1, 5), {}), ((True, 5), {}), ((1, 5), {"confidence": 1.0})],
)
def test_wilson_refuses_what_is_not_a_count_of_a_count(args, kwargs):
    with pytest.raises(InvalidTrackRecord):
        wilson(*args, **kwargs)


def test_the_briefs_example_reads_as_written():
    record = track_record(
        WORRY, Counts(14, 9, 10), m=dataclasses.replace(method(), minimum_cases=14)
    )
    assert record.reasons[0] == (
        "recovered 9 of 14 clients with worry and generalised anxiety (64%, 95% interval 39–84%)"
    )


def test_halves_round_up():
    assert whole_percent(0.125) == 13
    assert whole_percent(0.385) == 39


# --------------------------------------------------------------------------- the minimum


def test_one_case_under_the_minimum_shows_no_rate():
    n = method().minimum_cases - 1
    record = track_record(WORRY, Counts(n, n, n))
    assert not record.enough
    assert record.recovery is None
    assert record.improvement is None
    assert record.standing is Standing.TOO_FEW
    assert record.reasons == (f"too few cases to show for {WORRY} ({n}; {n + 1} needed)",)


def test_the_minimum_itself_shows_both_rates_with_their_intervals():
    n = method().minimum_cases
    record = track_record(WORRY, Counts(n, n - 1, n - 2))
    assert record.enough
    assert record.recovery is not None
    assert record.improvement is not None
    assert (record.recovery.count, record.recovery.of) == (n - 1, n)
    assert record.recovery.interval == wilson(n - 1, n)
    assert record.reasons[0].startswith(f"recovered {n - 1} of {n} clients with {WORRY} (")
    assert record.reasons[1].startswith(f"reliably improved {n - 2} of {n} (")


def test_the_minimum_is_read_from_the_method():
    small = dataclasses.replace(method(), minimum_cases=3)
    assert track_record(WORRY, Counts(3, 2, 2), m=small).enough
    assert not track_record(WORRY, Counts(2, 2, 2), m=small).enough


def test_no_cases_at_all_is_too_few():
    assert track_record(WORRY, Counts(0, 0, 0)).standing is Standing.TOO_FEW


# --------------------------------------------------------------------------- standing


def test_standing_compares_the_whole_interval_with_the_standard():
    n = method().minimum_cases
    standard = method().benchmark_recovery / 100
    for k in range(n + 1):
        record = track_record(WORRY, Counts(n, k, k))
        interval = wilson(k, n)
        if interval.low > standard:
            assert record.standing is Standing.ABOVE
            assert "recovery above the 50% standard" in record.reasons
        elif interval.high < standard:
            assert record.standing is Standing.BELOW
            assert "recovery below the 50% standard" in record.reasons
        else:
            assert record.standing is Standing.WITHIN
    assert track_record(WORRY, Counts(n, n, n)).standing is Standing.ABOVE
    assert track_record(WORRY, Counts(n, 0, 0)).standing is Standing.BELOW


@pytest.mark.parametrize("counts", [(5, 6, 0), (5, 0, 6), (-1, 0, 0), (2.0, 1, 1), (True, 0, 0)])
def test_counts_must_be_counts_of_the_cases(counts):
    with pytest.raises(InvalidTrackRecord):
        Counts(*counts)


# --------------------------------------------------------------------------- areas


def test_each_area_is_measured_by_its_first_instrument_with_outcome_thresholds():
    measures = {area: i.code for area, i in area_measures().items()}
    assert measures["low mood and inactivity"] == "phq9"
    assert measures[WORRY] == "gad7"
    assert measures["trauma and post-traumatic stress"] == "pcl5"
    assert "panic and agoraphobia" not in measures  # its PDSS is not a Milepost instrument
    for code in measures.values():
        instrument = instruments.get(code)
        assert instrument.caseness_cutoff is not None
        assert instrument.reliable_change is not None


def test_an_area_without_a_measure_has_no_record():
    with pytest.raises(InvalidTrackRecord):
        track_record("panic and agoraphobia", Counts(20, 10, 10))


def test_the_main_area_is_the_first_measured_one_the_words_name():
    reading = matching.read("Panic attacks on the bus, and I dread going to work.")
    assert reading.needs[0].focus == "panic and agoraphobia"
    assert main_area(reading) == WORRY
    assert main_area(matching.read("panic attacks")) is None
    assert main_area(matching.NOTHING) is None


def _with(old: str, new: str) -> str:
    text = DATA.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("cases = 15", "cases = 0", "[minimum] cases"),
        ('method = "wilson"', 'method = "wald"', "wilson"),
        ("confidence = 0.95", "confidence = 1.5", "confidence"),
        ("recovery_percent = 50", "recovery_percent = 150", "recovery_percent"),
        (
            'recovery_percent = 50\nsource = """',
            'recovery_percent = 50\nnote = """',
            "[benchmark] has no source",
        ),
    ],
)
def test_loading_refuses_broken_data(old, new, message):
    with pytest.raises(InvalidTrackRecord, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(_with(old, new))


def test_every_number_of_the_method_has_a_source():
    m = method()
    assert m.minimum_cases == 15
    assert "JAMA Psychiatry" in m.minimum_source
    assert "Wilson" in m.interval_source
    assert m.benchmark_recovery == 50
    assert "NHS" in m.benchmark_source


# --------------------------------------------------------------------------- the intake

READING = matching.read("I worry all the time and panic on the train.")


def _clinician(key, *, focus=(), approaches=(), capacity=10, counts=None):
    return Clinician(
        key=key,
        name=key.title(),
        focus_areas=frozenset(focus),
        modalities=frozenset(approaches),
        room=room(capacity=capacity, caseload=0, next_opening=None, today=TODAY),
        track=None if counts is None else track_record(WORRY, Counts(*counts)),
    )


N = method().minimum_cases
FITS_WELL_BUT_BELOW = _clinician(
    "ann", focus=[WORRY, "panic and agoraphobia"], approaches=["cbt"], counts=(N, 1, 1)
)
FITS_LESS_BUT_ABOVE = _clinician("ben", counts=(N, N, N))
TOO_FEW = _clinician("cat", focus=[WORRY], counts=(N - 1, N - 1, N - 1))
NOT_SHOWN = _clinician("dan", focus=[WORRY])


def test_with_outcomes_the_standing_orders_first():
    people = [FITS_WELL_BUT_BELOW, FITS_LESS_BUT_ABOVE, TOO_FEW, NOT_SHOWN]
    ranked = suggest(people, READING, use_outcomes=True)
    assert [s.clinician.key for s in ranked] == ["ben", "cat", "dan", "ann"]


def test_without_outcomes_only_the_listing_and_room_order():
    people = [FITS_WELL_BUT_BELOW, FITS_LESS_BUT_ABOVE, TOO_FEW, NOT_SHOWN]
    ranked = suggest(people, READING, use_outcomes=False)
    assert [s.clinician.key for s in ranked] == ["ann", "cat", "dan", "ben"]


def test_the_reasons_say_why_with_the_figures_given():
    ranked = {
        s.clinician.key: s
        for s in suggest([FITS_WELL_BUT_BELOW, TOO_FEW, NOT_SHOWN], READING, use_outcomes=False)
    }
    ann = ranked["ann"].reasons
    assert ann[0].startswith("CBT for ")
    assert f"works with {WORRY}" in ann[1]
    assert "has room now" in ann
    assert any(r.startswith(f"recovered 1 of {N} clients with {WORRY} (7%") for r in ann)
    assert "recovery below the 50% standard" in ann
    assert ranked["cat"].reasons[-1] == f"too few cases to show for {WORRY} ({N - 1}; {N} needed)"
    assert not any("recovered" in r or "too few" in r for r in ranked["dan"].reasons)


def test_room_breaks_a_tie_in_fit():
    full = _clinician("amy", focus=[WORRY], capacity=0)
    free = _clinician("zoe", focus=[WORRY], capacity=5)
    assert [s.clinician.key for s in suggest([full, free], READING, use_outcomes=False)] == [
        "zoe",
        "amy",
    ]
