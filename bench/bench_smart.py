"""SMART engine throughput: goal statements analysed per second on one core.

Measured beside a bare tokenising pass (one regex split into words and punctuation) over
the same statements, in the same process: the ratio says how many tokenising passes one
full analysis costs. Inputs are the labelled goal set, repeated to 2,000 statements.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_smart import load_cases  # noqa: E402
from bench.harness import Result, throughput  # noqa: E402
from milepost.domain import smart  # noqa: E402

TODAY = dt.date(2026, 1, 5)
_TOKEN = re.compile(r"\w+|[^\w\s]")


def statements(n: int = 2_000) -> list[str]:
    texts = [case.text for case in load_cases()]
    return (texts * (n // len(texts) + 1))[:n]


def analyse(text: str) -> object:
    return smart.analyse(text, today=TODAY)


def tokenise(text: str) -> object:
    return _TOKEN.findall(text)


def run() -> list[Result]:
    texts = statements()
    analyse(texts[0])  # build the patterns and the instrument gazetteer once
    return [
        throughput(
            name="smart: statements analysed",
            fn=analyse,
            baseline_name="regex tokenise same texts",
            baseline_fn=tokenise,
            inputs=texts,
            unit="statements/s",
        )
    ]


if __name__ == "__main__":
    for result in run():
        print(result.as_dict())
