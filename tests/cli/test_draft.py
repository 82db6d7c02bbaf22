"""`milepost draft`: the issue's JSON shape, no database, one-line errors naming the field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from milepost.cli import main

INTAKE = Path(__file__).parents[1] / "domain" / "drafting" / "depression_intake.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["draft", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_issues_shape(capsys):
    code, out, err = run(capsys, "--intake", str(INTAKE), "--json", "--today", "2026-12-07")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {"factors", "goals"} <= set(data)
    # The rest of the answer, as docs/drafting.md lists it.
    assert set(data) == {
        "plan_date",
        "review_due",
        "areas",
        "factors",
        "cbt_cycle",
        "goals",
        "risk",
        "for_clinician",
        "plan_findings",
    }
    assert {"kind", "text", "source"} <= set(data["factors"][0])
    goal = data["goals"][0]
    assert {"client_words", "statement", "target", "factors", "analysis", "objectives"} <= set(goal)
    assert {"measure", "baseline", "target", "comparator", "deadline"} <= set(goal["target"])
    objective = goal["objectives"][0]
    assert {"statement", "target", "analysis", "interventions"} <= set(objective)
    assert goal["analysis"]["criteria"]["measurable"]["met"] is True


def test_the_outline_names_goals_and_sources(capsys):
    code, out, _ = run(capsys, "--intake", str(INTAKE), "--today", "2026-12-07")
    assert code == 0
    assert "PHQ-9 from 18 to 9 or below within 16 weeks" in out
    assert 'presenting_problem: "Thinks she is useless' in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "presenting_problem: the intake is empty"),
        ("[1]", "intake: must be a JSON object"),
        ("not json", "is not JSON"),
        (
            '{"presenting_problem": "low", "scores": [{"instrument": "XYZ", "total": 1}]}',
            "scores[0].instrument",
        ),
        (
            '{"presenting_problem": "low", "scores": [{"instrument": "gad7", "total": 22}]}',
            "22 is out of range for GAD-7 (0 to 21)",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_field(capsys, tmp_path, content, message):
    path = tmp_path / "intake.json"
    path.write_text(content)
    code, out, err = run(capsys, "--intake", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_a_missing_file_is_a_clear_message(capsys, tmp_path):
    code, _, err = run(capsys, "--intake", str(tmp_path / "nope.json"))
    assert code == 2
    assert "cannot read" in err


def test_draft_does_not_start_django():
    # "Without touching a database": Django (and so any database) is never imported.
    code = (
        "import sys; from milepost.cli import main; "
        f"rc = main(['draft', '--intake', {str(INTAKE)!r}, '--json', '--today', '2026-12-07']); "
        "assert rc == 0; assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["goals"][0]["target"]["target"] == 9


def test_each_analysis_has_the_shape_of_milepost_smart_json(capsys):
    _, out, _ = run(capsys, "--intake", str(INTAKE), "--json", "--today", "2026-12-07")
    goal = json.loads(out)["goals"][0]
    assert main(["smart", "--json", goal["statement"]]) == 0
    smart = json.loads(capsys.readouterr().out)
    for analysis in (goal["analysis"], goal["objectives"][0]["analysis"]):
        assert set(analysis) == set(smart)
        assert set(analysis["criteria"]) == set(smart["criteria"])
        assert set(analysis["structure"]) == set(smart["structure"])
