"""`milepost change`: exact JSON, human summary and invalid input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from milepost.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["change", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_matches_the_stable_interface_example(capsys):
    code, out, err = run(capsys, "phq9", "18", "9", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "instrument": "phq9",
        "before": 18,
        "after": 9,
        "change": -9,
        "reliable_change": "improved",
        "threshold": 6,
        "caseness_before": True,
        "caseness_after": False,
        "recovered": True,
        "reliable_recovery": True,
    }
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "reliable", "threshold", "recovered", "reliable_recovery"),
    [
        (["phq9", "15", "9"], "improved", 6, True, True),  # exactly 6 (edge 5 | 6)
        (["phq9", "14", "9"], "none", 6, True, False),  # 5 points: recovered, not reliably
        (["phq9", "4", "10"], "deteriorated", 6, None, None),  # not a case before
        (["GAD-7", "8", "4"], "improved", 4, True, True),  # exactly 4 (edge 3 | 4)
        (["gad7", "8", "5"], "none", 4, True, False),
        (["gad7", "7", "11"], "deteriorated", 4, None, None),
        (["pcl5", "45", "35"], "improved", 10, False, False),  # still >= 33
        (["phq9", "14", "9", "--threshold", "5"], "improved", 5, True, True),
    ],
)
def test_json_change_cases(capsys, argv, reliable, threshold, recovered, reliable_recovery):
    code, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["reliable_change"] == reliable
    assert data["threshold"] == threshold
    assert data["recovered"] is recovered
    assert data["reliable_recovery"] is reliable_recovery


def test_instrument_without_thresholds_gives_nulls(capsys):
    code, out, _ = run(capsys, "phq15", "12", "6", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["change"] == -6
    assert data["reliable_change"] is None
    assert data["threshold"] is None
    assert data["caseness_before"] is None
    assert data["recovered"] is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["phq9", "28", "9"], "before: 28 is out of range 0\u201327 for PHQ-9"),
        (["phq9", "18", "-1"], "after: -1 is out of range 0\u201327 for PHQ-9"),
        (["phq9", "x", "9"], "before: 'x' is not a number"),
        (["phq9", "18", "nan"], "after: 'nan' is not a number"),
        (["phq9", "18", ""], "after: '' is not a number"),
        (["nope", "18", "9"], "unknown instrument 'nope'"),
    ],
)
def test_invalid_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv, "--json")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"milepost change: {message}")


@pytest.mark.parametrize("threshold", ["0", "-2", "six"])
def test_a_bad_threshold_is_an_argument_error(capsys, threshold):
    with pytest.raises(SystemExit) as info:
        main(["change", "phq9", "18", "9", "--threshold", threshold])
    assert info.value.code == 2
    assert "--threshold" in capsys.readouterr().err


def test_human_readable_summary(capsys):
    code, out, _ = run(capsys, "phq9", "18", "9")
    assert code == 0
    assert out.splitlines() == [
        "PHQ-9 18 \u2192 9 (-9 points)",
        "Reliable improvement (threshold 6)",
        "Clinical range: a case before, not a case after",
        "Recovery: recovered; reliable recovery: yes",
    ]


def test_human_readable_summary_not_a_case_before(capsys):
    _, out, _ = run(capsys, "gad7", "5", "9")
    assert out.splitlines() == [
        "GAD-7 5 \u2192 9 (+4 points)",
        "Reliable deterioration (threshold 4)",
        "Clinical range: not a case before, a case after",
        "Recovery: not applicable (not a case before)",
    ]


def test_change_does_not_start_django():
    code = (
        "import sys; from milepost.cli import main; "
        "rc = main(['change', 'phq9', '18', '9', '--json']); "
        "assert rc == 0; assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reliable_change"] == "improved"
