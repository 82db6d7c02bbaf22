"""`milepost smart`: the DESIGN.md JSON shape, JSONL in order, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from milepost.cli import main

GOAL = "Reduce depressive symptoms (PHQ-9 from 18 to ≤9) within 16 weeks"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["smart", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_exactly_the_design_shape(capsys):
    code, out, err = run(capsys, GOAL, "--json", "--today", "2026-01-05")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1  # one object on one line
    data = json.loads(out)
    assert list(data) == [
        "id",
        "text",
        "criteria",
        "positive",
        "structure",
        "findings",
        "rewrite",
    ]
    assert data["id"] is None
    assert data["text"] == GOAL
    assert list(data["criteria"]) == [
        "specific",
        "measurable",
        "achievable",
        "relevant",
        "time_bound",
    ]
    for criterion in data["criteria"].values():
        assert set(criterion) == {"met", "why"}
    assert set(data["positive"]) == {"met", "why", "reframe"}
    assert data["structure"] == {
        "measure": "PHQ-9",
        "baseline": 18,
        "target": 9,
        "comparator": "<=",
        "direction": "decrease",
        "unit": "points",
        "deadline": {"text": "within 16 weeks", "days": 112, "date": None},
    }
    assert data["criteria"]["relevant"]["met"] is None
    assert data["findings"] == []
    assert data["rewrite"] == "Reduce depressive symptoms (PHQ-9 from 18 to ≤9) within 16 weeks."


def test_json_reports_findings_and_a_reframe(capsys):
    code, out, _ = run(capsys, "Stop eating junk food", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["positive"]["met"] is False
    assert data["positive"]["reframe"] == "Eat a home-cooked meal [how often] by [when]."
    codes = [f["code"] for f in data["findings"]]
    assert "negative-wording" in codes
    for finding in data["findings"]:
        assert set(finding) == {"code", "severity", "message", "fix"}


def test_an_absolute_date_is_resolved_against_today(capsys):
    _, out, _ = run(capsys, "Walk daily by June 30", "--json", "--today", "2026-07-01")
    deadline = json.loads(out)["structure"]["deadline"]
    assert deadline == {"text": "by June 30", "days": None, "date": "2027-06-30"}


def test_without_json_it_prints_a_summary(capsys):
    code, out, _ = run(capsys, GOAL)
    assert code == 0
    assert out.startswith('Specific    yes  anchored to an instrument: "PHQ-9"')
    assert "Rewrite     " in out


def test_jsonl_prints_one_object_per_line_in_order_with_the_same_id(capsys, tmp_path):
    lines: list[dict[str, Any]] = [
        {"id": "g1", "text": "Improve self-esteem"},
        {"id": 2, "text": GOAL},
        {"id": None, "text": ""},
        {
            "id": "g4",
            "text": "Resume grocery shopping twice a week within 12 weeks",
            "context": {"formulation_factors": ["Avoids supermarkets"], "endorsed": True},
        },
    ]
    path = tmp_path / "goals.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in lines) + "\n\n", encoding="utf-8")
    code, out, err = run(capsys, "--jsonl", str(path))
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["id"] for row in rows] == ["g1", 2, None, "g4"]
    assert [row["text"] for row in rows] == [line["text"] for line in lines]
    assert rows[0]["criteria"]["specific"]["met"] is False
    assert rows[3]["criteria"]["relevant"]["met"] is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "ok"}\nnot json\n', "line 2: not JSON"),
        ('{"id": 1}\n', 'line 1: has no "text"'),
        ('{"id": 1, "text": 5}\n', 'line 1: "text" is not a string'),
        ('["a list"]\n', 'line 1: expected an object with "id" and "text"'),
        ('{"text": "x", "context": {"mood": 1}}\n', 'line 1: unknown context field "mood"'),
        ('{"text": "x", "context": {"baseline": "high"}}\n', 'context field "baseline"'),
        ('{"text": "x", "context": {"review_due": "soon"}}\n', "must be a date"),
        ("[" * 100_000 + "\n", "line 1: not JSON"),
    ],
)
def test_a_bad_line_is_named_in_one_line_and_nothing_is_printed(capsys, tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--jsonl", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"milepost smart: {path} ")
    assert message in err


def test_an_unreadable_file_is_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "--jsonl", str(tmp_path / "missing.jsonl"))
    assert (code, out) == (2, "")
    assert (
        err
        == f"milepost smart: cannot read {tmp_path / 'missing.jsonl'}: No such file or directory\n"
    )


def test_a_file_that_is_not_utf8_is_one_line(capsys, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"text": "caf\u00e9"}'.encode("latin-1"))
    code, _, err = run(capsys, "--jsonl", str(path))
    assert code == 2
    assert err == f"milepost smart: cannot read {path}: not UTF-8 text\n"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["text", "--jsonl", "file.jsonl"],
        ["text", "--today", "yesterday"],
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1


def test_it_reads_standard_input(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "a", "text": "Exercise daily"}\n'))
    code, out, _ = run(capsys, "--jsonl", "-")
    assert code == 0
    assert json.loads(out)["id"] == "a"


def test_the_command_never_starts_django():
    script = (
        "import sys; from milepost.cli import main; "
        "main(['smart', 'Walk daily', '--json']); "
        "print('django.setup' if 'django.apps' in sys.modules else 'no django', file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stderr.strip() == "no django"
