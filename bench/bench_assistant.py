"""The drafting assistant's speed for the clinician: the seed depression plan built in
Chromium by hand and with the assistant (tests/browser/test_assistant_speed.py, run here in
a subprocess), counting keystrokes, clicks and seconds.

Browser seconds are the scripted run's (no human pauses); the keystroke-level model gives a
human estimate from the counts: K = 0.28 s per keystroke (an average typist) and P + B =
1.1 + 0.2 s per click (point, then press and release), after Card, Moran & Newell, "The
Psychology of Human-Computer Interaction" (1983), table of KLM operators. ``ratio`` is the
assistant's value over by hand's: below 1 means fewer (the issue asks for ≤ 1/3 actions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Result  # noqa: E402

TEST = "tests/browser/test_assistant_speed.py"
# Keystroke-level model operators (Card, Moran & Newell 1983), in seconds.
KEYSTROKE_S = 0.28
CLICK_S = 1.1 + 0.2


def _klm(counts: dict[str, float]) -> float:
    return counts["keystrokes"] * KEYSTROKE_S + counts["clicks"] * CLICK_S


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="milepost-bench-") as folder:
        out = Path(folder) / "assistant.json"
        env = {**os.environ, "ASSISTANT_BENCH_OUT": str(out), "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-m", "browser", TEST],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if not out.exists():
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            print("bench_assistant: the browser run did not finish:", *tail, sep="\n  ")
            return []
        data = json.loads(out.read_text())
    hand, assisted = data["by_hand"], data["assistant"]
    rows = [
        ("actions (keystrokes + clicks)", "actions", hand["actions"], assisted["actions"]),
        ("keystrokes", "keystrokes", hand["keystrokes"], assisted["keystrokes"]),
        ("clicks", "clicks", hand["clicks"], assisted["clicks"]),
        ("browser seconds (scripted)", "s", hand["seconds"], assisted["seconds"]),
        ("human seconds (KLM estimate)", "s", _klm(hand), _klm(assisted)),
    ]
    return [
        Result(
            name=f"assistant: seed plan, {label}",
            value=round(float(mine), 1),
            unit=unit,
            baseline_name="by hand in the plan editor",
            baseline_value=round(float(theirs), 1),
            ratio=round(float(mine) / float(theirs), 3) if theirs else 0.0,
        )
        for label, unit, theirs, mine in rows
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
