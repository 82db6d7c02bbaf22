"""`milepost score INSTRUMENT ANSWERS [--json]`: score one administration, without Django.

ANSWERS are the item values in item order, comma-separated; an empty value is an
unanswered item (``2,1,,0,…``). Invalid input exits with code 2 and one line on stderr
naming the item; a form with too many blanks prints ``"total": null`` and the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from milepost.domain import instruments
from milepost.domain.errors import DomainError, InvalidAnswers
from milepost.domain.instruments import Instrument, Score

EXIT_INVALID = 2


def parse_answers(text: str) -> list[int | None]:
    """``"2,1,,0"`` → ``[2, 1, None, 0]``; a value that is not a whole number names its item."""
    answers: list[int | None] = []
    for number, raw in enumerate(text.split(","), start=1):
        value = raw.strip()
        if not value:
            answers.append(None)
            continue
        try:
            answers.append(int(value))
        except ValueError:
            try:
                float(value)
            except ValueError:
                raise InvalidAnswers(f"{value!r} is not a number", item=number) from None
            raise InvalidAnswers(f"{value!r} is not a whole number", item=number) from None
    return answers


_VERDICT = {True: "positive", False: "negative", None: "undetermined"}


def summary(instrument: Instrument, result: Score) -> str:
    """A few human-readable lines."""
    n_items = len(instrument.items)
    if result.total is None:
        lines = [f"{instrument.short_name}: cannot be scored — {result.reason}"]
    else:
        band = f" ({result.band.label})" if result.band else ""
        prorated = f", prorated from {result.exact_total:g}" if result.prorated else ""
        lines = [
            f"{instrument.short_name}: {result.total}{band} — {result.answered} of {n_items} "
            f"items answered{prorated}"
        ]
    for flag in result.flags:
        lines.append(f"FLAG {flag.severity.upper()} {flag.code}: {flag.message}")
    if result.subscales:
        parts = ", ".join(
            f"{code} {'—' if value is None else value}" for code, value in result.subscales
        )
        lines.append(f"Subscales: {parts}")
    pd = result.provisional_diagnosis
    if pd is not None:
        rules = []
        if pd.rule_name is not None:
            rules.append(f"{pd.rule_name} {_VERDICT[pd.rule_met]}")
        if pd.cutoff_value is not None:
            rules.append(f"cut-off {pd.cutoff_value} {_VERDICT[pd.cutoff_met]}")
        lines.append("Provisional (screening only): " + "; ".join(rules))
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    try:
        instrument = instruments.get(args.instrument)
        result = instruments.score(instrument, parse_answers(args.answers))
    except DomainError as exc:
        print(f"milepost score: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(summary(instrument, result))
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score one questionnaire (no database)",
        description="Score one administration of an instrument. "
        + (__doc__ or "").split("\n\n")[1],
    )
    parser.add_argument("instrument", help="instrument code or name, e.g. phq9, GAD-7, pcl5")
    parser.add_argument("answers", help="item values in order, comma-separated; empty = unanswered")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=handle)
