"""`milepost score`: exact JSON, human summary, unscorable forms and invalid input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from milepost.cli import main
from milepost.domain import instruments

SELF_HARM = instruments.get("phq9").flags[0].message


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["score", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_for_a_complete_phq9(capsys):
    code, out, err = run(capsys, "phq9", "2,1,1,2,1,2,1,1,1", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "instrument": "phq9",
        "total": 12,
        "band": {"code": "moderate", "label": "Moderate"},
        "answered": 9,
        "prorated": False,
        "flags": [{"code": "self-harm", "severity": "urgent", "message": SELF_HARM}],
        "subscales": {},
        "provisional_diagnosis": None,
    }
    assert out.count("\n") == 1  # one JSON object on one line


def test_json_for_a_prorated_phq9_the_reference_example(capsys):
    code, out, _ = run(capsys, "PHQ-9", "2,3,1,,2,2,1,0,1", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["total"], data["answered"], data["prorated"]) == (14, 8, True)  # 13.5 half up
    assert data["band"] == {"code": "moderate", "label": "Moderate"}


def test_json_for_pcl5_has_clusters_and_provisional_diagnosis(capsys):
    answers = "2,0,0,0,0,2,0,2,2,0,0,0,0,0,2,2,0,0,0,0"
    code, out, _ = run(capsys, "pcl5", answers, "--json")
    assert code == 0
    assert json.loads(out) == {
        "instrument": "pcl5",
        "total": 12,
        "band": None,
        "answered": 20,
        "prorated": False,
        "flags": [],
        "subscales": {"B": 2, "C": 2, "D": 4, "E": 4},
        "provisional_diagnosis": {"dsm5_clusters": True, "cutoff": False, "cutoff_value": 33},
    }


@pytest.mark.parametrize(
    ("argv", "total", "band"),
    [
        (["gad7", "1,1,1,1,1,0,0"], 5, "mild"),  # edge 4 | 5
        (["gad7", "1,1,1,1,0,0,0"], 4, "minimal"),
        (["phq15", "2,2,2,2,2,0,0,0,0,0,0,0,0,0,0"], 10, "medium"),  # edge 9 | 10
        (["auditc", "1,1,1"], 3, None),
    ],
)
def test_json_totals_and_bands_for_other_instruments(capsys, argv, total, band):
    code, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["total"] == total
    assert (data["band"] or {}).get("code") == band


def test_unscorable_form_prints_null_total_with_the_reason_and_still_flags(capsys):
    code, out, err = run(capsys, "phq9", ",,,,,,,,2", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["total"] is None
    assert data["band"] is None
    assert data["reason"] == "8 of 9 items unanswered; PHQ-9 can be scored with at most 2 blank"
    assert [f["code"] for f in data["flags"]] == ["self-harm"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["phq9", "2,1,4,0,1,2,1,0,1"], "item 3: 4 is out of range 0\u20133"),
        (["phq9", "2,1,-1,0,1,2,1,0,1"], "item 3: -1 is out of range 0\u20133"),
        (["phq9", "2,1,x,0,1,2,1,0,1"], "item 3: 'x' is not a number"),
        (["phq9", "2,1,1.5,0,1,2,1,0,1"], "item 3: '1.5' is not a whole number"),
        (["phq9", "2,1,1,0,1,2,1,0"], "item 9: no answer given; PHQ-9 has 9 items and 8"),
        (["phq9", "2,1,1,0,1,2,1,0,1,1"], "item 10: PHQ-9 has only 9 items; 10 answers"),
        (["gad7", "3,3,3,3,3,3,3,3"], "item 8: GAD-7 has only 7 items"),
        (["auditc", "0,5,0"], "item 2: 5 is out of range 0\u20134"),
        (["pcl5", "0"], "item 2: no answer given; PCL-5 has 20 items and 1"),
        (
            ["bdi", "0,1"],
            "unknown instrument 'bdi'; known: auditc, core10, gad7, pcl5, phq15, phq9",
        ),
    ],
)
def test_invalid_input_exits_2_with_one_line_naming_the_item(capsys, argv, message):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"milepost score: {message}")


def test_human_readable_summary(capsys):
    code, out, _ = run(capsys, "phq9", "2,3,1,,2,2,1,0,1")
    assert code == 0
    assert out.splitlines() == [
        "PHQ-9: 14 (Moderate) \u2014 8 of 9 items answered, prorated from 13.5",
        f"FLAG URGENT self-harm: {SELF_HARM}",
    ]


def test_human_readable_summary_for_pcl5_and_unscorable(capsys):
    _, out, _ = run(capsys, "pcl5", "2,0,0,0,0,,,2,2,0,0,0,0,0,2,2,0,0,0,0")
    assert out.splitlines() == [
        "PCL-5: 11 \u2014 18 of 20 items answered, prorated from 11.1111",
        "Subscales: B 2, C \u2014, D 4, E 4",
        "Provisional (screening only): dsm5_clusters undetermined; cut-off 33 negative",
    ]
    _, out, _ = run(capsys, "auditc", "1,,1")
    assert out.splitlines() == [
        "AUDIT-C: cannot be scored \u2014 1 of 3 items unanswered; "
        "AUDIT-C can be scored only with every item answered"
    ]


def test_score_does_not_start_django():
    code = (
        "import sys; from milepost.cli import main; "
        "rc = main(['score', 'phq9', '0,0,0,0,0,0,0,0,0', '--json']); "
        "assert rc == 0; assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 0
