"""Scoring every instrument: band edges, missing items, PCL-5 clusters, flags, invalid input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milepost.domain import instruments
from milepost.domain.errors import DomainError, InvalidAnswers
from milepost.domain.instruments import Instrument, score
from milepost.domain.instruments.scoring import round_total

from .cases import answers_for_total, blanks_to_none, synthetic, table

BANDS = table("bands.toml")
MISSING = table("missing.toml")["case"]
CLUSTERS = table("pcl5_clusters.toml")["case"]
INVALID = table("invalid.toml")["case"]


def _rows(key: str) -> list[tuple[str, int, object]]:
    return [
        (code, total, expected) for code, t in BANDS.items() for total, expected in t.get(key, [])
    ]


# --- band edges, both sides, every instrument ----------------------------------------------


@pytest.mark.parametrize(("code", "total", "band"), _rows("bands"))
def test_band_edges(code, total, band):
    instrument = instruments.get(code)
    result = score(instrument, answers_for_total(instrument, total))
    assert result.total == total
    assert result.band is not None
    assert result.band.code == band


def test_the_band_table_covers_both_sides_of_every_edge_of_every_instrument():
    """Guards the table above: adding an instrument or a band without cases fails here."""
    assert set(BANDS) == set(instruments.codes())
    for instrument in instruments.all_instruments():
        tested = {total for total, _ in BANDS[instrument.code]["bands"]}
        needed = {instrument.total_min, instrument.total_max} if instrument.bands else set()
        for band in instrument.bands[:-1]:
            needed |= {band.max, band.max + 1}
        assert needed <= tested, (instrument.code, sorted(needed - tested))
        cutoff = instrument.caseness_cutoff
        if cutoff is not None:
            edge = {cutoff - 1, cutoff} if instrument.higher_is_worse else {cutoff, cutoff + 1}
            assert edge <= {t for t, _ in BANDS[instrument.code]["caseness"]}, instrument.code


@pytest.mark.parametrize("code", [c for c, t in BANDS.items() if not t["bands"]])
def test_instruments_without_published_bands_report_no_band(code):
    instrument = instruments.get(code)
    result = score(instrument, answers_for_total(instrument, instrument.total_max))
    assert result.band is None
    assert result.as_dict()["band"] is None


@pytest.mark.parametrize(("code", "total", "case"), _rows("caseness"))
def test_caseness_edges(code, total, case):
    assert instruments.get(code).is_case(total) is case


@pytest.mark.parametrize(("code", "total", "positive"), _rows("cutoff"))
def test_provisional_cutoff_edges(code, total, positive):
    instrument = instruments.get(code)
    result = score(instrument, answers_for_total(instrument, total))
    assert result.provisional_diagnosis is not None
    assert result.provisional_diagnosis.cutoff_met is positive


def test_auditc_women_variant_is_available_for_callers_that_know_it_applies():
    auditc = instruments.get("auditc")
    assert auditc.caseness is not None
    assert dict(auditc.caseness.variants)["women"] == 3


# --- missing items --------------------------------------------------------------------------


@pytest.mark.parametrize("case", MISSING, ids=[c["name"] for c in MISSING])
def test_missing_items(case):
    instrument = instruments.get(case["instrument"])
    result = score(instrument, blanks_to_none(case["answers"]))
    assert result.answered == sum(1 for a in case["answers"] if a != "")
    if "reason" in case:
        assert result.total is None
        assert result.exact_total is None
        assert result.prorated is False
        assert result.band is None
        assert result.reason is not None
        assert result.reason.startswith(case["reason"])
        assert result.as_dict()["reason"] == result.reason
    else:
        assert result.total == case["total"]
        assert result.exact_total == pytest.approx(case["exact"])
        assert result.prorated is case["prorated"]
        assert "reason" not in result.as_dict()
        if "band" in case:
            assert result.band is not None
            assert result.band.code == case["band"]


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounding", "expected"),
    [
        (27, 2, "half-up", 14),  # 13.5 -> 14
        (27, 2, "half-even", 14),  # 13.5 -> 14 (even)
        (25, 2, "half-even", 12),  # 12.5 -> 12 (even)
        (25, 2, "half-up", 13),  # 12.5 -> 13
        (27, 2, "floor", 13),
        (27, 2, "ceiling", 14),
        (40, 3, "half-up", 13),  # 13.33 -> 13
        (41, 3, "half-up", 14),  # 13.67 -> 14
        (40, 3, "ceiling", 14),
    ],
)
def test_rounding_rules(numerator, denominator, rounding, expected):
    from fractions import Fraction

    assert round_total(Fraction(numerator, denominator), rounding) == expected


def test_a_method_none_instrument_cannot_be_scored_with_any_blank():
    result = score(synthetic(), [4, 0, 4, None])
    assert result.total is None
    assert result.reason == (
        "1 of 4 items unanswered; TEST-WB can be scored only with every item answered"
    )


# --- PCL-5 clusters ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CLUSTERS, ids=[c["name"] for c in CLUSTERS])
def test_pcl5_cluster_rule_and_scores(case):
    result = score(instruments.get("pcl5"), blanks_to_none(case["answers"]))
    assert result.total == case["total"]
    subscales = dict(result.subscales)
    assert result.subscale("D") == subscales["D"]
    for code in case.get("blank_subscales", []):
        assert subscales.pop(code) is None
    assert subscales == case["subscales"]
    pd = result.provisional_diagnosis
    assert pd is not None
    assert pd.rule_met is case.get("met")  # absent = undetermined (None)
    if "cutoff" in case:
        assert pd.cutoff_met is case["cutoff"]
    assert result.as_dict()["provisional_diagnosis"] == {
        "dsm5_clusters": case.get("met"),
        "cutoff": pd.cutoff_met,
        "cutoff_value": 33,
    }


def test_pcl5_cutoff_is_configurable_in_the_data():
    from dataclasses import replace

    pcl5 = instruments.get("pcl5")
    assert pcl5.provisional_diagnosis is not None
    stricter = replace(pcl5, provisional_diagnosis=replace(pcl5.provisional_diagnosis, cutoff=38))
    answers = answers_for_total(pcl5, 35)
    assert score(pcl5, answers).provisional_diagnosis.cutoff_met is True  # type: ignore[union-attr]
    result = score(stricter, answers)
    assert result.provisional_diagnosis is not None
    assert result.provisional_diagnosis.cutoff_met is False
    assert result.provisional_diagnosis.as_dict()["cutoff_value"] == 38


@pytest.mark.parametrize(
    ("answers", "somatoform_likely"),
    [
        ([2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], False),  # two 'bothered a lot'
        ([2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], True),  # three: the threshold
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], False),  # 'a little' never counts
        ([2, 2, None, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], None),  # a blank could be the third
    ],
)
def test_phq15_three_symptoms_bothered_a_lot(answers, somatoform_likely):
    result = score(instruments.get("phq15"), answers)
    assert result.provisional_diagnosis is not None
    assert result.provisional_diagnosis.as_dict() == {"somatoform_likely": somatoform_likely}


# --- flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item9", "flags"),
    [
        (0, []),  # 'not at all': no flag (which is not evidence of no risk)
        (1, ["self-harm"]),  # edge: any answer above 0
        (2, ["self-harm"]),
        (3, ["self-harm"]),
        (None, ["self-harm-unanswered"]),  # never imputed for safety
    ],
)
def test_phq9_item_9_flags(item9, flags):
    result = score(instruments.get("phq9"), [0, 0, 0, 0, 0, 0, 0, 0, item9])
    assert [f.code for f in result.flags] == flags


def test_phq9_self_harm_flag_is_urgent_and_independent_of_total_and_missing_items():
    result = score(instruments.get("phq9"), [None, None, None, None, None, None, None, None, 1])
    assert result.total is None  # far too many blanks to score
    assert [(f.code, f.severity) for f in result.flags] == [("self-harm", "urgent")]
    flags = result.as_dict()["flags"]
    assert isinstance(flags, list)
    assert flags[0]["severity"] == "urgent"
    assert "item 9" in result.flags[0].message.lower()


def test_flags_compare_the_answer_as_given_even_on_a_reversed_item():
    result = score(synthetic(), [0, 4, 0, 0])  # item 2 answered 'Always' scores 0
    assert [f.code for f in result.flags] == ["very-low"]
    assert result.total == 0


# --- reverse scoring and non-contiguous answers ----------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0, 4, 0, 0], 0, "low"),  # item 2 reversed: 4 -> 0
        ([0, 0, 0, 0], 4, "low"),  # item 2 reversed: 0 -> 4
        ([1, 2, 1, 2], 6, "low"),  # edge 6 | 7
        ([1, 2, 2, 2], 7, "typical"),
        ([4, 0, 4, 4], 16, "typical"),
    ],
)
def test_reverse_scored_items(answers, total, band):
    result = score(synthetic(), answers)
    assert result.total == total
    assert result.band is not None
    assert result.band.code == band


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        ([0, 4, 4, 0, 0, 0, 0, 0, 0, 0], 0),  # full support and coping score 0
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8),  # items 2 and 3 answered 'Not at all' score 4 each
        ([4, 0, 0, 4, 4, 4, 4, 4, 4, 4], 40),
        ([1, 3, 1, 1, 1, 1, 1, 1, 1, 1], 12),  # 1 + (4-3) + (4-1) + 7
    ],
)
def test_core10_reverse_scores_items_2_and_3(answers, total):
    assert score(instruments.get("core10"), answers).total == total


@pytest.mark.parametrize(
    ("item6", "flags"), [(0, []), (1, ["self-harm"]), (None, ["self-harm-unanswered"])]
)
def test_core10_item_6_flags(item6, flags):
    result = score(instruments.get("core10"), [0, 4, 4, 0, 0, item6, 0, 0, 0, 0])
    assert [f.code for f in result.flags] == flags


# --- invalid input --------------------------------------------------------------------------


def _invalid_answers(case: dict) -> object:
    kind = case.get("kind")
    if kind == "string":
        return "000000000"
    if kind == "none":
        return None
    answers = list(case["answers"])
    if kind == "bool-at-4":
        answers[3] = True
    return answers


@pytest.mark.parametrize("case", INVALID, ids=[c["name"] for c in INVALID])
def test_invalid_answers_raise_one_line_naming_the_item(case):
    with pytest.raises(InvalidAnswers) as info:
        score(instruments.get(case["instrument"]), _invalid_answers(case))  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(case["message"])
    assert "\n" not in message
    assert info.value.item == case.get("item")
    assert isinstance(info.value, DomainError)


def test_a_value_between_allowed_answers_lists_the_allowed_answers():
    with pytest.raises(InvalidAnswers, match=r"^item 4: 3 is not one of 0, 2, 4$"):
        score(synthetic(), [0, 0, 0, 3])


# --- worked examples and the JSON shape -------------------------------------------------------


def test_phq9_json_shape_matches_the_stable_interface():
    result = score(instruments.get("phq9"), [2, 1, 1, 2, 1, 2, 1, 1, 1])
    assert result.as_dict() == {
        "instrument": "phq9",
        "total": 12,
        "band": {"code": "moderate", "label": "Moderate"},
        "answered": 9,
        "prorated": False,
        "flags": [
            {
                "code": "self-harm",
                "severity": "urgent",
                "message": instruments.get("phq9").flags[0].message,
            }
        ],
        "subscales": {},
        "provisional_diagnosis": None,
    }


# --- properties ----------------------------------------------------------------------------


@st.composite
def administrations(draw, blanks: bool = True) -> tuple[Instrument, list[int | None]]:
    instrument = draw(st.sampled_from(instruments.all_instruments()))
    answers: list[int | None] = []
    for item in instrument.items:
        choices = st.sampled_from(sorted(item.values))
        answers.append(draw(st.one_of(st.none(), choices) if blanks else choices))
    return instrument, answers


@given(administrations())
def test_property_total_is_within_range_and_banded(admin):
    instrument, answers = admin
    result = score(instrument, answers)
    if result.total is not None:
        assert instrument.total_min <= result.total <= instrument.total_max
        assert (result.band is not None) == bool(instrument.bands)
        for code, value in result.subscales:
            subscale = next(s for s in instrument.subscales if s.code == code)
            if value is not None:
                assert 0 <= value <= 4 * len(subscale.items)
    else:
        assert result.reason


@given(administrations(), st.data())
def test_property_a_higher_answer_never_lowers_the_total(admin, data):
    """Higher = more points: a higher answer, or a lower one on a reverse-scored item."""
    instrument, answers = admin
    answered = [i for i, a in enumerate(answers) if a is not None]
    if not answered:
        return
    index = data.draw(st.sampled_from(answered))
    item = instrument.items[index]
    current = answers[index]
    assert current is not None
    worse = [v for v in item.values if item.scored(v) > item.scored(current)]
    if not worse:
        return
    raised = list(answers)
    raised[index] = data.draw(st.sampled_from(sorted(worse)))
    if not item.reverse:
        assert raised[index] > current  # for ordinary items "more points" is "higher answer"
    before, after = score(instrument, answers), score(instrument, raised)
    if before.total is not None:
        assert after.total is not None
        assert after.total >= before.total
        assert after.exact_total is not None
        assert before.exact_total is not None
        assert after.exact_total > before.exact_total


@given(administrations(blanks=False))
def test_property_complete_forms_sum_and_subscales_add_up(admin):
    instrument, answers = admin
    result = score(instrument, answers)
    assert result.total == sum(
        item.scored(a) for item, a in zip(instrument.items, answers, strict=True) if a is not None
    )
    assert not result.prorated
    assert result.answered == len(instrument.items)
    if instrument.code == "pcl5":
        assert sum(v for _, v in result.subscales if v is not None) == result.total


@given(st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=4, max_size=4))
def test_property_a_higher_answer_on_a_reversed_item_never_raises_the_total(answers):
    answers[3] = answers[3] // 2 * 2  # item 4 allows only 0, 2, 4
    if answers[1] == 4:
        return
    base = score(synthetic(), answers).total
    answers[1] += 1
    raised = score(synthetic(), answers).total
    assert base is not None
    assert raised is not None
    assert raised < base
