"""Hypothesis against the pure CLI commands: any input ends in an answer or one clear line on
stderr with a non-zero exit status, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milepost.cli import main

# Text with what breaks parsers: control characters, surrogates excluded (argv cannot hold them).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
NUMBERISH = st.one_of(
    st.integers(-(10**6), 10**6).map(str), st.floats(allow_nan=True).map(str), TEXT
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's own refusals
            code = exit_.code if isinstance(exit_.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _clear(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    if code == 0:
        json.loads(out)  # --json always prints one JSON object
    else:
        assert err.strip(), "a refusal says why"
        assert len(err.strip().splitlines()) <= 3  # argparse: usage line and the error


@FUZZ
@given(
    instrument=st.sampled_from(["phq9", "gad7", "pcl5", "core10", "nope", ""]),
    answers=st.lists(st.one_of(st.integers(-3, 6).map(str), st.just(""), TEXT), max_size=25),
)
def test_score_never_fails_badly(instrument, answers):
    _clear(*_run(["score", instrument, ",".join(answers), "--json"]))


@FUZZ
@given(
    instrument=st.sampled_from(["phq9", "gad7", "pcl5", "nope"]),
    before=NUMBERISH,
    after=NUMBERISH,
)
def test_change_never_fails_badly(instrument, before, after):
    # A leading "-" would be read as an option: argparse refuses it, which is clear too.
    _clear(*_run(["change", instrument, before, after, "--json"]))


@FUZZ
@given(text=TEXT)
def test_smart_answers_any_text(text):
    code, out, err = _run(["smart", text, "--json"])
    _clear(code, out, err)
    if code == 0:
        assert set(json.loads(out)) >= {"criteria", "structure"}


@pytest.mark.parametrize("argv", [["score"], ["change", "phq9"], ["smart"], ["nope"]])
def test_missing_arguments_are_refused_clearly(argv):
    code, out, err = _run(argv)
    assert code != 0
    _clear(code, out, err)
