"""The assistant's vignette evaluation (bench/eval_assistant.py): the second rater's labels,
the settled labels and their reasons, the agreement arithmetic, the report."""

from __future__ import annotations

import pytest

from bench import eval_assistant as ev

VIGNETTES = ev.load()
RATER2 = ev.load_rater2()
SECOND = {row["id"]: row for row in RATER2["labels"]}


def test_the_second_rater_labelled_every_vignette_with_the_codebook():
    assert RATER2["about"]
    assert [row["id"] for row in RATER2["labels"]] == [v["id"] for v in VIGNETTES]
    for row in RATER2["labels"]:
        for field in ev.SET_FIELDS:
            codes = {e["code"] for e in RATER2["codebook"][field]}
            assert set(row[field]) <= codes, (row["id"], field)
        assert isinstance(row["risk"], bool)


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_the_settled_labels_are_the_agreement_plus_each_settled_disagreement(v):
    first, second = v["first_rater"], SECOND[v["id"]]
    by_key = {(s["field"], s["code"]): s for s in v["settled"]}
    assert len(by_key) == len(v["settled"])  # one settlement per disagreement
    for field in ev.SET_FIELDS:
        a, b = set(first[field]), set(second[field])
        for code in a ^ b:
            s = by_key.pop((field, code))
            assert (s["first"], s["second"]) == (code in a, code in b)
            assert len(s["reason"]) > 20
        kept = {s["code"] for s in v["settled"] if s["field"] == field and s["settled"] is True}
        assert set(v[field]) == (a & b) | kept, field
    if first["risk"] != second["risk"]:
        s = by_key.pop(("risk", "risk"))
        assert (s["first"], s["second"]) == (first["risk"], second["risk"])
        assert v["risk"] is s["settled"]
    else:
        assert v["risk"] is first["risk"]
    assert not by_key  # no settlement where the raters agreed


def test_pooled_kappa_and_jaccard_over_code_presence():
    codebook = {
        "areas": [{"code": "a"}, {"code": "b"}],
        "instruments": [],
        "maintaining": [],
        "approaches": [],
    }
    blank = {"instruments": [], "maintaining": [], "approaches": [], "risk": False}
    first = {"1": {**blank, "areas": ["a"]}, "2": {**blank, "areas": ["a", "b"], "risk": True}}
    second = {"1": {**blank, "areas": ["a"]}, "2": {**blank, "areas": ["a"], "risk": True}}
    rows = {r.field: r for r in ev.agreement(first, second, codebook)}
    # Items (vignette, code): (1,a) yes/yes, (1,b) no/no, (2,a) yes/yes, (2,b) yes/no.
    # Observed 3/4; expected (3/4 * 2/4) + (1/4 * 2/4) = 1/2; kappa = (3/4 - 1/2) / (1/2).
    assert rows["areas"].kappa == pytest.approx(0.5)
    assert rows["areas"].jaccard == pytest.approx((1 + 1 / 2) / 2)
    assert rows["areas"].same == 1
    assert rows["maintaining"].jaccard == 1.0  # two empty sets agree
    assert rows["maintaining"].kappa is None  # no code was ever given: undefined
    assert rows["risk"].same == 2


def test_an_instrument_fits_only_as_labelled_and_no_instrument_only_when_none_fits():
    draft = {"areas": [], "factors": [], "approaches": [], "risk_mentioned": False}
    labels = {"areas": [], "maintaining": [], "approaches": [], "risk": False}
    none_drafted = {**draft, "instruments": []}
    core10 = {**draft, "instruments": ["core10"]}
    assert ev.judge(none_drafted, {**labels, "instruments": ["none"]})["instrument_fit"]
    assert not ev.judge(none_drafted, {**labels, "instruments": ["core10"]})["instrument_fit"]
    assert ev.judge(core10, {**labels, "instruments": ["core10"]})["instrument_fit"]
    assert not ev.judge(core10, {**labels, "instruments": ["phq9"]})["instrument_fit"]


def test_the_report_prints_agreement_and_the_figures_for_each_label_set(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setattr(ev, "OUT", tmp_path / "assistant.json")
    assert ev.main() == 0
    out = capsys.readouterr().out
    assert "| field | vignettes labelled the same | Cohen's kappa | mean Jaccard |" in out
    for field in ev.LABEL_FIELDS:
        assert f"| {field} | " in out
    assert "| measure | first rater | second rater | settled |" in out
    assert "code-level disagreements settled" in out
    assert (tmp_path / "assistant.json").exists()
